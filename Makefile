# Two entry points: `make run` (install, ingest the corpus, answer a question) and `make test`.
.PHONY: setup run ingest test

setup:
	@bash scripts/setup.sh

ingest: setup
	.venv/bin/python ingest.py

run: ingest
	.venv/bin/python -m assistant ask "张店区2023年充电桩目标是多少?"

test: setup
	.venv/bin/python -m pytest -q
