-- Entities are shared across documents: add new ones, refresh names and codes of known ones.
insert or replace into dim_entity by name
select entity_id, canonical, entity_type, exchange_code, role, source
from staged_entities;
