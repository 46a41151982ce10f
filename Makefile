# Two commands for a new user: `make run` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The `spark` extra (dbt-spark, pyspark: ~630 MB), only for `make test`'s Spark parity test.
SPARK_STAMP := $(VENV)/.spark-installed
# dagster-dbt looks for `dbt` on PATH (e.g. when `dagster dev` prepares the manifest).
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run run-export test test-unit chromium lint lint-types lint-sql dev ui docs screenshots demo-data dbt-parse bench clean

# -qq: errors only (a machine's own pip configuration can print hundreds of warnings).
$(STAMP): pyproject.toml constraints.txt
	@echo "Building $(VENV) (first run only, about a minute)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -qq --upgrade pip
	@$(BIN)/pip install -qq -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

$(SPARK_STAMP): $(STAMP)
	@echo "Adding dbt-spark and pyspark to $(VENV) for the Spark parity test (first time only)"
	@$(BIN)/pip install -qq -c constraints.txt -e '.[dev,spark]'
	@touch $(SPARK_STAMP)

$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster_instance.yaml
	@mkdir -p $(DAGSTER_HOME)
	@cp pipelines/dagster_instance.yaml $(DAGSTER_HOME)/dagster.yaml

# The dbt manifest is built here, never parsed when Dagster imports the code; only when a dbt file
# changed, so the parse state a run left in target/ (pipelines/transform/parse_state.py) stays.
# Parsed as `make run` will invoke dbt (its target and --vars), so that run starts from this parse.
DBT_MANIFEST := dbt_project/target/manifest.json
DBT_FILES := $(shell find dbt_project -path dbt_project/target -prune -o -path dbt_project/logs -prune \
	-o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.md' -o -name '*.csv' \) -print)
dbt-parse: $(DBT_MANIFEST)
$(DBT_MANIFEST): $(STAMP) $(DBT_FILES)
	@$(BIN)/portfolio parse
	@touch $(DBT_MANIFEST)

run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml dbt-parse
	@$(BIN)/portfolio run

# A real export under its source profile (docs/profiles.md), e.g.
#   make run-export PROFILE=us_itdashboard FILE=../shared/data/real/us_itdashboard_projects_2011.csv
run-export: $(STAMP) $(DAGSTER_HOME)/dagster.yaml dbt-parse
	@test -n "$(PROFILE)" -a -n "$(FILE)" || { echo "usage: make run-export PROFILE=<source profile> FILE=<export>"; exit 2; }
	@$(BIN)/portfolio run-export $(PROFILE) $(FILE)

# Your own machine: the full UI (launch, stop, wipe) and the daemon, on 127.0.0.1 only.
dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml dbt-parse
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1

# For sharing: the UI read-only (no launch, no stop, no wipe) and no login of its own: put it
# behind an authenticating proxy before anyone else can reach it (README "UI safety").
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000
ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml dbt-parse
	$(BIN)/dagster-webserver -w workspace.yaml --read-only -h $(UI_HOST) -p $(UI_PORT)

# The KPI manual: every model and column's definition, with the published warehouse's catalog.
# --static writes one self-contained page that opens from disk (no server, no network).
docs: $(STAMP)
	@$(BIN)/portfolio docs

# Each page type of the published site at 1440 and 390 px (after `make run`), for review.
screenshots: $(STAMP) chromium
	@$(BIN)/python -m pipelines.report.screenshots build/reports docs/screenshots

demo-data: $(STAMP)
	$(BIN)/python -m pipelines.demo --help

# The type checker and the SQL linter (the two slow ones, ~1 min each) run side by side.
lint: $(STAMP) dbt-parse
	$(BIN)/ruff check pipelines tests benchmarks
	$(BIN)/ruff format --check pipelines tests benchmarks
	$(MAKE) --no-print-directory -j2 lint-types lint-sql

lint-types: $(STAMP)
	$(BIN)/mypy

lint-sql: $(STAMP)
	$(BIN)/sqlfluff lint --processes 2 dbt_project/models dbt_project/macros

# The report and board-pack tests drive a real browser. It is installed here, before pytest
# starts, never from inside a test (two apt runs at once fail on the package lock).
chromium:
	@command -v chromium >/dev/null || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# Everything: lint, then every test (the README's command and CI's), the 25 slowest listed. The
# `spark` extra is added first: tests/test_spark_parity.py builds the dbt project on Spark.
test: $(STAMP) $(SPARK_STAMP) $(DAGSTER_HOME)/dagster.yaml chromium lint
	$(BIN)/pytest --durations=25

# The edit loop: pure Python and the dbt unit tests, no pipeline run (under 2 minutes). The dbt
# manifest is re-parsed by tests/conftest.py only when a dbt file changed since the last parse.
test-unit: $(STAMP)
	$(BIN)/pytest -m unit -q

# The benchmark harness (benchmarks/README.md): the pipeline per stage against the floor and the
# peer at SCALE (tiny, 1m, 10m, 30m), REPEAT times; figures in docs/benchmarks.md.
SCALE ?= tiny
REPEAT ?= 3
bench: $(STAMP) dbt-parse
	nice -n 10 $(BIN)/python -m benchmarks.harness --scale $(SCALE) --repeat $(REPEAT)
	$(BIN)/python -m benchmarks.report

clean:
	rm -rf $(VENV) build data .dagster_home dbt_project/target dbt_project/logs
