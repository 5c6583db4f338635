"""The feedback benchmark's synthetic events are events the server takes (no timings here)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bench.feedback_events import synthetic_events
from bench.generate import generate_kb
from builder.check import check_paths
from search.feedback.events import parse_batch, parse_event


def test_synthetic_visits_are_valid_events(tmp_path: Path) -> None:
    kb = generate_kb(tmp_path / "decision_trees", 12, 2026)
    trees = check_paths([kb.trees_dir]).trees
    events = list(synthetic_events(trees, 3000))
    kinds = Counter(parse_event(e).kind.value for e in events)
    assert {"search", "tree_started", "step", "resolved", "escalated", "left"} <= set(kinds)
    assert kinds["step"] > kinds["tree_started"] > 0
    visits = {e["visit"] for e in events}
    assert 100 < len(visits) < 3000
    assert len(parse_batch(json.dumps({"events": events[:50]}).encode())) == 50
