-- v_rejected_documents: every inbox file that could not be read as a report (contract view).
create or replace view v_rejected_documents as
select document, reject_reason as reason, rejected_at, sha256, size_bytes, document_id
from dim_document
where status = 'rejected';
