-- Periods are keyed by their dates; insert the ones not seen before.
insert into dim_period by name
select distinct p.period_id, p.period_start, p.period_end, p.days, p.label
from staged_periods p
where not exists (select 1 from dim_period d where d.period_id = p.period_id);
