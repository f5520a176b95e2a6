# hutan_geo: two commands on a fresh machine.
#   make demo  - install into .venv (if needed) and run the pipeline on the demo district
#   make test  - install into .venv (if needed) and run every test, doctest and notebook
#   make lab   - open the JupyterLab workbook
#   make assets  - fetch the offline map assets (npm packages, verified) into ~/.cache/hutan_geo/assets
#   make browser - install Debian's Chromium and CJK fonts (browser tests, PNG export) when missing
# Re-running is cheap: the venv is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.hutan-installed
OUT    ?= outputs/demo
JOBS   ?= 2

.PHONY: demo test lab lint format install clean demo-data assets browser postgis

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (hutan_geo)" >/dev/null
	@touch $(STAMP)

assets: $(STAMP)
	$(PY) -m hutan_geo.cli assets

browser:
	bash scripts/install_browser.sh

postgis:
	bash scripts/install_postgis.sh

demo: $(STAMP) assets browser
	$(PY) -m hutan_geo.cli demo --out $(OUT)

test: $(STAMP) assets browser postgis
	$(PY) -m ruff check hutan_geo tests benchmarks notebooks
	$(PY) -m ruff format --check hutan_geo tests benchmarks notebooks
	$(PY) -m pytest -n $(JOBS) -p no:cacheprovider hutan_geo tests --ignore=tests/test_jupyterlab_browser.py
	# JupyterLab + Chromium alone on the machine; once more if the first kernel of a fresh venv stalls (seen in CI, never on a rerun)
	$(PY) -m pytest -p no:cacheprovider tests/test_jupyterlab_browser.py || $(PY) -m pytest -p no:cacheprovider tests/test_jupyterlab_browser.py
	$(PY) -m pytest -p no:cacheprovider --nbval-lax --nbval-cell-timeout=60 notebooks

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP)
	$(PY) -m ruff check hutan_geo tests benchmarks notebooks

format: $(STAMP)
	$(PY) -m ruff format hutan_geo tests benchmarks notebooks
	$(VENV)/bin/nbstripout --keep-id notebooks/*.ipynb

demo-data: $(STAMP)
	$(PY) -m hutan_geo.cli demo-data --out data

clean:
	rm -rf $(VENV) outputs .pytest_cache
