-- One audit row per load transaction.
insert into load_log (
    load_id, run_id, started_at, finished_at, documents_loaded, documents_unchanged,
    documents_rejected, documents_removed, metric_rows, signal_rows, event_rows,
    quarantined_rows, extractor_version
) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
