"""Disk faults as one line for the user: which path, what failed, why."""

from __future__ import annotations

import os
from pathlib import Path


def disk_error(action: str, e: OSError, where: Path) -> str:
    """`path: cannot <action>: <reason>`; the path the error names, else `where`.

    Of the two paths a copy or a rename names, the second is the one being written.
    """
    path = next((p for p in (e.filename2, e.filename) if p is not None), where)
    return f"{os.fsdecode(path)}: cannot {action}: {e.strerror or e}"
