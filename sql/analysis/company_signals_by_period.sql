-- Company performance signals by period: who is doing better or worse, and how strongly.
-- One row per company, period and aspect (revenue, profit, margin...): how many statements say
-- up, down or flat, how many of those are strong, and in how many documents. `net` = up - down.
-- The statements themselves, with evidence: v_company_signals.
with signals as (
    select entity_id, company_canonical, exchange_code, aspect, direction, strength,
           period_start, period_end, document
    from v_company_signals
),

by_company as (
    select
        period_start, period_end, entity_id, aspect,
        any_value(company_canonical) as company,
        any_value(exchange_code) as exchange_code,
        count(*) filter (where direction = 'up') as up,
        count(*) filter (where direction = 'down') as down,
        count(*) filter (where direction = 'flat') as flat,
        count(*) filter (where strength = 'strong') as strong,
        count(distinct document) as documents
    from signals
    group by period_start, period_end, entity_id, aspect
),

final as (
    select period_start, period_end, company, exchange_code, aspect,
           up - down as net, up, down, flat, strong, documents
    from by_company
    order by period_start nulls last, period_end, net desc, company, aspect
)

select * from final;
