-- Insert this refresh's rows; the touched documents' old rows were deleted above.
insert into fct_unparsed_mention by name
select * from staged_unparsed_mentions;
