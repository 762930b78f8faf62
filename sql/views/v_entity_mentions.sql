-- v_entity_mentions: what each loaded document says about each entity (grain: entity, document).
-- Read from agg_entity_document, which the loader keeps with the mentions (fct_entity_mention).
create or replace view v_entity_mentions as
select
    e.canonical as entity, e.entity_type, e.exchange_code, d.document,
    m.mentions, m.first_span_start, m.first_span_end, m.first_mention, e.entity_id
from agg_entity_document m
join dim_document d on d.document_id = m.document_id and d.status = 'loaded'
join dim_entity e on e.entity_id = m.entity_id;
