# CareerPilot: `make run` starts the bot, `make test` runs every test. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard bot/locales/*/LC_MESSAGES/messages.po))

.PHONY: setup run chat test lint i18n doctor bench clean

setup: $(STAMP) $(CATALOGS)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

bot/locales/%/LC_MESSAGES/messages.mo: bot/locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -D messages -i $< -o $@ 2>&1 | grep -v '^compiling' || true

run: setup
	$(BIN)/careerpilot db upgrade
	$(BIN)/careerpilot run

chat: setup
	$(BIN)/careerpilot db upgrade
	$(BIN)/careerpilot chat

doctor: setup
	$(BIN)/careerpilot doctor

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check bot storage tests bench
	$(BIN)/ruff format --check bot storage tests bench
	$(BIN)/mypy bot storage

# Re-extract message ids after changing texts; then translate the new entries in zh_Hans.
i18n: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output --omit-header \
		-o bot/locales/messages.pot .
	$(BIN)/pybabel update -D messages -i bot/locales/messages.pot -d bot/locales --no-fuzzy-matching

bench: setup
	$(BIN)/python bench/updates.py

clean:
	rm -rf $(VENV) bot/locales/*/LC_MESSAGES/*.mo .pytest_cache
