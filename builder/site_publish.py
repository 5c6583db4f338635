"""Site builds on disk: each build in its own folder, the site a symlink to the current one.

    site -> .site-builds/01764412345678901234-4242
    .site-builds/
        01764412345678901234-4242/   the current build
        01764412301234567890-4100/   the previous one, kept for requests still reading it
        01764412399999999999-4300/   a build in progress, locked by the process writing it

A build is written into a new folder made with the umask's permissions (a web server running
as another user must read it; `tempfile.mkdtemp` would make it 0700), and locked for as long
as its process works on it. It is published by replacing the `site` symlink with a new one in
one `os.replace`: a reader sees the old build or the new one, never no site. At the next build,
folders older than the previous build and folders of killed builds (unlocked and never
published) are removed.

A `site` that is a real folder (made by an older Fastpath) is moved into the builds folder
once, the first time a build is published: only that switch has a moment without a site.
Where symlinks cannot be made (Windows, for users without the privilege), `site` stays a real
folder and is swapped with two renames: the old folder out, the new one in.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_BUILD_NAME = re.compile(r"^(\d{20})-(\d+)$")
# Without locks (Windows), an unpublished build folder this old is taken as abandoned.
STALE_UNLOCKED_SECONDS = 24 * 3600.0


def builds_dir(target: Path) -> Path:
    """Where the builds of the site at `target` live: `.site-builds` beside `site`."""
    return target.with_name(f".{target.name}-builds")


def _legacy_leftovers(target: Path) -> list[Path]:
    """Staging and retired folders older versions left beside the site when killed."""
    patterns = (f".{target.name}-building-*", f".{target.name}-old-*")
    return [p for pattern in patterns for p in target.parent.glob(pattern) if p.is_dir()]


def current_build(target: Path) -> Path | None:
    """The build folder the site symlink points at, or None if it is not such a link."""
    if not target.is_symlink():
        return None
    folder = target.parent / os.readlink(target)
    return folder if folder.parent == builds_dir(target) else None


def _lock(folder: Path) -> int | None:
    """Hold an exclusive lock on the folder (released when the process dies, even by kill -9)."""
    if fcntl is None:  # pragma: no cover - Windows: abandoned folders are found by age
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def _in_use(folder: Path) -> bool:
    """True while a build process holds the folder's lock."""
    if fcntl is None:  # pragma: no cover - Windows
        return time.time() - folder.stat().st_mtime < STALE_UNLOCKED_SECONDS
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases the lock just taken
    return False


def prune_site_builds(target: Path) -> list[Path]:
    """Remove builds nobody needs: all but the current, the previous and those in progress.

    Also removes what older versions left behind when killed mid-build. Returns the folders
    removed.
    """
    current = current_build(target)
    folders = builds_dir(target)
    names = (
        sorted(p.name for p in folders.iterdir() if _BUILD_NAME.match(p.name))
        if folders.is_dir()
        else []
    )
    keep: set[str] = set()
    if current is not None and current.name in names:
        keep.add(current.name)
        older = names[: names.index(current.name)]
        for name in reversed(older):  # the previous build: the newest finished one before
            if not _in_use(folders / name):
                keep.add(name)
                break
    removed: list[Path] = []
    candidates = [folders / name for name in names if name not in keep]
    for folder in candidates + _legacy_leftovers(target):
        if folder.is_dir() and not folder.is_symlink() and not _in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed


def new_build_folder(folders: Path, prefix: str = "") -> Path:
    """Create an empty, uniquely named build folder (mode from the umask, like any mkdir):
    `<prefix><nanoseconds>-<pid>`, so names sort by age. Site and index builds both use it."""
    stamp = time.time_ns()
    while True:
        folder = folders / f"{prefix}{stamp:020d}-{os.getpid()}"
        try:
            folder.mkdir()
        except FileExistsError:
            stamp += 1
            continue
        return folder


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; replace is durable there.
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class StagedSite:
    """A site build being written into its own folder; publish() makes it the site.

    The folder is locked from creation until the build is published or discarded, so a
    concurrent build never removes it. Creating it removes what killed builds left.
    OSError if the folder cannot be made.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.folders = builds_dir(target)
        self.folders.mkdir(parents=True, exist_ok=True)
        prune_site_builds(target)
        self.folder = new_build_folder(self.folders)
        self._lock_fd = _lock(self.folder)
        self._previous: Path | None = None

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def publish(self) -> None:
        """Make this build the site in one atomic switch, then prune old builds."""
        if not _symlinks_work(self.folders):
            self._swap_folders()
            self._unlock()
            return
        if self.target.is_symlink() or not self.target.exists():
            self._previous = current_build(self.target)
        else:
            self._previous = self._migrate_folder()
        self._switch_link(self.folder)
        self._unlock()
        prune_site_builds(self.target)

    def restore_previous(self) -> bool:
        """Undo publish(): point the site back at the build that was current before.

        False when there is none to go back to (a first build, or no symlinks).
        """
        if self._previous is None or not self._previous.is_dir():
            return False
        try:
            self._switch_link(self._previous)
        except OSError:
            return False
        return True

    def discard(self) -> None:
        """Remove the build: it will not be published."""
        self._unlock()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _switch_link(self, folder: Path) -> None:
        link = self.target.with_name(f".{self.target.name}-link-{os.getpid()}.tmp")
        link.unlink(missing_ok=True)
        os.symlink(os.path.join(self.folders.name, folder.name), link, target_is_directory=True)
        try:
            os.replace(link, self.target)
        except BaseException:
            link.unlink(missing_ok=True)
            raise
        _fsync_dir(self.target.parent)

    def _migrate_folder(self) -> Path:
        """Move a real site folder (from an older version) in among the builds."""
        stamp = int(self.folder.name.split("-")[0]) - 1
        old = self.folders / f"{stamp:020d}-0"
        os.replace(self.target, old)
        return old

    def _swap_folders(self) -> None:
        """The fallback without symlinks: old folder out, new one in, old one removed."""
        retired = self.folders / f"retired-{os.getpid()}"
        had_site = self.target.exists()
        if had_site:
            os.replace(self.target, retired)
        try:
            os.replace(self.folder, self.target)
        except BaseException:
            if had_site:
                os.replace(retired, self.target)
            raise
        self.folder = self.target
        shutil.rmtree(retired, ignore_errors=True)


def _symlinks_work(folder: Path) -> bool:
    probe = folder / f"symlink-probe-{os.getpid()}"
    try:
        os.symlink(".", probe, target_is_directory=True)
    except OSError:
        return False
    probe.unlink()
    return True
