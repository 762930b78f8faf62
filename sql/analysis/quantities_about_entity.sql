-- Every quantity about one entity, whatever spelling the report used.
-- yanbao query --file sql/analysis/quantities_about_entity.sql --param entity=英伟达
with matching_entities as (
    select distinct entity_id
    from dim_entity_alias
    where lower(alias) = lower($entity)
    union
    select entity_id from dim_entity where lower(canonical) = lower($entity)
),

final as (
    select
        f.document, f.subject, f.metric, f.value, f.value_high, f.unit, f.comparator,
        f.period_start, f.period_end, f.status, f.mention
    from v_metric_facts f
    where f.subject_id in (select entity_id from matching_entities)
    order by f.document, f.span_start
)

select * from final;
