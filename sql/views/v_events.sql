-- v_events: one row per mention of a dated event (contract view).
create or replace view v_events as
select
    d.document,
    e.canonical as subject,
    v.event_type, v.event_start, v.event_end,
    v.span_start, v.span_end, v.evidence,
    v.mention, v.participants, v.event_key, v.event_id, v.subject_id
from fct_event v
join dim_document d on d.document_id = v.document_id and d.status = 'loaded'
left join dim_entity e on e.entity_id = v.subject_id;
