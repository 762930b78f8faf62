-- A file that left the inbox: mark its document removed and drop its facts from the views.
-- Parameter 1: the load timestamp.
update dim_document
set status = 'removed', removed_at = ?
where document in (select document from removed_documents)
  and status <> 'removed';

delete from fct_metric where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from fct_company_signal where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from fct_event where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from fct_entity_mention where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from fct_unparsed_mention where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from agg_entity_document where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from doc_text where document_id in (
    select document_id from dim_document where document in (select document from removed_documents));
delete from quarantine where document in (select document from removed_documents);
