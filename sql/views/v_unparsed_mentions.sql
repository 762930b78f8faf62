-- v_unparsed_mentions: number-like mentions kept out of the facts, with the reason.
create or replace view v_unparsed_mentions as
select d.document, u.span_start, u.span_end, u.mention, u.reason, u.evidence
from fct_unparsed_mention u
join dim_document d on d.document_id = u.document_id and d.status = 'loaded';
