-- The metric vocabulary is data: refresh it from the staged vocabulary file.
insert or replace into dim_metric by name
select metric, family, description, sign_rule
from staged_metrics;
