"""The web workbench: a REST API and server-rendered pages over a store (docs/web.md).

    >>> from scrutiny.web import create_app
    >>> app = create_app("corpus/")        # serve with uvicorn, or `scrutiny serve`

FastAPI loads on first use of :func:`create_app`, not with this package: the command line
imports ``scrutiny.web.cli`` at every start and must stay quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrutiny.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from scrutiny.web.app import create_app

        return create_app
    raise AttributeError(f"module 'scrutiny.web' has no attribute {name!r}")
