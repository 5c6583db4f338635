"""The web app of `fastpath serve`: the route table, the JSON API, headers, static files.

Add an endpoint to the table in `search.web.app`.
"""
