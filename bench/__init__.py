"""Benchmarks: python -m bench (see bench/run.py); results in bench/results.md."""
