"""The trees of a build are kept out of the cycle collector's full collections while the
build runs, and given back to it only where builds repeat in one process (a served preview);
a one-off build leaves them, so that Python's exit does not walk them all."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from builder import plugin as plugin_module
from builder.build_cache import kept_from_collector
from builder.plugin import FastpathPlugin


def test_what_a_build_keeps_is_given_back_only_where_builds_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config: Any = None
    plugin = FastpathPlugin()
    try:
        with kept_from_collector():
            kept = [[] for _ in range(1_000)]
        assert gc.get_freeze_count() >= len(kept)
        monkeypatch.setattr(plugin_module, "_REBUILDS_IN_PROCESS", False)
        plugin.on_post_build(config=config)
        assert gc.get_freeze_count() >= len(kept), "a one-off build leaves it frozen"
        monkeypatch.setattr(plugin_module, "_REBUILDS_IN_PROCESS", True)
        plugin.on_post_build(config=config)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_a_served_preview_rebuilds_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugin_module, "_REBUILDS_IN_PROCESS", False)
    server = object()
    gc.freeze()
    try:
        assert FastpathPlugin().on_serve(server, config=None, builder=None) is server  # type: ignore[arg-type]
        assert plugin_module._REBUILDS_IN_PROCESS
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_the_collector_runs_again_after_what_it_was_kept_from() -> None:
    before = gc.isenabled()
    try:
        with kept_from_collector():
            assert not gc.isenabled()
        assert gc.isenabled() == before
    finally:
        gc.unfreeze()
