# yanbao: two commands on a fresh machine.
#   make run   set up .venv, refresh warehouse/yanbao.duckdb from the bundled sample, show some facts
#   make test  set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: setup run test lint dev bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: setup
	$(BIN)/yanbao run
	@echo
	@echo "== Quantities per metric"
	$(BIN)/yanbao query --file sql/analysis/facts_per_document_and_metric.sql --max-rows 10
	@echo "== Facts about 中国移动"
	$(BIN)/yanbao query --file sql/analysis/quantities_about_entity.sql --param entity=中国移动 --max-rows 10
	@echo "== Events on a timeline"
	$(BIN)/yanbao query --file sql/analysis/events_timeline.sql --max-rows 10

test: setup
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; fi; exit $$rc

lint: setup
	$(BIN)/ruff check pipelines schemas tests

dev: setup
	$(BIN)/dagster dev -h 127.0.0.1

clean:
	rm -rf warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/*.lock dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
