# Two commands do all the set-up on a fresh machine with Python 3.11, git and make:
#   make demo   create .venv, install, validate the examples, build one example's HTML summary
#   make test   create .venv, install, and run the whole check (ruff, mypy --strict, pytest)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
EXAMPLE ?= examples/fatality-open-case-prior-reports.yaml
# The consumer tests' Node packages (tests/js: ajv, quicktype, SARIF Multitool, Nu checker,
# mermaid-cli, axe-core) are installed when npm is present; Puppeteer never downloads a browser.
NPM := $(shell command -v npm)
JS_STAMP := $(if $(NPM),tests/js/node_modules/.installed,)

.PHONY: demo test lint types unit bench clean schemas release-schemas docs

$(STAMP):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/npcs-review validate examples
	$(BIN)/npcs-review summary $(EXAMPLE) --output out/summary.html
	@echo "The case summary is in out/summary.html: open it in a browser, or print it."

test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(JS_STAMP)
	$(BIN)/pytest

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_classify.py
	$(BIN)/python benchmarks/bench_graph.py
	$(BIN)/python benchmarks/bench_schema.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_share.py

report-demo: $(STAMP)
	$(BIN)/python benchmarks/pool_data.py 3000 -o out/partnership.duckdb
	$(BIN)/npcs-review report --db out/partnership.duckdb --population examples/partnership/population.csv -o out/report.html
	@echo "The partnership report (synthetic pool) is in out/report.html: open it in a browser, or print it."

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache .pytest_cache

schemas: $(STAMP)
	$(BIN)/python -c "from npcs_review.schema import export_schemas; export_schemas()"

# Run when a package version is released: snapshots each schema version not yet released.
release-schemas: schemas
	$(BIN)/python -c "from npcs_review.schema import release_schemas; print(*release_schemas(), sep='\\n')"

docs: $(STAMP)
	$(BIN)/python -c "from npcs_review.render.reference import definitions_reference as d; open('docs/reference.md', 'w', encoding='utf-8').write(d())"
	$(BIN)/python -c "from npcs_review.render.core_data_set import core_data_set_reference as d; open('docs/core-data-set.md', 'w', encoding='utf-8').write(d())"
	$(BIN)/python -c "from npcs_review.render.lint import lint_reference as d; open('docs/lint.md', 'w', encoding='utf-8').write(d())"
