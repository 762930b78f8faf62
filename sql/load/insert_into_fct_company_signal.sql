-- Insert this refresh's rows; the touched documents' old rows were deleted above.
insert into fct_company_signal by name
select * from staged_company_signals;
