"""A sensor on the inbox: a run for new, changed or removed files, nothing when nothing changed.

The cursor holds what the last tick observed per file (size, mtime_ns, sha256),
so only files whose size or mtime moved are re-hashed. A file modified in the
last few seconds may still be being copied: it is left for the next tick. The
run key carries a generation counter and the inbox digest: a change that
returns the inbox to an earlier state still gets a run (Dagster remembers run
keys forever). The sensor never opens the warehouse.
"""


import hashlib
import json
import time

import dagster as dg

from pipelines.defs.jobs import publish_pages, refresh_warehouse
from pipelines.defs.resources import InboxResource
from pipelines.ingest.inbox import list_inbox, sha256_file

SETTLE_SECONDS = 5


def observe_inbox(inbox: InboxResource, previous: dict[str, list], now: float | None = None
                  ) -> tuple[dict[str, list], list[str], list[str], list[str], list[str]]:
    """New observation of the inbox: (state, new, changed, removed, settling) documents."""
    now = time.time() if now is None else now
    state: dict[str, list] = {}
    new, changed, settling = [], [], []
    for f in list_inbox(inbox.folder()):
        before = previous.get(f.document)
        if before and before[0] == f.size_bytes and before[1] == f.mtime_ns:
            state[f.document] = before
            continue
        if now - f.mtime_ns / 1e9 < SETTLE_SECONDS:
            settling.append(f.document)
            if before:
                state[f.document] = before
            continue
        try:
            digest, _ = sha256_file(f.path, max_bytes=0)
        except FileNotFoundError:
            continue
        state[f.document] = [f.size_bytes, f.mtime_ns, digest]
        if before is None:
            new.append(f.document)
        elif before[2] != digest:
            changed.append(f.document)
    removed = sorted(set(previous) - set(state) - set(settling))
    return state, new, changed, removed, settling


@dg.sensor(
    job=refresh_warehouse,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a refresh when report files are added to, changed in or removed from the inbox.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource):
    cursor = json.loads(context.cursor) if context.cursor else {"generation": 0, "files": {}}
    state, new, changed, removed, settling = observe_inbox(inbox, cursor["files"])
    if not (new or changed or removed):
        why = f"{len(settling)} file(s) still being written" if settling else "inbox unchanged"
        return dg.SensorResult(skip_reason=why, cursor=json.dumps({**cursor, "files": state}))
    generation = cursor["generation"] + 1
    digest = hashlib.sha256(json.dumps(sorted((k, v[2]) for k, v in state.items())).encode()).hexdigest()
    request = dg.RunRequest(
        run_key=f"inbox-{generation}@{digest[:16]}",
        tags={"yanbao/trigger": "inbox_sensor", "yanbao/inbox_sha256": digest,
              "yanbao/new": str(len(new)), "yanbao/changed": str(len(changed)), "yanbao/removed": str(len(removed))},
    )
    context.log.info(f"inbox changed: {len(new)} new, {len(changed)} changed, {len(removed)} removed")
    return dg.SensorResult(run_requests=[request],
                           cursor=json.dumps({"generation": generation, "files": state}))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[refresh_warehouse],
    request_job=publish_pages,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Publishes the evidence pages after every successful warehouse refresh.",
)
def pages_after_refresh(context: dg.RunStatusSensorContext):
    return dg.RunRequest(run_key=f"pages-after-{context.dagster_run.run_id}")
