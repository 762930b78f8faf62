-- v_metric_facts: one row per quantity stated in a loaded report (contract view).
create or replace view v_metric_facts as
select
    d.document,
    e.canonical   as subject,
    e.entity_type as subject_type,
    f.metric, f.value, f.value_high, f.unit, f.comparator,
    f.period_start, f.period_end, f.status,
    f.span_start, f.span_end, f.evidence,
    f.mention, f.counted, f.fact_id, f.subject_id, m.family as metric_family
from fct_metric f
join dim_document d on d.document_id = f.document_id and d.status = 'loaded'
left join dim_entity e on e.entity_id = f.subject_id
left join dim_metric m on m.metric = f.metric;
