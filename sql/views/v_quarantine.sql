-- v_quarantine: staged rows that failed validation, with the failed check.
create or replace view v_quarantine as
select document, frame, check_name, reason, row_json, quarantined_at
from quarantine;
