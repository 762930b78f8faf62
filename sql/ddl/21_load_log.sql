-- load_log: one row per warehouse load transaction (grain: load_id), for auditing runs.
create table if not exists load_log (
    load_id            varchar primary key,
    run_id             varchar,
    started_at         timestamp not null,
    finished_at        timestamp not null,
    documents_loaded   integer not null,
    documents_unchanged integer not null,
    documents_rejected integer not null,
    documents_removed  integer not null,
    metric_rows        integer not null,
    signal_rows        integer not null,
    event_rows         integer not null,
    quarantined_rows   integer not null,
    extractor_version  varchar not null
);
