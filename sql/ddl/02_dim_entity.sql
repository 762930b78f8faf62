-- dim_entity: one row per canonical entity (grain: entity_id), shared across documents.
-- Lexicon entities keep their lexicon id; entities found by patterns get a hash id.
create table if not exists dim_entity (
    entity_id     varchar primary key,
    canonical     varchar not null,
    entity_type   varchar not null,
    exchange_code varchar,
    role          varchar,
    source        varchar not null           -- 'lexicon' or the pattern that found it
);
