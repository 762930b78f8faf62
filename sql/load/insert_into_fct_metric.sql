-- Insert this refresh's rows; the touched documents' old rows were deleted above.
insert into fct_metric by name
select * from staged_metric_facts;
