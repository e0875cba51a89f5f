# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
TEST_ENV := ICR_TESTING=1 \
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/icr} \
	REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} \
	CELERY_TASK_ALWAYS_EAGER=1 \
	EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

.PHONY: run test install install-test services lint format check bench lock messages

run: install  ## run the platform on SQLite with demo data at http://127.0.0.1:8000
	scripts/run-dev.sh

install:
	scripts/bootstrap.sh

install-test:
	scripts/bootstrap.sh --test

services:
	scripts/services.sh

test: install-test services  ## every test, against real PostgreSQL and Redis, browser tests included
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench: install services  ## benchmark suite: ratios against baselines measured in the same run
	$(TEST_ENV) CELERY_TASK_ALWAYS_EAGER=1 $(PY) -m bench

lock:  ## re-pin requirements.lock from pyproject.toml
	$(PY) -m pip install --quiet uv && .venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

messages:
	cd core && ../$(PY) ../manage.py makemessages -l is --ignore '.venv/*' && ../$(PY) ../manage.py compilemessages
