-- Columns added after the first release: warehouses created before them gain them here.
alter table fct_company_signal add column if not exists company_spelling varchar;
