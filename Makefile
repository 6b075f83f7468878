# One entry point for users and CI. Every target works as root on a fresh Debian machine:
# `setup` installs what is missing (system packages with apt, uv with pip) and syncs the venv.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export PATH := $(HOME)/.local/bin:$(PATH)
export KIOSK_TEST_DATA ?= $(abspath ../shared/data)
UV := uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What the tests, the demo and the app need from the system.
APT_PACKAGES := python3 python3-pip python3-venv libzbar0 mosquitto mosquitto-clients \
	xvfb xauth x11-utils xdotool libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1 \
	libxrender1 libsdl2-2.0-0 espeak-ng fonts-noto-cjk fonts-dejavu-core chromium \
	socat sqlite3 postgresql
PYTEST_ARGS ?= -n 2  # two workers: the CI machines have two cores

.PHONY: help setup system uv sync test lint typecheck pytest bench demo i18n screenshots clean

help:
	@echo "make demo   - the whole system on this machine (kiosk, simulated devices, broker, fleet, console)"
	@echo "make test   - lint, type checks and the full test suite"
	@echo "make bench  - the benchmarks (JSON and plots under benchmarks/results/)"
	@echo "make lint   - ruff only"
	@echo "make screenshots - retake docs/screenshots/ (the UI and console tests)"
	@echo "make setup  - install system packages, uv and the Python environment"

setup: system uv sync

system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages: $$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

uv:
	@command -v uv >/dev/null 2>&1 || { \
		echo "installing uv with pip"; \
		python3 -m pip install --user --quiet uv 2>/dev/null || \
		python3 -m pip install --user --quiet --break-system-packages uv; }

sync: uv
	$(UV) sync --frozen --all-groups

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

typecheck: setup
	$(UV) run mypy

pytest: setup
	$(UV) run pytest $(PYTEST_ARGS)

test: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run pytest $(PYTEST_ARGS)

bench: setup
	$(UV) run python benchmarks/run_all.py

DEMO_ARGS ?=  # e.g. DEMO_ARGS="--xvfb --exit-after 60 --screenshot var/demo.png"

demo: setup
	$(UV) run kiosk demo $(DEMO_ARGS)

# The UI and console tests take the screenshots; only this target keeps them in the docs.
screenshots: setup
	KIOSK_SCREENSHOTS=$(abspath docs/screenshots) $(UV) run pytest $(PYTEST_ARGS) \
		tests/kiosk/ui tests/fleet/console/test_browser.py

i18n: setup
	$(UV) run pybabel extract -F babel.cfg -k N_ --no-location -o kiosk/locale/kiosk.pot --project open-selfcheckout .
	$(UV) run pybabel update -i kiosk/locale/kiosk.pot -d kiosk/locale -D kiosk

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache
