"""Where the feedback tests find their data."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "notices"
SITE_TREES = ROOT / "tests" / "data" / "site" / "trees"
