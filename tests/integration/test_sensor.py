"""The inbox sensor: a run for new, changed or removed files, nothing when nothing changed.

Pins: run keys are deterministic and carry the inbox digest; the cursor keeps
what was observed; a file still being written waits for the next tick.
"""

from __future__ import annotations

import json
import os
import time

import dagster as dg

from pipelines.defs.resources import InboxResource
from pipelines.defs.sensors import inbox_sensor


def tick(inbox, cursor=None):
    ctx = dg.build_sensor_context(cursor=cursor, resources={"inbox": InboxResource(path=str(inbox))})
    return inbox_sensor(ctx)


def age(path, seconds=60):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_new_unchanged_changed_removed(inbox):
    age(inbox / "seed_report.txt")
    first = tick(inbox)
    assert len(first.run_requests) == 1
    key = first.run_requests[0].run_key
    assert key.startswith("inbox-1@")
    assert first.run_requests[0].tags["yanbao/new"] == "1"

    again = tick(inbox, first.cursor)
    assert not again.run_requests
    assert "unchanged" in again.skip_reason.skip_message

    (inbox / "seed_report.txt").write_text("改写后的报告:收入 5 亿元。", encoding="utf-8")
    age(inbox / "seed_report.txt", 30)
    changed = tick(inbox, again.cursor)
    assert len(changed.run_requests) == 1
    assert changed.run_requests[0].tags["yanbao/changed"] == "1"
    assert changed.run_requests[0].run_key != key

    (inbox / "seed_report.txt").unlink()
    removed = tick(inbox, changed.cursor)
    assert removed.run_requests[0].tags["yanbao/removed"] == "1"
    assert json.loads(removed.cursor)["files"] == {}


def test_run_key_is_deterministic(inbox):
    age(inbox / "seed_report.txt")
    assert tick(inbox).run_requests[0].run_key == tick(inbox).run_requests[0].run_key


def test_file_being_written_waits_a_tick(inbox):
    age(inbox / "seed_report.txt")
    base = tick(inbox)
    (inbox / "new.txt").write_text("正在复制的报告", encoding="utf-8")   # mtime is now
    waiting = tick(inbox, base.cursor)
    assert not waiting.run_requests
    assert "still being written" in waiting.skip_reason.skip_message
    age(inbox / "new.txt")
    assert tick(inbox, waiting.cursor).run_requests[0].tags["yanbao/new"] == "1"
