"""The one job: refresh the warehouse from the inbox (every asset, incremental by content hash)."""


import dagster as dg

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    description="Scan the inbox, extract new and changed reports, validate, and load the warehouse.",
    # One process for the whole run: the staged frames stay in memory between steps and the
    # loader is the only writer inside the run.
    executor_def=dg.in_process_executor,
)
