-- Company performance signals by period: who is doing better or worse, and how strongly.
with signals as (
    select company, exchange_code, aspect, direction, strength, period_start, period_end, document
    from v_company_signals
),

final as (
    select
        period_start, period_end, company, exchange_code, aspect, direction, strength, document
    from signals
    order by period_start nulls last, direction, company
)

select * from final;
