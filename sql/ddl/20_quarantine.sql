-- quarantine: rows that failed validation (grain: one row per failing staged row and check).
-- Replaced per document like the facts, so a fixed document leaves no stale rows behind.
create table if not exists quarantine (
    document      varchar,
    frame         varchar not null,        -- which staged frame: metric_facts, events, ...
    check_name    varchar not null,
    reason        varchar not null,
    row_json      varchar not null,
    quarantined_at timestamp not null
);
