"""The `fastpath` command line: a thin layer that composes `builder/` and `search/`."""
