# The two commands of the README. Everything else is a helper of these.
PYTHON ?= $(shell command -v python3.13 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := DEBUG=1 WIJKTEAM_REQUIRE_MFA=0

.PHONY: run test install messages lint clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 13) else "Python 3.13 is needed (see .python-version)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
# uv installs the same pinned requirements in seconds instead of a minute and a half (CI has 15
# minutes); pip does it where uv cannot be had.
	$(PY) -m pip install --quiet uv==0.13.8 && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt \
	  || $(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py database_roles
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Wijkteam demo: http://127.0.0.1:8000  (log in with an account above)"
# The task worker (mail: printed here) and the schedule's clock (digests, deadline checks) run
# beside the server and stop with it.
	$(DEMO_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(DEMO_ENV) $(PY) manage.py run_schedule --every 60 & clock=$$!; \
	trap 'kill $$worker $$clock 2>/dev/null; wait $$worker $$clock 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	PY=$(PY) scripts/test.sh

messages: install
	$(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
