"""``auditor serve``: the check as a web page and an HTTP API, on the engine and report rendering of ``auditor audit``.

* :mod:`auditor.serve.startup`: what the server loads once (rules, reference pack, the methods footer);
* :mod:`auditor.serve.models`: the API's request and response bodies, and reading them (422 naming the field);
* :mod:`auditor.serve.checking`: one request's articles through the extractor and the engine;
* :mod:`auditor.serve.api` and :mod:`auditor.serve.page`: the routes;
* :mod:`auditor.serve.guards`: body limit (413), security headers, internal errors (500 with a logged id);
* :mod:`auditor.serve.app`: the application factory.

Requests share nothing mutable: every request builds its own tables from the read-only rules and references.
"""

from __future__ import annotations

from auditor.serve.app import create_app
from auditor.serve.startup import ServeSettings

__all__ = ["ServeSettings", "create_app"]
