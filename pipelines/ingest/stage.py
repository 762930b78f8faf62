"""Staging the inbox: which documents to (re)load, decoded, and which files to reject."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.frames import frame_from_rows
from pipelines.ingest.decode import Rejected, decode_report
from pipelines.ingest.inbox import document_id, list_inbox, plan_changes
from pipelines.ingest.metadata import read_metadata

DOCUMENT_SCHEMA = {
    "document_id": pl.String, "document": pl.String, "title": pl.String, "published_date": pl.Date,
    "source": pl.String, "sha256": pl.String, "size_bytes": pl.Int64, "encoding": pl.String,
    "had_bom": pl.Boolean, "characters": pl.Int32, "text": pl.String,
}
REJECTED_SCHEMA = {
    "document_id": pl.String, "document": pl.String, "reason": pl.String, "sha256": pl.String,
    "size_bytes": pl.Int64,
}


@dataclass
class StagedDocuments:
    """The plan and the decoded inputs of one refresh."""

    documents: pl.DataFrame                 # StagedDocumentModel: new or changed reports
    rejected: pl.DataFrame                  # RejectedDocumentModel: new or changed unreadable files
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.documents.height or self.rejected.height or self.removed)


# Documents decoded per polars frame: the Python strings of one batch are freed before the next,
# so staging holds each text once (in the frame), not twice, whatever the inbox size.
STAGE_BATCH = 256


def stage_documents(inbox: Path, known: pl.DataFrame, extractor_version: str, max_bytes: int,
                    planned: Callable[[int], None] | None = None) -> StagedDocuments:
    """Decode every new or changed file; unreadable ones become rejections with a reason.

    `planned(bytes_to_load)` is called once the changes are known, before any file is decoded."""
    changes = plan_changes(list_inbox(inbox), known, extractor_version, max_bytes)
    if planned is not None:
        planned(sum(f.size_bytes for f, _, within_limit in changes.to_load if within_limit))
    parts, docs, rejected = [], [], []
    for f, digest, within_limit in changes.to_load:
        doc_id = document_id(f.document)
        try:
            if not within_limit:
                # Oversized files are hashed in chunks and never read whole.
                raise Rejected(f"over the size limit ({f.size_bytes / 2**20:.1f} MB > {max_bytes / 2**20:.1f} MB)")
            # Read again (the plan hashed it moments ago). Should it have changed since, the
            # stored sha256 is the old one and the next refresh re-extracts it.
            decoded = decode_report(f.path.read_bytes(), max_bytes=max_bytes)
        except FileNotFoundError:   # gone since it was hashed: absent this run, like a file never seen
            continue
        except Rejected as exc:
            rejected.append((doc_id, f.document, exc.reason, digest, f.size_bytes))
            continue
        except OSError as exc:
            rejected.append((doc_id, f.document, f"cannot read the file: {exc.strerror or type(exc).__name__}",
                             digest, f.size_bytes))
            continue
        meta = read_metadata(decoded.text)
        docs.append((
            doc_id, f.document, meta.title, meta.published_date, meta.source, digest, f.size_bytes,
            decoded.encoding, decoded.had_bom, len(decoded.text), decoded.text,
        ))
        if len(docs) == STAGE_BATCH:
            parts.append(frame_from_rows(docs, DOCUMENT_SCHEMA))
            docs = []
    parts.append(frame_from_rows(docs, DOCUMENT_SCHEMA))
    for f, why in changes.unreadable:
        rejected.append((document_id(f.document), f.document, f"cannot read the file: {why}", None, f.size_bytes))
    return StagedDocuments(
        documents=pl.concat(parts, rechunk=False),
        rejected=pl.DataFrame(rejected, schema=REJECTED_SCHEMA, orient="row"),
        removed=changes.removed,
        unchanged=changes.unchanged,
    )
