-- fct_entity_mention: one row per entity mention in a document (grain: document_id + span).
create table if not exists fct_entity_mention (
    document_id varchar not null,
    entity_id   varchar not null,
    span_start  integer not null,
    span_end    integer not null,
    mention     varchar not null
);
