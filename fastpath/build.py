"""`fastpath build`: check the trees, build the site and its search index, publish both.

The index is built in a second process while the site builds (`BackgroundIndexBuild`), from
the trees the plugin checked. Both are prepared before either is published, so a failed
build (bad trees, a disk fault in the site or the index) leaves the previous site and index
as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from builder.site_build import (
    SiteBuildError,
    discard_site,
    load_site_config,
    load_trees,
    prepare_site,
    publish_site,
    tree_sources,
)
from search.store.publish import (
    BackgroundIndexBuild,
    IndexBuildError,
    discard_index,
    publish_index,
)


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
    site_seconds: float  # from the start until the site was built (not yet published)
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
        else BackgroundIndexBuild(
            trees, options.index_dir, config.use_directory_urls, tree_sources(config)
        )
    )
    try:
        staged, trees = prepare_site(config, site_dir)
    except BaseException as e:
        if index is not None:
            index.discard()  # no site, so no new index either
        if isinstance(e, SiteBuildError):
            raise BuildFailed(str(e)) from None
        raise
    site_seconds = time.monotonic() - started
    # Both are prepared before either is published: an index that cannot be written
    # (a full disk, a folder without write permission) publishes nothing.
    try:
        index_folder = index.wait() if index is not None else None
    except IndexBuildError as e:
        discard_site(staged, config)
        raise BuildFailed(str(e)) from None
    except BaseException:
        discard_site(staged, config)
        raise
    try:
        publish_site(staged, config)
    except SiteBuildError as e:
        if index_folder is not None:
            discard_index(index_folder)
        raise BuildFailed(str(e)) from None
    published = staged.target
    progress(f"site with {len(trees)} trees published to {published} ({site_seconds:.1f} s)")
    if index_folder is None:
        return BuildResult(published, None, len(trees), site_seconds, site_seconds)
    try:
        publish_index(options.index_dir, index_folder)
    except IndexBuildError as e:
        if staged.restore_previous():
            raise BuildFailed(f"{e} (the previous site is published again)") from None
        raise IndexNotPublished(str(e)) from None
    seconds = time.monotonic() - started
    progress(f"search index published to {index_folder} ({seconds:.1f} s in all)")
    return BuildResult(published, index_folder, len(trees), site_seconds, seconds)
