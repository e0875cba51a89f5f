# Shortcuts; the README's two commands are ./run.sh and ./test.sh (they need nothing but Python 3.11).
.PHONY: run test lint format bench lock messages

run:
	./run.sh

test:
	./test.sh $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench:  ## benchmark suite: ratios against baselines measured in the same run
	./bench/run.sh

lock:  ## re-pin requirements.lock (runtime) and requirements-dev.lock (runtime + tests) from pyproject.toml
	.venv/bin/python -m pip install --quiet uv \
		&& .venv/bin/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock \
		&& .venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock

messages:
	DJANGO_DEBUG=1 .venv/bin/python manage.py makemessages -l is --ignore=.venv --ignore=static \
		&& DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv
