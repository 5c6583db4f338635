"""Options of the `fastpath` MkDocs plugin (declaration only)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class FastpathConfig(base.Config):
    enabled = c.Type(bool, default=True)
    trees_dir = c.Type(str, default="decision_trees")
    """Folder of tree files, relative to mkdocs.yml."""
    max_review_age = c.Type(int, default=365)
    """Trees not reviewed within this many days are reported as warnings."""
    nav_position = c.Type(int, default=1)
    """Where the system sections go in a configured nav (after Home by default)."""
    nav_trees_per_system = c.Type(int, default=40)
    """Systems with more trees list only their index page in the navigation."""
    preview = c.Type(str, default="")
    """One tree file to preview: only its page is built, and its problems show on the page."""
    offline = c.Type(bool, default=False)
    """Build a copy that works opened from disk: turns on the theme's offline plugin."""
    rules = c.Type(dict, default={})
    """Per-rule settings, e.g. `stale-review: error`; a warning rule may be off or error."""
    ticket_email = c.Type(str, default="")
    """Escalations offer "Open a ticket" as an e-mail to this address, prefilled."""
    ticket_url = c.Type(str, default="")
    """Escalations offer "Open a ticket" at this address of a ticketing system; {summary}
    and {description} are replaced by the ticket's title and the transcript (URL-encoded)."""
