-- dim_entity_alias: one row per (entity, spelling) (grain: entity_id, alias).
create table if not exists dim_entity_alias (
    entity_id varchar not null,
    alias     varchar not null
);
