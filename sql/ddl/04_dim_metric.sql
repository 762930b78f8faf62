-- dim_metric: the metric vocabulary (grain: metric key), loaded from pipelines/vocab/metrics.csv.
create table if not exists dim_metric (
    metric      varchar primary key,
    family      varchar not null,
    description varchar not null,
    sign_rule   varchar                    -- how declines are signed for this metric
);
