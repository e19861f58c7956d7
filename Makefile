# One-command set-up on a fresh machine: `make run` (main job) and `make test` (the tests).
# Each creates .venv with python3 and installs the project into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium (test tools cannot download a browser of their own here)
# and need CJK fonts for readable screenshots: installed with apt-get when missing (sudo unless root).
BROWSER := $(VENV)/.browser
CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the local CPU build (anything else downloads several GB)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) $(BROWSER)

# The main job: ingest every document in data/ into the default store (./store), then serve it
# on http://127.0.0.1:8000/ (SPARQL endpoint and query page at /sparql, JSON API under /api).
run: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/budgetkg ingest data/ --store store
	$(BIN)/budgetkg stats --store store
	HF_HUB_OFFLINE=1 $(BIN)/budgetkg serve --store store --host 127.0.0.1 --port 8000

$(BROWSER): | $(STAMP)
	@if [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ] && [ -f $(CJK_FONT) ]; then \
		echo "Chromium, chromedriver and Noto CJK fonts are installed"; \
	else \
		$(APT) update -q && \
		$(APT) install -y -q --no-install-recommends chromium chromium-driver fonts-noto-cjk; \
	fi
	touch $@

# Nothing may download model weights: the tests run offline. Browser-test screenshots go to
# $BUDGETKG_ARTIFACTS (default tests/artifacts/).
test: $(STAMP) $(BROWSER)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest

# The benchmarks at scale (bench/run.py): wrk from Debian's packages for the load test, matplotlib
# for the chart. SIZES=100,1000,10000 by default (10,000 documents take about an hour).
SIZES ?= 100,1000,10000
bench: $(STAMP)
	@command -v wrk >/dev/null || ($(APT) update -q && $(APT) install -y -q --no-install-recommends wrk)
	$(BIN)/pip install --quiet -e '.[bench]'
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python bench/run.py --sizes $(SIZES)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
