-- agg_entity_document: fct_entity_mention summed per entity and document (grain: entity_id + document_id).
-- Kept by the loader with the mentions it summarizes, so coverage queries read tens of thousands
-- of rows instead of grouping millions of mentions on every query.
create table if not exists agg_entity_document (
    entity_id        varchar not null,
    document_id      varchar not null,
    mentions         integer not null,
    first_span_start integer not null,
    first_span_end   integer not null,
    first_mention    varchar not null
);
