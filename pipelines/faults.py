"""Fault injection for the crash tests: die like `kill -9` at a named point of a run.

`YANBAO_CRASH_AT=<point>` makes the process SIGKILL itself when it reaches that
point (e.g. `load:insert_into_fct_metric.sql`, `before_commit`, `after_commit`).
Unset, this is a dictionary lookup and nothing else.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("YANBAO_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
