# The project's commands (README.md). Each installs what it needs first.
.PHONY: demo test stop setup bench lint

demo:  ## PostgreSQL, the demo database and Odoo on http://127.0.0.1:$(ODOO_PORT)
	@bash scripts/demo.sh

test: lint  ## OCA's linters first (any message fails), then a fresh database, every addon's tests and the root tests
	@bash scripts/test.sh

lint:  ## OCA's linters on the addons (pylint-odoo, oca-checks-odoo-module, oca-checks-po): fails on any message
	@bash scripts/lint.sh

stop:  ## stop what make demo started
	@bash scripts/stop.sh

setup:  ## only install what is missing (Debian packages, Python 3.7 venv)
	@bash scripts/bootstrap.sh

bench:  ## benchmarks at 100, 1,000 and 10,000 lines (prints a table, writes JSON)
	@bash scripts/bench.sh
