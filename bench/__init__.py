"""The yanbao benchmark: a deterministic synthetic corpus (`bench.corpus`) and the run that
measures the pipeline, the extractors alone, the peers and the queries on it (`bench.run`)."""
