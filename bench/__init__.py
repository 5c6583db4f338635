"""Fastpath's benchmark suite: a synthetic knowledge base and the measurements run on it.

Run `.venv/bin/python bench/run.py` (see docs/benchmarks.md).
"""
