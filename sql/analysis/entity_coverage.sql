-- What the corpus says about each entity: documents, mentions, facts, signals and events.
with mentions as (
    -- v_entity_mentions has one row per entity and document: count(*) counts documents.
    select entity_id, count(*) as documents, sum(mentions) as mentions
    from v_entity_mentions
    group by entity_id
),

facts as (
    select subject_id as entity_id, count(*) as quantities from v_metric_facts group by 1
),

signals as (
    select entity_id, count(*) as signals from v_company_signals group by 1
),

events as (
    select subject_id as entity_id, count(*) as events from v_events group by 1
),

final as (
    select
        e.canonical as entity, e.entity_type, e.exchange_code,
        m.documents, m.mentions,
        coalesce(f.quantities, 0) as quantities,
        coalesce(s.signals, 0) as signals,
        coalesce(v.events, 0) as events
    from mentions m
    join dim_entity e using (entity_id)
    left join facts f using (entity_id)
    left join signals s using (entity_id)
    left join events v using (entity_id)
    order by m.mentions desc, entity
)

select * from final;
