"""Jobs: refresh the warehouse from the inbox; publish the evidence pages after each refresh.

The pages are a separate job so that a refresh of a large archive is not slowed by writing
HTML (pages are ~10x the text's size); the `pages_after_refresh` sensor runs it after every
successful refresh, so in the UI the pages follow the warehouse. `yanbao run --pages` runs both.
"""


import dagster as dg

PAGES = dg.AssetSelection.groups("present")

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all() - PAGES,
    description="Scan the inbox, extract new and changed reports, validate, and load the warehouse.",
    # One process for the whole run: the staged frames stay in memory between steps and the
    # loader is the only writer inside the run.
    executor_def=dg.in_process_executor,
)

publish_pages = dg.define_asset_job(
    "publish_pages",
    selection=PAGES,
    description="Render one evidence page per changed report and the corpus index with charts.",
    executor_def=dg.in_process_executor,
)
