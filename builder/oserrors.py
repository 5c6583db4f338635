"""Disk faults as one line for the user: which path, what failed, why."""

from __future__ import annotations

import os
from pathlib import Path


def disk_error(action: str, e: OSError, where: Path) -> str:
    """`path: cannot <action>: <reason>`; the path the error names, else `where`."""
    path = e.filename if e.filename is not None else where
    return f"{os.fsdecode(path)}: cannot {action}: {e.strerror or e}"
