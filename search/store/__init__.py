"""Index builds on disk: each build in its own folder, published by an atomic pointer swap.

- `builds`: the folders and the `CURRENT` pointer.
- `publish`: index checked trees into a new build and make it current (now, or in the
  background while the site builds).
- `live`: the current build of a running server, reopened when the pointer moves.
"""
