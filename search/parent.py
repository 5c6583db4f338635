"""Child processes that end with their parent, even when the parent is killed with -9."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

PARENT_CHECK_SECONDS = 0.05


def _exit_now() -> None:
    os._exit(1)


def end_with_parent(parent: int, gone: Callable[[], None] = _exit_now) -> None:
    """Call `gone` (by default: exit at once) as soon as the parent process is gone.

    The parent's death reparents this process, which getppid() shows.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        gone()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
