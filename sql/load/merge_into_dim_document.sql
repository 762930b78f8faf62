-- Upsert the documents loaded in this refresh.
insert or replace into dim_document by name
select
    document_id, document, title, published_date, source, sha256, size_bytes, encoding, had_bom,
    characters, 'loaded' as status, null as reject_reason, extractor_version, loaded_at,
    null::timestamp as rejected_at, null::timestamp as removed_at
from staged_documents;
