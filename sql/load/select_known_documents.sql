-- What the warehouse holds per document, for change detection by the ingest step.
-- A loaded document without stored text (loaded before doc_text existed) reports no extractor
-- version, so the next refresh reloads it once and its page can be shown.
select
    d.document, d.sha256,
    case when d.status = 'loaded' and t.document_id is null then null else d.extractor_version end
        as extractor_version,
    d.status
from dim_document d
left join doc_text t on t.document_id = d.document_id;
