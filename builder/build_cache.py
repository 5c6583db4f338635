"""What a build keeps for the next one: parsed trees, rendered pages, compressed assets.

The cache lives in `.fastpath/build-cache/` next to mkdocs.yml. Everything in it is keyed by
content hashes (of the tree files, of the generated Markdown, of the configuration) and by
the code that produced it (`code_fingerprint`), so a build that uses it writes exactly the
bytes a build without it would: it only skips work whose result is already known. A cache
that cannot be read is ignored, never an error.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gc
import gzip
import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from builder.model import Answer, Code, Node, Pos, Tree
from builder.problems import Problem

CACHE_DIR = Path(".fastpath") / "build-cache"
# The distributions whose code shapes a page; a new version of any of them renders afresh.
RENDERING_PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "mistune",
    "nh3",
    "pyyaml",
)
_SOURCE_SUFFIXES = (".py", ".j2", ".js", ".css", ".html")


def digest(*parts: str | bytes) -> str:
    """A hex SHA-256 of the parts, each length-prefixed so that no two splits collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The builder's own code and templates, and the versions of what renders pages."""
    package = Path(__file__).resolve().parent
    parts: list[str | bytes] = []
    for path in sorted(package.rglob("*")):
        if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    for name in RENDERING_PACKAGES:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return digest(*parts)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_MODEL_CLASSES: tuple[type, ...] = (Pos, Code, Answer, Node, Tree, Problem)
_FIELD_NAMES = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _MODEL_CLASSES}


