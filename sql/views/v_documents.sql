-- v_documents: every report currently loaded (contract view).
create or replace view v_documents as
select
    document, title, published_date, source, sha256, characters, loaded_at, status,
    encoding, had_bom, size_bytes, extractor_version, document_id
from dim_document
where status = 'loaded';
