-- Insert this refresh's rows; the touched documents' old rows were deleted above.
insert into quarantine by name
select * from staged_quarantine;
