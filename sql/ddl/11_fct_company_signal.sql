-- fct_company_signal: one row per company per qualitative performance statement
-- (grain: signal_id = document + span + company).
create table if not exists fct_company_signal (
    signal_id    varchar not null,
    document_id  varchar not null,
    entity_id    varchar not null,
    company_spelling varchar,              -- the company as this document names it most often
    aspect       varchar not null,
    direction    varchar not null,
    strength     varchar,
    period_id    varchar,
    period_start date,
    period_end   date,
    span_start   integer not null,
    span_end     integer not null,
    mention      varchar not null,
    evidence     varchar not null
);
