-- How many quantities each document states, per metric family and metric.
with facts as (
    select document, metric_family, metric
    from v_metric_facts
),

final as (
    select document, metric_family, metric, count(*) as facts
    from facts
    group by all
    order by document, facts desc, metric
)

select * from final;
