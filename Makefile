# Two entry points: `make run` (install, ingest the corpus, open the web UI) and `make test`;
# `make bench` measures speed, memory, scale and load into bench/results.md (about an hour on 2 cores).
.PHONY: setup run ingest test bench

setup:
	@bash scripts/setup.sh

ingest: setup
	.venv/bin/python ingest.py

run: ingest
	.venv/bin/python ui.py

test: setup
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python -m bench
