"""Entry point for `dagster dev` and the CLI: everything under `pipelines/defs`, autoloaded."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
