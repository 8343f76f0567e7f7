"""The REST API under ``/api/v1``: documents, their analyses, search with facets, similarity.

This module owns the JSON shapes of the API (docs/web.md); an analysis is always its scrutiny/1
JSON (``Analysis.to_dict()``). Routes are synchronous: they run on worker threads, each opening
its own store connection, and analysis waits for the shared pipeline's lock.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field, StrictBool

from scrutiny.store.base import SNIPPET_END, SNIPPET_START, SearchHit, parse_doc_id
from scrutiny.web import deps
from scrutiny.web.schema import BUSY_RESPONSE, ERROR_RESPONSES, UPLOAD_RESPONSES
from scrutiny.web.service import ApiError, ItemResult, add_document, add_upload

# The bearer scheme is checked by the app's middleware; declaring it here puts the Authorize
# button in the OpenAPI description and Swagger UI.
router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=ERROR_RESPONSES,
)
# SQLite integers are 64-bit: a larger offset would not be "past the end" but a crash.
MAX_OFFSET = 2**62
DocId = Annotated[str, "a full id (sha256:<hex>), the hex, or a unique prefix of 6+ digits"]


class TextIn(BaseModel):
    """One document posted as text, for a quick synchronous analysis."""

    text: str = Field(min_length=1, description="the document text")
    title: str | None = Field(default=None, max_length=1_000)
    published: str | None = Field(default=None, max_length=40, description="ISO 8601 date")
    source: str | None = Field(default=None, max_length=1_000)
    # Strict: a JSON 0 or "no" is a mistake to report, not a boolean to guess.
    store: StrictBool = Field(default=False, description="also keep the analysis in the store")


@router.get("/documents", summary="List stored documents, newest first")
def list_documents(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    with deps.store(request) as store:
        docs = store.documents(limit=limit, offset=offset)
        return {"count": store.count(), "documents": [asdict(d) for d in docs]}


@router.post(
    "/documents",
    summary="Upload files: each is read, analysed and stored now",
    response_model=None,
    responses=UPLOAD_RESPONSES,
)
def upload(
    request: Request, response: Response, files: Annotated[list[UploadFile], File()]
) -> dict[str, Any]:
    named = _read_files(request, files)
    with deps.store(request) as store:
        results = add_upload(named, store, deps.analyser(request), deps.settings(request))
    return _upload_summary(results, response)


def _read_files(request: Request, files: list[UploadFile]) -> list[tuple[str, bytes]]:
    limit = deps.settings(request).max_files
    if len(files) > limit:
        raise ApiError(413, "too_many_files", f"at most {limit} files per upload")
    # The request body was already bounded by the middleware, so reading it whole is safe.
    return [(f.filename or "upload", f.file.read()) for f in files]


def _upload_summary(results: list[ItemResult], response: Response) -> dict[str, Any]:
    counts = {s: sum(r.status == s for r in results) for s in ("added", "present", "failed")}
    if counts["added"]:
        response.status_code = 201
    elif counts["failed"] == len(results):
        response.status_code = 422
    return {"results": [r.to_dict() for r in results], **counts}


@router.post(
    "/jobs",
    status_code=202,
    summary="Upload files to be analysed in the background",
    responses=BUSY_RESPONSE,
)
def submit_job(request: Request, files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
    named = _read_files(request, files)
    job = deps.jobs(request).submit(named)
    if job is None:
        raise ApiError(503, "busy", "too many uploads are waiting; try again shortly")
    return job.to_dict()


class PathsIn(BaseModel):
    """Files or folders already on the server, under the folders ``serve --allow-path`` allows."""

    paths: list[Annotated[str, Field(min_length=1, max_length=4_096)]] = Field(
        min_length=1,
        max_length=1_000,
        description="paths or file:// URLs; relative paths start at the first allowed folder",
    )


@router.post(
    "/paths",
    status_code=202,
    summary="Ingest files already on the server (allowed folders only) in the background",
    responses=BUSY_RESPONSE,
)
def submit_paths(request: Request, body: PathsIn) -> dict[str, Any]:
    from scrutiny.web import paths

    settings = deps.settings(request)
    roots = settings.allowed_paths
    found = paths.expand(body.paths, roots, settings.max_path_files)
    if not found:
        raise ApiError(422, "empty_document", "the folders named hold no files")
    sources = [(f.name, paths.loader(f, roots, settings.max_request_bytes)) for f in found]
    job = deps.jobs(request).submit(sources)
    if job is None:
        raise ApiError(503, "busy", "too many uploads are waiting; try again shortly")
    return job.to_dict()


@router.get("/jobs", summary="Recent background jobs, newest first")
def list_jobs(request: Request) -> dict[str, Any]:
    _uploader_only(request)
    return {"jobs": [j.to_dict() for j in deps.jobs(request).recent()]}


@router.get("/jobs/{job_id}", summary="A background job: status, progress and results so far")
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    _uploader_only(request)
    job = deps.jobs(request).get(job_id)
    if job is None:
        raise ApiError(404, "not_found", "no such job (jobs are forgotten when the server stops)")
    return job.to_dict()


def _uploader_only(request: Request) -> None:
    # Jobs name the files people uploaded: on a public server, readers need not see them.
    if request.state.access != "write":
        raise ApiError(403, "read_only", "jobs are visible to tokens with write access")


@router.post("/analyze", summary="Analyse one small text now and return its scrutiny/1 JSON")
def analyze_text(request: Request, body: TextIn) -> dict[str, Any]:
    from scrutiny.model import Document

    settings = deps.settings(request)
    if len(body.text) > settings.max_text_chars:
        limit = settings.max_text_chars
        raise ApiError(413, "too_large", f"text is over the {limit:,} character limit")
    doc = Document.from_text(
        body.text, title=body.title, published=body.published, source=body.source
    )
    if not body.store:
        return deps.analyser(request)(doc).to_dict()
    with deps.store(request) as store:
        result = add_document(body.title or "text", doc, store, deps.analyser(request))
        if result.status == "failed":
            raise ApiError(500, result.error_code or "analysis_failed", result.error or "")
        return store.get(doc.id).to_dict()


@router.get("/documents/{doc_id}", summary="A stored analysis as scrutiny/1 JSON")
def get_document(request: Request, doc_id: DocId) -> dict[str, Any]:
    with deps.store(request) as store:
        return store.get(doc_id).to_dict()


@router.get("/documents/{doc_id}/annotations", summary="Every annotation, as stored")
def get_annotations(request: Request, doc_id: DocId) -> dict[str, Any]:
    with deps.store(request) as store:
        analysis = store.get(doc_id)
    return {
        "id": analysis.document.id,
        "annotations": [a.to_dict() for a in analysis.annotations],
    }


@router.delete("/documents/{doc_id}", status_code=204, summary="Delete a document (full id)")
def delete_document(request: Request, doc_id: DocId) -> Response:
    wanted = parse_doc_id(doc_id)
    if wanted.is_prefix:
        # A destructive call never acts on a prefix, as in the store.
        raise ApiError(400, "full_id_required", "deleting needs the full id (sha256:<64 hex>)")
    with deps.store(request) as store:
        if not store.delete(wanted.value):
            raise ApiError(404, "not_found", f"no stored document has id {wanted.value}")
    return Response(status_code=204)


@router.get("/documents/{doc_id}/similar", summary="Near-copies and reused paragraphs")
def similar(
    request: Request, doc_id: DocId, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> dict[str, Any]:
    with deps.store(request) as store:
        full = store.get(doc_id).document.id
        return {
            "similar": [asdict(s) for s in store.similar(full, limit=limit)],
            "shared_passages": [asdict(p) for p in store.shared_passages(full)],
        }


@router.get("/search", summary="Full-text search with filters and facet counts")
def search(
    request: Request,
    params: Annotated[deps.SearchParams, Depends(deps.search_params)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    facets: bool = True,
) -> dict[str, Any]:
    if params.is_empty:
        raise ApiError(400, "empty_query", "give q, a filter, or both")
    with deps.store(request) as store:
        hits = store.search(params.q, limit=limit, filters=params.filters)
        counted = store.facets(params.q, filters=params.filters) if facets else None
    out: dict[str, Any] = {"hits": [hit_to_dict(h) for h in hits]}
    if counted is not None:
        out["facets"] = {
            name: [{"value": v, "count": n} for v, n in values] for name, values in counted.items()
        }
    return out


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    """A hit with a plain-text snippet and the offsets of its matches within the snippet."""
    text: list[str] = []
    matches: list[list[int]] = []
    pos = 0
    pieces = hit.snippet.replace(SNIPPET_END, SNIPPET_START).split(SNIPPET_START)
    for i, piece in enumerate(pieces):
        if i % 2:
            matches.append([pos, pos + len(piece)])
        text.append(piece)
        pos += len(piece)
    return {
        "id": hit.id,
        "title": hit.title,
        "source": hit.source,
        "score": hit.score,
        "snippet": "".join(text),
        "matches": matches,
    }
