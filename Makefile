# One command to run, one to test. Needs Python 3.11+, make, and npm for the charts.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

NPM ?= npm
VENDOR := src/kokemus/web/static/vendor

.PHONY: install assets browser run test check clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet --python $(PYTHON)
	touch $@

# Chart.js comes from the npm registry as package-lock.json pins it; the app serves the
# copy under /static/vendor/ and reports embed it (no CDN). npm runs when the lock changes.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(VENDOR)/chart.umd.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/chart.js/LICENSE.md $(VENDOR)/chart.js.LICENSE.md
	cp node_modules/chart.js/dist/chart.umd.min.js $@

assets: $(VENDOR)/chart.umd.min.js

install: .venv/.synced assets

run: install
	.venv/bin/kokemus serve --demo

# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
browser:
	@test -x /usr/bin/chromium || { \
	  sudo=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$sudo apt-get install -y --no-install-recommends chromium \
	  || { $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends chromium; }; }

# The whole suite: the lint and type checks first, then every test.
test: check browser
	.venv/bin/pytest $(PYTEST_ARGS)

check: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

clean:
	rm -rf .venv .tools var .mypy_cache .pytest_cache .ruff_cache node_modules $(VENDOR)
