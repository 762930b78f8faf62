"""The contracts of every frame that reaches the warehouse: one pandera model per frame.

DDL in `sql/ddl/` mirrors these models; `tests/unit/test_schemas.py` keeps the two in step.
"""

from schemas.documents import RejectedDocumentModel, StagedDocumentModel
from schemas.entities import EntityAliasModel, EntityMentionModel, EntityModel
from schemas.facts import (
    CompanySignalModel,
    EventModel,
    MetricFactModel,
    UnparsedMentionModel,
)
from schemas.quarantine import QuarantineModel

__all__ = [
    "CompanySignalModel",
    "EntityAliasModel",
    "EntityMentionModel",
    "EntityModel",
    "EventModel",
    "MetricFactModel",
    "QuarantineModel",
    "RejectedDocumentModel",
    "StagedDocumentModel",
    "UnparsedMentionModel",
]
