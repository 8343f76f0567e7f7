"""The API's error shape in its OpenAPI description: every route documents the errors it
may answer, as ``{"error": {"code", "message"}}`` (app.py makes them), so that clients and
contract tests (tests/test_api_contract.py) can rely on the description.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """What every error response carries; never a stack trace."""

    error: ErrorDetail


class FileResult(BaseModel):
    """One document of an upload, or one file that could not be read."""

    name: str
    status: Literal["added", "present", "failed"]
    id: str | None = None
    title: str | None = None
    error: ErrorDetail | None = None


class UploadSummary(BaseModel):
    results: list[FileResult]
    added: int
    present: int
    failed: int


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Each route may meet these, whatever it does: the middleware checks tokens and (for writes)
# origin and body size before the route runs, and a failure anywhere is a 500.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("bad_id, full_id_required, empty_query or bad_request"),
    401: _error("unauthorized: a valid token is needed"),
    403: _error("read_only, cross_origin or path_not_allowed"),
    404: _error("not_found"),
    411: _error("length_required: a body without Content-Length"),
    413: _error("too_large or too_many_files"),
    422: _error("invalid_request: a parameter or body field out of range, named"),
    429: _error("rate_limited: over this client's rate limit; see Retry-After"),
    500: _error("internal_error or store_error"),
}
BUSY_RESPONSE: dict[int | str, dict[str, Any]] = {503: _error("busy: the job queue is full")}
CONFLICT_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: _error("conflict: the store refuses this change (say, merging a person with a place)")
}
# POST /documents answers with the summary whatever happened to the files (201 when something
# was added, 422 when every file failed); a request refused as a whole is an error body.
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": UploadSummary, "description": "nothing new: every document was stored already"},
    201: {"model": UploadSummary, "description": "at least one document was added"},
    422: {
        "model": UploadSummary | ErrorBody,
        "description": "every file failed (the summary says why), or invalid_request",
    },
}
