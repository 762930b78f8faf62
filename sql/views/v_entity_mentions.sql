-- v_entity_mentions: what each loaded document says about each entity (grain: entity, document).
create or replace view v_entity_mentions as
with mentions as (
    select
        m.entity_id, m.document_id, m.span_start, m.span_end, m.mention,
        row_number() over (partition by m.entity_id, m.document_id order by m.span_start) as nth,
        count(*) over (partition by m.entity_id, m.document_id) as mentions
    from fct_entity_mention m
),

final as (
    select
        e.canonical as entity, e.entity_type, e.exchange_code, d.document,
        m.mentions, m.span_start as first_span_start, m.span_end as first_span_end,
        m.mention as first_mention, e.entity_id
    from mentions m
    join dim_document d on d.document_id = m.document_id and d.status = 'loaded'
    join dim_entity e on e.entity_id = m.entity_id
    where m.nth = 1
)

select * from final;
