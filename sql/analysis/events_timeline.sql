-- Events on a timeline: one row per event (mentions of the same event in a document merged).
with events as (
    select
        event_key, document, subject, event_type, event_start, event_end,
        min(span_start) as first_span, count(*) as mentions, any_value(evidence) as evidence
    from v_events
    group by all
),

final as (
    select event_start, event_end, event_type, subject, document, mentions, evidence
    from events
    order by event_start, event_type, subject
)

select * from final;
