-- Add spellings not seen before; aliases are never removed by a document reload.
insert into dim_entity_alias by name
select distinct a.entity_id, a.alias
from staged_entity_aliases a
where not exists (
    select 1 from dim_entity_alias d where d.entity_id = a.entity_id and d.alias = a.alias
);
