"""Daily refresh: repairs anything a missed sensor tick left behind (unchanged files are skipped)."""


import dagster as dg

from pipelines.defs.jobs import refresh_warehouse

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=refresh_warehouse,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 06:00 Shanghai time, refresh the warehouse from the inbox.",
)
