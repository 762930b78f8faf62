-- Computing-power targets and figures by region/government and year, in EFLOPS.
with compute as (
    select
        subject, subject_type, status, comparator, value, value_high,
        year(period_end) as year, document, mention
    from v_metric_facts
    where unit = 'FLOPS'
),

final as (
    select
        subject, year, status, comparator,
        round(value / 1e18, 3) as eflops,
        round(value_high / 1e18, 3) as eflops_high,
        document, mention
    from compute
    where subject_type in ('government', 'region') or subject is null
    order by subject, year
)

select * from final;
