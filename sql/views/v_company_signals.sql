-- v_company_signals: one row per qualitative performance statement about a company (contract view).
create or replace view v_company_signals as
select
    d.document,
    e.canonical as company,
    s.aspect, s.direction, s.strength, s.period_start, s.period_end,
    s.span_start, s.span_end, s.evidence,
    s.mention, e.exchange_code, s.signal_id, s.entity_id
from fct_company_signal s
join dim_document d on d.document_id = s.document_id and d.status = 'loaded'
join dim_entity e on e.entity_id = s.entity_id;
