-- v_entity_mentions: what each loaded document says about each entity (grain: entity, document).
-- Aggregates rather than windows: one pass over the mentions, whatever the corpus size.
create or replace view v_entity_mentions as
with mentions as (
    select
        entity_id, document_id,
        count(*) as mentions,
        min(span_start) as first_span_start,
        arg_min(span_end, span_start) as first_span_end,
        arg_min(mention, span_start) as first_mention
    from fct_entity_mention
    group by entity_id, document_id
),

final as (
    select
        e.canonical as entity, e.entity_type, e.exchange_code, d.document,
        m.mentions, m.first_span_start, m.first_span_end, m.first_mention, e.entity_id
    from mentions m
    join dim_document d on d.document_id = m.document_id and d.status = 'loaded'
    join dim_entity e on e.entity_id = m.entity_id
)

select * from final;
