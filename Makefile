# Two entry points: `make run` (install, ingest the corpus, open the web UI) and `make test`.
.PHONY: setup run ingest test

setup:
	@bash scripts/setup.sh

ingest: setup
	.venv/bin/python ingest.py

run: ingest
	.venv/bin/python ui.py

test: setup
	.venv/bin/python -m pytest -q
