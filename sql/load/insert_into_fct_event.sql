-- Insert this refresh's rows; the touched documents' old rows were deleted above.
insert into fct_event by name
select * from staged_events;
