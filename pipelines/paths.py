"""Where things live: the repo's own folders and the user-facing defaults of CONTRACT.md."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
# The extraction modules take these from here, not from their own __file__: compiled, they
# are loaded from build/native (pipelines/native.py).
VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
EXTRACT_DIR = Path(__file__).resolve().parent / "extract"
SAMPLE_INBOX = REPO_ROOT / "samples" / "inbox"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "yanbao.duckdb"
DAGSTER_HOME = REPO_ROOT / "dagster_home"


def resolve(path: str | os.PathLike[str] | None, default: Path) -> Path:
    """An absolute path; relative ones are taken from the working directory, as a shell user
    expects (`dagster dev` runs from the repo root, so its `.env` paths resolve there)."""
    if path is None or str(path) == "":
        return default
    return Path(path).expanduser().resolve()


def inbox_path(explicit: str | None = None) -> Path:
    return resolve(explicit or os.environ.get("YANBAO_INBOX"), SAMPLE_INBOX)


def warehouse_path(explicit: str | None = None) -> Path:
    return resolve(explicit or os.environ.get("YANBAO_WAREHOUSE"), DEFAULT_WAREHOUSE)
