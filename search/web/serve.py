"""`fastpath serve`: the site and the search API from one process, until Ctrl+C."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from search.web.app import create_app
from search.web.server import create_server


class ServerFailed(Exception):
    """The server could not start; the message says why."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    site_dir: Path = Path("site")
    index_dir: Path = Path(".fastpath/index")
    threads: int = 4
    cache_size: int = 4096


def serve(options: ServeOptions, say: Callable[[str], None] = lambda line: None) -> None:
    """Serve until interrupted; `say` gets what a person starting the server should read."""
    site_dir, index_dir = options.site_dir, options.index_dir
    if not (site_dir / "index.html").is_file():
        raise ServerFailed(f"no built site in {site_dir}/: run `fastpath build` first")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(site_dir, index_dir, cache_size=options.cache_size)
    if app.live.build_name is None:
        say(
            f"warning: no search index in {index_dir} yet; /api/search answers 503 "
            "until `fastpath build` makes one"
        )
    try:
        server = create_server(app.wsgi, options.host, options.port, options.threads)
    except OSError as e:
        app.close()
        hint = " (another program uses it: try --port 8080)" if e.errno == errno.EADDRINUSE else ""
        raise ServerFailed(
            f"cannot listen on {options.host}:{options.port}: {e.strerror or e}{hint}"
        ) from None
    shown_port = getattr(server, "effective_port", options.port)
    say(
        f"Serving {site_dir}/ and the search API on http://{options.host}:{shown_port}/ "
        "(Ctrl+C to stop)"
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.close()
