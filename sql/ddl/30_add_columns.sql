-- Columns added after the first release: warehouses created before them gain them here.
alter table fct_company_signal add column if not exists company_spelling varchar;
-- agg_entity_document arrived after fct_entity_mention: fill it once from the mentions already loaded.
insert into agg_entity_document
select entity_id, document_id, count(*), min(span_start), arg_min(span_end, span_start), arg_min(mention, span_start)
from fct_entity_mention
where not exists (select 1 from agg_entity_document)
group by entity_id, document_id;
