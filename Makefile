# Two commands on a fresh machine:  make run   |   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev browser build lint bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

## Install, build the database from data/ if missing (with progress), start the app on 127.0.0.1:8501
run: install
	$(BIN)/python -m streamlit run app.py --server.address 127.0.0.1 --server.headless true

## Install (plus Chromium, CJK fonts, nginx, LibreOffice and poppler for the browser, serving and report tests when root), then run every test
test: install-dev browser
	$(BIN)/python -m pytest -n 2 -q -rfE

browser:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/soffice ] || [ ! -x /usr/bin/pdftoppm ]; } && [ "$$(id -u)" = "0" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk nginx libreoffice-writer-nogui poppler-utils >/dev/null; fi

build: install
	$(BIN)/python -m etl build

lint: install-dev
	$(BIN)/ruff check .

bench: install-dev
	$(BIN)/python bench/bench_etl.py

.PHONY: serve
## Several Streamlit processes behind nginx with sticky sessions on 127.0.0.1:8501 (builds the
## database first if missing); WORKERS=N (default: one per core). Needs nginx (apt-get install nginx)
serve: install
	$(BIN)/python -m tools.serve --port 8501 $(if $(WORKERS),--workers $(WORKERS))
