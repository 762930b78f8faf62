-- Procurement and tender figures: values, unit counts and unit prices, by buyer.
with procurement as (
    select
        f.subject, f.metric, f.value, f.value_high, f.unit, f.comparator, f.status,
        f.period_start, f.period_end, f.document, f.mention
    from v_metric_facts f
    join dim_metric m on m.metric = f.metric
    where m.family in ('procurement', 'price')
),

final as (
    select
        subject, metric,
        case when unit in ('CNY', 'USD', 'HKD', 'EUR') then round(value / 1e8, 4) end as value_yi,
        value, unit, comparator, status, period_start, period_end, document, mention
    from procurement
    order by subject, metric, period_start
)

select * from final;
