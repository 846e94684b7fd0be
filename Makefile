# 干训 — the two commands a newcomer needs:
#   make demo   set everything up, load the demo bureau once, serve on http://127.0.0.1:8000
#   make test   install the dev dependencies, lint, check, and run the whole test suite
.PHONY: demo test install install-dev assets messages migrate serve lock clean

# Django 6.1 needs Python 3.12 or newer: take the newest found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist; "auto" is one worker per core); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

$(PY):
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 或更新版本 (Django 6.1)。"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .

install-dev: $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .

assets:
	npm ci --no-audit --no-fund --silent

messages:
	$(PY) manage.py catalogue --compile

migrate:
	$(PY) manage.py migrate -v0

demo: install assets messages migrate
	$(PY) manage.py load_demo --if-empty
	@echo ""
	@echo "干训 演示系统: http://$(HOST):$(PORT)/  (Django 调试页面默认关闭；开发者可用 DJANGO_DEBUG=1 make demo)"
	@$(PY) manage.py load_demo --accounts
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev assets messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# Regenerate the lock files after changing a pin in pyproject.toml.
lock:
	uv pip compile pyproject.toml --python-version 3.12 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.12 --generate-hashes -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules staticfiles
