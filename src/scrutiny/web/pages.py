"""The browser pages: documents, document view, search with facets, upload, jobs, login.

This module owns what each page shows; templates/ owns how. Pages are server-rendered and work
without JavaScript except for toggling layers, jumping to findings and redrawing a job's
progress (static/app.js). Every value reaches HTML through Jinja's autoescaping or
:mod:`scrutiny.web.highlight`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from scrutiny.model import Analysis
from scrutiny.store.base import (
    FACETS,
    SNIPPET_END,
    SNIPPET_START,
    Facets,
    Store,
    parse_doc_id,
)
from scrutiny.web import deps, highlight
from scrutiny.web.app import SESSION_COOKIE
from scrutiny.web.service import ApiError, ItemResult, add_document, add_upload
from scrutiny.web.tokens import AccessPolicy

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
SEARCH_LIMIT = 50
FACET_TITLES = {
    "language": "Language",
    "year": "Year",
    "entity_type": "Entity type",
    "entity": "Entity",
    "technique": "Technique",
    "signal": "Signal",
}


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status)


def _url(path: str, params: dict[str, str]) -> str:
    return path + ("?" + urlencode(params) if params else "")


@router.get("/")
def home() -> Response:
    return RedirectResponse("/documents", status_code=303)


@router.get("/documents")
def documents(request: Request, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    with deps.store(request) as store:
        docs = store.documents(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        total = store.count()
    return _page(
        request,
        "documents.html",
        docs=docs,
        total=total,
        page=page,
        has_next=page * PAGE_SIZE < total,
    )


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str) -> Response:
    with deps.store(request) as store:
        analysis = store.get(doc_id)
        similar = store.similar(analysis.document.id, limit=10)
    return _page(request, "document.html", similar=similar, **document_context(analysis))


def document_context(analysis: Analysis) -> dict[str, Any]:
    """What the document view needs: the marked-up text, its layers and its findings."""
    layer_toggles = highlight.toggles(analysis.annotations)
    keys = {t.key: t for t in layer_toggles}
    doc = analysis.document
    return {
        "doc": doc,
        "language": analysis.language,
        "toggles": layer_toggles,
        "text": highlight.mark_text(doc.text, analysis.annotations, keys),
        "groups": highlight.findings(analysis),
        "short_id": doc.id.removeprefix("sha256:")[:12],
    }


@router.post("/documents/{doc_id}/delete")
def delete(request: Request, doc_id: str) -> Response:
    wanted = parse_doc_id(doc_id)
    if wanted.is_prefix:
        raise ApiError(400, "full_id_required", "deleting needs the full id")
    with deps.store(request) as store:
        store.delete(wanted.value)
    return RedirectResponse("/documents", status_code=303)


@dataclass(frozen=True)
class FacetLink:
    value: str
    count: int
    url: str
    active: bool


@router.get("/search")
def search(
    request: Request, params: Annotated[deps.SearchParams, Depends(deps.search_params)]
) -> Response:
    hits: list[Any] = []
    facets: Facets = {name: [] for name in FACETS}
    if not params.is_empty:
        with deps.store(request) as store:
            hits = store.search(params.q, limit=SEARCH_LIMIT, filters=params.filters)
            facets = store.facets(params.q, filters=params.filters)
    current = _current_params(params)
    return _page(
        request,
        "search.html",
        q=params.q,
        filters=params.filters,
        searched=not params.is_empty,
        hits=[(h, highlight.snippet_markup(h.snippet, SNIPPET_START, SNIPPET_END)) for h in hits],
        facets=[(FACET_TITLES[name], _facet_links(name, facets[name], current)) for name in FACETS],
        active=_active_filters(current),
    )


def _current_params(params: deps.SearchParams) -> dict[str, str]:
    out = {"q": params.q} if params.q.strip() else {}
    for field, name in deps.FILTER_PARAMS.items():
        value = getattr(params.filters, field)
        if value:
            out[name] = value
    return out


def _facet_params(name: str, value: str) -> dict[str, str]:
    # A year is a range of dates; every other facet is a filter of its own.
    if name == "year":
        return {"from": value, "to": value}
    return {{"entity_type": "type"}.get(name, name): value}


def _facet_links(
    name: str, values: list[tuple[str, int]], current: dict[str, str]
) -> list[FacetLink]:
    links = []
    for value, count in values:
        chosen = _facet_params(name, value)
        active = all(current.get(k) == v for k, v in chosen.items())
        if active:  # a click on a checked facet unchecks it
            params = {k: v for k, v in current.items() if k not in chosen}
        else:
            params = {**current, **chosen}
        links.append(FacetLink(value, count, _url("/search", params), active))
    return links


def _active_filters(current: dict[str, str]) -> list[tuple[str, str, str]]:
    """(parameter, value, URL without it) for each filter in force, to remove it with a click."""
    return [
        (name, value, _url("/search", {k: v for k, v in current.items() if k != name}))
        for name, value in current.items()
        if name != "q"
    ]


@router.get("/upload")
def upload_form(request: Request) -> Response:
    return _page(request, "upload.html", results=None)


@router.post("/upload")
def upload(
    request: Request,
    files: Annotated[list[UploadFile] | None, File()] = None,
    text: Annotated[str, Form(max_length=1_000_000)] = "",
    title: Annotated[str, Form(max_length=1_000)] = "",
) -> Response:
    settings = deps.settings(request)
    named = [(f.filename or "upload", f.file.read()) for f in files or [] if f.filename]
    if len(named) > settings.max_files:
        raise ApiError(413, "too_many_files", f"at most {settings.max_files} files per upload")
    if len(text) > settings.max_text_chars:
        limit = settings.max_text_chars
        raise ApiError(413, "too_large", f"the pasted text is over the {limit:,} character limit")
    results: list[ItemResult] = []
    background = len(named) > 1  # a batch: analysed by the job worker, the page shows progress
    with deps.store(request) as store:
        if not background:
            results = add_upload(named, store, deps.analyser(request), settings)
        if text.strip():
            results.append(_add_text(text, title, store, request))
    if background:
        job = deps.jobs(request).submit(named)
        if job is None:
            raise ApiError(503, "busy", "too many uploads are waiting; try again shortly")
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)
    if not results:
        return _page(
            request, "upload.html", status=422, results=[], error="choose a file or paste a text"
        )
    if len(results) == 1 and results[0].id is not None:
        return RedirectResponse(f"/documents/{results[0].id}", status_code=303)
    return _page(request, "upload.html", results=results)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    if request.state.access != "write":
        raise ApiError(403, "read_only", "jobs are visible to tokens with write access")
    job = deps.jobs(request).get(job_id)
    if job is None:
        raise ApiError(404, "not_found", "no such job (jobs are forgotten when the server stops)")
    return _page(request, "job.html", nav="upload", job=job.to_dict())


def _add_text(text: str, title: str, store: Store, request: Request) -> ItemResult:
    from scrutiny.model import Document

    doc = Document.from_text(text, title=title.strip() or None, source="pasted text")
    return add_document(title.strip() or "pasted text", doc, store, deps.analyser(request))


def _local(target: str) -> str:
    # Only a path on this server: "//evil.example" or "https://…" would make login an open
    # redirect.
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/documents"


@router.get("/login")
def login_form(request: Request, next: str = "/documents") -> Response:
    return _page(request, "login.html", next=_local(next), error=None)


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2_000)] = "/documents",
) -> Response:
    policy: AccessPolicy = request.app.state.policy
    if policy.tokens.check(token) is None:
        return _page(request, "login.html", status=401, next=_local(next), error="unknown token")
    response = RedirectResponse(_local(next), status_code=303)
    # HttpOnly: no script can read it; Strict: no other site's request carries it.
    response.set_cookie(
        SESSION_COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
