-- Upsert the files rejected in this refresh, with their reason.
insert or replace into dim_document by name
select
    document_id, document, sha256, size_bytes, 'rejected' as status, reason as reject_reason,
    rejected_at
from staged_rejected;
