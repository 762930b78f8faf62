-- What the warehouse holds per document, for change detection by the ingest step.
select document, sha256, extractor_version, status
from dim_document;
