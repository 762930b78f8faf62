-- v_company_signals: one row per qualitative performance statement about a company (contract view).
-- `company` is the company as the document names it most often (NVIDIA in an English release,
-- 英伟达 in a Chinese report); `company_canonical` and `entity_id` group spellings across documents.
create or replace view v_company_signals as
select
    d.document,
    coalesce(s.company_spelling, e.canonical) as company,
    s.aspect, s.direction, s.strength, s.period_start, s.period_end,
    s.span_start, s.span_end, s.evidence,
    s.mention, e.canonical as company_canonical, e.exchange_code, s.signal_id, s.entity_id
from fct_company_signal s
join dim_document d on d.document_id = s.document_id and d.status = 'loaded'
join dim_entity e on e.entity_id = s.entity_id;
