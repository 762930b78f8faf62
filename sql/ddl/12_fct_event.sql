-- fct_event: one row per mention of a dated event (grain: event_id = document + span).
-- event_key is shared by mentions of the same event within a document (summary and body).
create table if not exists fct_event (
    event_id     varchar not null,
    event_key    varchar not null,
    document_id  varchar not null,
    subject_id   varchar,
    event_type   varchar not null,
    participants varchar,                  -- JSON list of {entity_id, name, role}
    period_id    varchar,
    event_start  date not null,
    event_end    date not null,
    span_start   integer not null,
    span_end     integer not null,
    mention      varchar not null,
    evidence     varchar not null
);
