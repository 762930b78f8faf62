"""Listing the inbox and deciding which files are new, changed, unchanged or removed.

A document is one file under the inbox, named by its inbox-relative path with
'/' separators. Hidden files (a name or folder starting with '.') and the
temporary files editors and downloads leave behind are ignored, not rejected:
they are not reports and will change under us (README: "What counts as a
report file").
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".swx", "~")
TEMP_PREFIXES = ("~$", "#")


@dataclass(frozen=True)
class InboxFile:
    document: str      # inbox-relative path, '/' separators
    path: Path
    size_bytes: int
    mtime_ns: int


def is_ignored(relative_parts: tuple[str, ...]) -> bool:
    """Hidden and temporary files are not reports."""
    name = relative_parts[-1]
    if any(part.startswith(".") for part in relative_parts):
        return True
    return name.endswith(TEMP_SUFFIXES) or name.startswith(TEMP_PREFIXES)


def list_inbox(inbox: Path) -> list[InboxFile]:
    """Every report file under the inbox, recursively, sorted by document name."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    found: list[InboxFile] = []
    for root, dirs, files in os.walk(inbox):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            rel = path.relative_to(inbox)
            if is_ignored(rel.parts) or not path.is_file():
                continue
            try:
                st = path.stat()
            except FileNotFoundError:  # vanished between listing and stat: next run sees it gone
                continue
            found.append(InboxFile(rel.as_posix(), path, st.st_size, st.st_mtime_ns))
    return sorted(found, key=lambda f: f.document)


def document_id(document: str) -> str:
    """Stable key of a document: md5 of its inbox-relative path."""
    return hashlib.md5(document.encode("utf-8")).hexdigest()


def sha256_file(path: Path, max_bytes: int | None = None) -> tuple[str, bytes | None]:
    """sha256 of the file's bytes, and the bytes themselves when within `max_bytes`.

    Reading once serves both the hash and the decoder; an oversized file is hashed
    in chunks and its bytes are not kept.
    """
    size = path.stat().st_size
    if max_bytes is None or size <= max_bytes:
        raw = path.read_bytes()
        return hashlib.sha256(raw).hexdigest(), raw
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest(), None


@dataclass(frozen=True)
class InboxChanges:
    """The plan of one refresh."""

    # (file, sha256, within the size limit). The bytes are not kept: a 10,000-file refresh would
    # hold them all at once; staging reads each file again, from the page cache.
    to_load: list[tuple[InboxFile, str | None, bool]]
    unchanged: list[str]
    removed: list[str]
    unreadable: list[tuple[InboxFile, str]]


def plan_changes(files: list[InboxFile], known: pl.DataFrame, extractor_version: str,
                 max_bytes: int) -> InboxChanges:
    """Compare the inbox with what the warehouse holds.

    A document is unchanged when its bytes (sha256) and the extractor version that
    produced its facts both match; a newer extractor re-extracts every document.
    Rejected files count as unchanged too while their bytes stay the same, so a
    re-run does not re-stamp their rejection.
    """
    state = {
        r["document"]: r for r in known.iter_rows(named=True) if r["status"] in ("loaded", "rejected")
    }
    to_load, unchanged, unreadable = [], [], []
    present = set()
    for f in files:
        try:
            digest, raw = sha256_file(f.path, max_bytes)
        except FileNotFoundError:   # disappeared while we read: absent this run, retired if it was known
            continue
        except OSError as exc:      # permission denied, a FIFO, an I/O error: rejected with the reason
            present.add(f.document)
            unreadable.append((f, exc.strerror or type(exc).__name__))
            continue
        present.add(f.document)
        prior = state.get(f.document)
        same_version = prior is not None and (
            prior["status"] == "rejected" or prior["extractor_version"] == extractor_version
        )
        if prior is not None and prior["sha256"] == digest and same_version:
            unchanged.append(f.document)
        else:
            to_load.append((f, digest, raw is not None))
    removed = sorted(
        r["document"] for r in known.iter_rows(named=True)
        if r["status"] in ("loaded", "rejected") and r["document"] not in present
    )
    return InboxChanges(to_load, unchanged, removed, unreadable)
