-- Sum this refresh's entity mentions per entity and document (their old rows were deleted above).
insert into agg_entity_document by name
select
    entity_id, document_id,
    count(*) as mentions,
    min(span_start) as first_span_start,
    arg_min(span_end, span_start) as first_span_end,
    arg_min(mention, span_start) as first_mention
from staged_entity_mentions
group by entity_id, document_id;
