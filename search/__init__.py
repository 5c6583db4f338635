"""Search for Fastpath: find the tree and step for an error code or a few words.

Only the engine modules (`search.whoosh_index`, `search.whoosh_searcher`) import Whoosh;
everything else, and every caller outside this package, uses plain data and these entry
points:

- `search.index.build_index(trees, out_dir) -> Path`: index checked trees and switch to
  them (IndexBuildError, with the previous index still current, if that fails).
- `search.live.LiveIndex(index_dir)`: the current index, reopened when a build switches it.
- `search.app.create_app(site_dir, index_dir)`: the WSGI app of `fastpath serve`.
"""
