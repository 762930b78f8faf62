-- A loaded or rejected document's facts are replaced as a whole: delete them first.
delete from fct_metric where document_id in (select document_id from touched_documents);
delete from fct_company_signal where document_id in (select document_id from touched_documents);
delete from fct_event where document_id in (select document_id from touched_documents);
delete from fct_entity_mention where document_id in (select document_id from touched_documents);
delete from fct_unparsed_mention where document_id in (select document_id from touched_documents);
delete from agg_entity_document where document_id in (select document_id from touched_documents);
delete from doc_text where document_id in (select document_id from touched_documents);
delete from quarantine where document in (select document from touched_documents);
