"""What comes back from the pages: anonymous events, their storage, the report, the views.

Nothing here stores who a visitor is: no IP address, no user agent, no cookie, no name.
"""
