# The two commands: `make run` and `make test`. Everything else here serves them.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi

.PHONY: run test lint install translations clean bench

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed" or 0)'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt requirements-scan.txt
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel -q compile -d translations

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

run: translations instance/secret_key
	FLASK_SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask db upgrade
	FLASK_SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask demo load
	FLASK_SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask run --host 127.0.0.1 --port 5000

# bandit reads what is deployed; the tests are not (their asserts and subprocesses are their
# language). Each exception is a `# nosec <test>` comment, explained where it is made.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r portal_cookies migrations wsgi.py bench

# The suite runs on SQLite; when TEST_DATABASE_URL is set it runs again on that database,
# and the tests that need PostgreSQL itself run in that second pass only.
test: translations lint
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		env -u TEST_DATABASE_URL $(BIN)/pytest -m "not postgresql" && \
		echo "--- again on PostgreSQL ($$TEST_DATABASE_URL)" && \
		$(BIN)/pytest; \
	else \
		$(BIN)/pytest; \
	fi

# Not part of `make test`: times the admin pages at 100 and 5,000 entries, the policy
# commands and the public page (needs Debian's wrk); under 10 minutes. docs/PERFORMANCE.md.
bench: translations
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
