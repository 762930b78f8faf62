# yanbao: two commands on a fresh machine.
#   make run   set up .venv, refresh warehouse/yanbao.duckdb from the bundled sample, show some facts
#   make test  set up .venv and run the whole test suite
#   make bench set up .venv and run the 2,000-document benchmark (bench-large: 10,000); updates BENCHMARKS.md
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NATIVE := build/native/.attempted
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: setup native browser run test lint dev bench bench-large clean

setup: $(STAMP) $(NATIVE)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The extraction modules compiled with mypyc (pipelines/native.py), rebuilt when their source
# changes. A failed build is reported and does not stop setup: the Python source then runs.
$(NATIVE): $(STAMP) $(wildcard pipelines/extract/*.py) pipelines/native.py
	$(BIN)/python -m pipelines.native build || echo "yanbao: no compiled extraction (see above); the Python source runs, about 1.3x slower"
	mkdir -p build/native && touch $(NATIVE)

native: $(STAMP)
	$(BIN)/python -m pipelines.native build

run: setup
	$(BIN)/yanbao run
	@echo
	@echo "== Quantities per metric"
	$(BIN)/yanbao query --file sql/analysis/facts_per_document_and_metric.sql --max-rows 10
	@echo "== Facts about 中国移动"
	$(BIN)/yanbao query --file sql/analysis/quantities_about_entity.sql --param entity=中国移动 --max-rows 10
	@echo "== Events on a timeline"
	$(BIN)/yanbao query --file sql/analysis/events_timeline.sql --max-rows 10

test: setup browser
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; fi; exit $$rc

# The browser test drives Debian's chromium (with a small CJK font, so screenshots show Chinese).
# Installed only when missing and apt can run (as root or via passwordless sudo); never fails the
# build: without chromium the browser test skips and says why.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then su=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then su="sudo -n"; else su=none; fi; \
	  if [ "$$su" = none ] || ! command -v apt-get >/dev/null 2>&1; then \
	    echo "make: /usr/bin/chromium missing and apt-get unavailable; the browser test will skip"; \
	  else \
	    pkgs="chromium fonts-wqy-microhei"; \
	    DEBIAN_FRONTEND=noninteractive $$su apt-get install -y -qq $$pkgs >/dev/null 2>&1 \
	    || { DEBIAN_FRONTEND=noninteractive $$su apt-get update -qq >/dev/null 2>&1 \
	         && DEBIAN_FRONTEND=noninteractive $$su apt-get install -y -qq $$pkgs >/dev/null 2>&1; } \
	    || echo "make: could not install chromium with apt-get; the browser test will skip"; \
	  fi; }

lint: setup
	$(BIN)/ruff check pipelines schemas tests bench

bench: setup
	$(BIN)/python -m bench.run --docs 2000

bench-large: setup
	$(BIN)/python -m bench.run --docs 10000

dev: setup
	$(BIN)/dagster dev -h 127.0.0.1

clean:
	rm -rf warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/*.lock dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
