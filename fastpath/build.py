"""`fastpath build`: check the trees, build the site and its search index, publish both.

The index is built in a second process while the site builds (`BackgroundIndexBuild`), from
the trees the plugin checked; it is published only once the site is, so a failed build
leaves the previous site and index as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from builder.site_build import SiteBuildError, build_site, load_site_config, load_trees
from search.store.publish import BackgroundIndexBuild, IndexBuildError


class BuildFailed(Exception):
    """Nothing was published; the message says why."""


class IndexNotPublished(Exception):
    """The site was published but its search index was not; the message says why."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    config_file: Path = Path("mkdocs.yml")
    site_dir: Path | None = None  # default: the configuration's site_dir
    index_dir: Path = Path(".fastpath/index")
    strict: bool = False
    offline: bool = False  # a copy read from disk: no index (no server to query it)


@dataclass(frozen=True, slots=True)
class BuildResult:
    site: Path
    index: Path | None
    trees: int
    site_seconds: float  # from the start until the site was published
    seconds: float  # in all


def build_project(
    options: BuildOptions, progress: Callable[[str], None] = lambda message: None
) -> BuildResult:
    """Check the trees, build the site and (unless offline) the search index; publish both.

    `progress` is told what happens, a line at a time. BuildFailed when nothing was
    published; IndexNotPublished when the site was published but its index was not.
    """
    started = time.monotonic()
    try:
        config = load_site_config(
            options.config_file, strict=options.strict, offline=options.offline
        )
        site_dir = options.site_dir or (Path("site-offline") if options.offline else None)
        progress("checking trees and building the site...")
        trees = load_trees(config)
    except SiteBuildError as e:
        raise BuildFailed(str(e)) from None
    index = (
        None
        if options.offline
        else BackgroundIndexBuild(trees, options.index_dir, config.use_directory_urls)
    )
    try:
        published, trees = build_site(config, site_dir)
    except BaseException as e:
        if index is not None:
            index.discard()  # no site, so no new index either
        if isinstance(e, SiteBuildError):
            raise BuildFailed(str(e)) from None
        raise
    site_seconds = time.monotonic() - started
    progress(f"site with {len(trees)} trees published to {published} ({site_seconds:.1f} s)")
    if index is None:
        return BuildResult(published, None, len(trees), site_seconds, site_seconds)
    try:
        location = index.publish()
    except IndexBuildError as e:
        raise IndexNotPublished(str(e)) from None
    seconds = time.monotonic() - started
    progress(f"search index published to {location} ({seconds:.1f} s in all)")
    return BuildResult(published, location, len(trees), site_seconds, seconds)
