"""Resources: where the inbox and the warehouse are. Declared once, paths from the environment."""


from pathlib import Path

import dagster as dg

from pipelines import paths
from pipelines.ingest.decode import MAX_REPORT_BYTES


class InboxResource(dg.ConfigurableResource):
    """The folder of report files; every file under it (recursively) is a document."""

    path: str
    max_bytes: int = MAX_REPORT_BYTES

    def folder(self) -> Path:
        return paths.resolve(self.path, paths.SAMPLE_INBOX)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file of the star schema. Only the loader asset writes it."""

    path: str

    def file(self) -> Path:
        return paths.resolve(self.path, paths.DEFAULT_WAREHOUSE)


@dg.definitions
def resources() -> dg.Definitions:
    # EnvVar is resolved at run time; `.env` in the repo root gives the defaults for `dagster dev`
    # and the CLI sets both variables from its options. The staged frames pass between the steps of
    # one in-process run in memory: pickling them to disk cost a quarter of a large run's peak
    # memory, and they are meaningless outside their run (materialize the whole refresh job).
    return dg.Definitions(
        resources={
            "inbox": InboxResource(path=dg.EnvVar("YANBAO_INBOX")),
            "warehouse": WarehouseResource(path=dg.EnvVar("YANBAO_WAREHOUSE")),
            "io_manager": dg.mem_io_manager,
        }
    )
