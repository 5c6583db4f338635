"""Search for Fastpath: find the tree and step for an error code or a few words.

Five units, each with one job (the command line in `fastpath/` composes them):

- `search.documents`: what is indexed. Checked trees -> plain `SearchDocument`s (no engine).
- `search.query` and `search.ranking`: what a user typed -> code candidates and words; code
  hits and word hits -> one ranked list of results with snippets. A ranking rule goes in
  `search.ranking`.
- `search.engine`: the engine behind Fastpath's own small interface (today Whoosh, in
  `search.engine.whoosh_engine`, the only module that imports it), with the search tables
  each build keeps (`search.engine.tables`) and spelling correction.
- `search.store`: index builds on disk: building, publishing by pointer swap, and the live
  index a server follows (`build_index`, `BackgroundIndexBuild`, `LiveIndex`).
- `search.web`: the WSGI app of `fastpath serve`: the route table (`search.web.app`: add an
  endpoint there), the JSON API, security headers, static files, the waitress server.

`search.service.search_index` runs one search end to end (parse, lease, rank, cache).
"""
