-- dim_period: one row per distinct inclusive date range a fact refers to (grain: period_id).
create table if not exists dim_period (
    period_id    varchar primary key,      -- 'YYYY-MM-DD/YYYY-MM-DD'
    period_start date not null,
    period_end   date not null,
    days         integer not null,
    label        varchar not null          -- 2024Q1, 2024H1, 2024, 2024-04, 2024-03-14, or the range
);
