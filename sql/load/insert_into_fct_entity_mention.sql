-- Insert this refresh's rows; the touched documents' old rows were deleted above.
insert into fct_entity_mention by name
select * from staged_entity_mentions;
