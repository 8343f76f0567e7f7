"""The web workbench: a REST API and server-rendered pages over a store (docs/web.md).

    >>> from scrutiny.web import create_app
    >>> app = create_app("corpus/")        # serve with uvicorn, or `scrutiny serve`

FastAPI loads only when this package is imported, so the command line stays quick without it.
"""

from __future__ import annotations

from scrutiny.web.app import create_app

__all__ = ["create_app"]