def _by_fields(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle a model dataclass as its constructor and field values: several times faster
    than the generic state of a slotted dataclass."""
    cls = type(obj)
    return cls, tuple(getattr(obj, name) for name in _FIELD_NAMES[cls])


_MODEL_PICKLING: dict[type, Any] = {
    **copyreg.dispatch_table,
    **{cls: _by_fields for cls in _MODEL_CLASSES},
}


_Entry = tuple[str, Tree | None, list[Problem]]  # source digest, tree, problems


@contextlib.contextmanager
def kept_from_collector() -> Iterator[None]:
    """Objects made meanwhile, and kept, are left out of cycle collection until
    `gc.unfreeze()`: reading or parsing thousands of trees makes hundreds of thousands of
    objects that live as long as the build, and every full collection would walk them all
    again (more than half a second of a 2,000-tree rebuild, a second of a full build). They
    are still freed as usual when nothing refers to them; garbage made before is collected
    first, so that none of it is kept."""
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class TreeCache:
    """Parsed trees by the hash of their file's bytes: an unchanged file is not parsed again.

    Only parsing is cached (`builder.check.load_tree`); every rule still runs on every tree,
    since rules look across trees and at today's date. The entries are kept in `SHARDS`
    files by a hash of the tree's path, and a build writes back only the files whose trees
    changed: after one edit, one file of a sixty-fourth of the cache.
    """

    FOLDER = "trees"
    SHARDS = 64

    def __init__(self, folder: Path) -> None:
        self.folder = folder / self.FOLDER
        self._old_file = folder / "trees.pickle"  # the single file of earlier versions
        self._entries: dict[str, _Entry] = {}
        self._used: dict[str, _Entry] = {}
        self._dirty: set[int] = set()
        fingerprint = code_fingerprint()
        for shard in range(self.SHARDS):
            try:
                with self._shard_path(shard).open("rb") as f:
                    stored = pickle.load(f)
                if stored.get("code") == fingerprint:
                    self._entries.update(stored["trees"])
            except Exception:  # missing, truncated or from another version: start afresh
                pass

    def _shard_path(self, shard: int) -> Path:
        return self.folder / f"trees-{shard:02d}.pickle"

    @classmethod
    def shard_of(cls, path: str) -> int:
        """Which file keeps the entry of the tree at this (display) path."""
        return int(digest(path)[:8], 16) % cls.SHARDS

    def source_digest(self, path: str) -> str | None:
        """The hash of the bytes the tree at this (display) path was loaded from."""
        entry = self._used.get(path)
        return entry[0] if entry else None

    def get(self, path: str, data: bytes, context: str) -> tuple[Tree | None, list[Problem]] | None:
        """The cached result of loading these bytes from this path, if known (`context`: what
        else the load read, such as the size limit and the code families)."""
        key = digest(data, context)
        entry = self._entries.get(path)
        if entry is None or entry[0] != key:
            return None
        self._used[path] = entry
        return entry[1], list(entry[2])

    def put(
        self, path: str, data: bytes, context: str, tree: Tree | None, problems: list[Problem]
    ) -> None:
        """Remember what loading these bytes gave."""
        self._used[path] = (digest(data, context), tree, list(problems))
        self._dirty.add(self.shard_of(path))

    def save(self) -> None:
        """Keep the trees of this build (only those: deleted files drop out), writing only
        the files whose entries changed."""
        dropped = {self.shard_of(p) for p in self._entries.keys() - self._used.keys()}
        changed = self._dirty | dropped
        if not changed:
            return
        shards: dict[int, dict[str, _Entry]] = {shard: {} for shard in changed}
        for path, entry in self._used.items():
            shard = self.shard_of(path)
            if shard in shards:
                shards[shard][path] = entry
        fingerprint = code_fingerprint()
        with contextlib.suppress(OSError):  # a cache not written only costs the next build time
            for shard, entries in sorted(shards.items()):
                buffer = io.BytesIO()
                pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = _MODEL_PICKLING
                pickler.dump({"code": fingerprint, "trees": entries})
                _write_atomically(self._shard_path(shard), buffer.getvalue())
            self._old_file.unlink(missing_ok=True)


@dataclass(slots=True)
class PageRecord:
    """A page as the last build wrote it: what it was made from, where, and its index entries."""

    key: str
    dest: str
    search: list[dict[str, Any]]
    stat: tuple[int, int, int] = (0, 0, 0)  # size, mtime_ns, inode of the published file


def file_stat(path: Path) -> tuple[int, int, int]:
    """Size, modification time and inode: a file replaced since shows a different one."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


@dataclass(slots=True)
class SiteManifest:
    """The pages of one published site, and the key of the build that made them."""

    path: Path
    build_key: str = ""
    pages: dict[str, PageRecord] = field(default_factory=dict)

    @classmethod
    def for_site(cls, cache: Path, site_dir: Path) -> SiteManifest:
        """The manifest of the site published at site_dir (empty if none is known)."""
        # The link's own path, not the build folder it points at (a new one every build).
        path = cache / "sites" / (digest(os.path.abspath(site_dir))[:24] + ".json")
        manifest = cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            manifest.build_key = str(raw["build_key"])
            manifest.pages = {
                src: PageRecord(r["key"], r["dest"], r["search"], tuple(r["stat"]))
                for src, r in raw["pages"].items()
            }
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return manifest

    def reusable(self, src: str, key: str, site_dir: Path) -> PageRecord | None:
        """The record of a page built from the same inputs, if its file is still as written."""
        record = self.pages.get(src)
        if record is None or record.key != key:
            return None
        try:
            if file_stat(site_dir / record.dest) != record.stat:
                return None
        except OSError:
            return None
        return record

    def save(self) -> None:
        """Write the manifest (after the site it describes was published)."""
        raw = {
            "build_key": self.build_key,
            "pages": {
                src: {"key": r.key, "dest": r.dest, "search": r.search, "stat": list(r.stat)}
                for src, r in sorted(self.pages.items())
            },
        }
        with contextlib.suppress(OSError):
            _write_atomically(self.path, json.dumps(raw, ensure_ascii=False).encode("utf-8"))


def link_or_copy(source: Path, target: Path) -> None:
    """Put source's bytes at target: a hard link where the file system allows, else a copy.

    Published files are never written in place (every build writes a new folder), so a
    page shared by two builds through a link stays what each of them wrote.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class GzipCache:
    """Compressed copies by the hash of what they compress: unchanged assets are not
    compressed again (Mermaid alone takes a fifth of a second)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "gzip" if folder else None
        self._used: set[str] = set()

    def write(self, source: Path, target: Path) -> None:
        """Write target as the gzip of source (mtime 0, no file name: the same bytes in,
        the same bytes out)."""
        data = source.read_bytes()
        key = digest(data)
        cached = self.folder / key if self.folder else None
        target.unlink(missing_ok=True)  # a name of its own: never written through a link
        if cached is not None and cached.is_file():
            link_or_copy(cached, target)  # neither is ever written in place
        else:
            with target.open("wb") as raw, gzip.GzipFile("", "wb", 6, raw, mtime=0) as dst:
                dst.write(data)
            if cached is not None:
                try:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(target, cached)
                except OSError:
                    pass
        self._used.add(key)

    def prune(self) -> None:
        """Drop compressed copies this build did not use."""
        _keep_only(self.folder, self._used)


class ContentCache:
    """Generated content (a page's Markdown, scripts) by the hash of what it is made from,
    kept between builds: what an edit did not touch (the codes page and code table when no
    code changed, the system pages of other systems) is not made again."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "generated" if folder else None
        self._used: set[str] = set()

    def get(self, make: Callable[[], Any], *key: str | bytes) -> Any:
        """What `make()` returns (a JSON value), from the cache when the key is known: the
        key must name everything `make` reads besides the builder's code."""
        if self.folder is None:
            return make()
        name = digest(code_fingerprint(), *key)
        self._used.add(name)
        path = self.folder / name
        with contextlib.suppress(OSError, ValueError):
            return json.loads(path.read_bytes())
        value = make()
        with contextlib.suppress(OSError):
            _write_atomically(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))
        return value

    def prune(self) -> None:
        """Drop content this build did not use."""
        _keep_only(self.folder, self._used)


def _keep_only(folder: Path | None, names: set[str]) -> None:
    if folder is None or not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name not in names:
            path.unlink(missing_ok=True)
