-- fct_metric: one row per quantity stated in a report (grain: fact_id = document + span).
create table if not exists fct_metric (
    fact_id        varchar not null,
    document_id    varchar not null,
    subject_id     varchar,
    metric         varchar not null,
    value          double not null,
    value_high     double,
    unit           varchar not null,
    comparator     varchar not null,
    counted        varchar,
    period_id      varchar,
    period_start   date,
    period_end     date,
    status         varchar not null,
    span_start     integer not null,
    span_end       integer not null,
    mention        varchar not null,
    sentence_start integer not null,
    sentence_end   integer not null,
    evidence       varchar not null
);
