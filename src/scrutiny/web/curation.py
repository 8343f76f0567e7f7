"""People's decisions about corpus entities: merging two into one, splitting a name off one.

This module owns the routes that change how documents' entities are linked across the corpus:
``POST /api/v1/entities/{id}/merge`` and ``/split`` (JSON) and the entity page's forms
(``POST /entities/{id}/merge`` and ``/split``, which redirect to the resulting entity). The
store does the work and remembers each decision, so it outlives re-analysis (docs/store.md).
Writing needs write access: the app's middleware refuses anyone else before a route runs.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from scrutiny.errors import StoreError
from scrutiny.store.base import CorpusEntity, Store
from scrutiny.web import deps
from scrutiny.web.corpus import MAX_ENTITY_ID, EntityId
from scrutiny.web.schema import CONFLICT_RESPONSE, ERROR_RESPONSES
from scrutiny.web.service import ApiError

api = APIRouter(
    prefix="/api/v1",
    tags=["corpus"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses={**ERROR_RESPONSES, **CONFLICT_RESPONSE},
)
pages = APIRouter(include_in_schema=False)
MAX_NAME = 200
# The store's words for a decision it refuses (the documents stay as they were); any other
# StoreError is a database failure and stays a 500.
_REFUSALS = ("cannot merge", "every member")


class MergeIn(BaseModel):
    other: int = Field(ge=1, le=MAX_ENTITY_ID, description="the entity merged into this one")


class SplitIn(BaseModel):
    name: str = Field(
        min_length=1, max_length=MAX_NAME, description="the name whose mentions move out"
    )


def merge(store: Store, keep: int, other: int) -> CorpusEntity:
    """Make ``other`` part of ``keep``; the merged entity."""
    if keep == other:
        raise ApiError(400, "bad_request", "an entity cannot be merged with itself")
    try:
        return store.merge_entities(keep, other)
    except StoreError as exc:
        _refused(exc)


def split(store: Store, entity: int, name: str) -> CorpusEntity:
    """Move the members called ``name`` out of ``entity``; the new entity."""
    if not name.strip():
        raise ApiError(400, "bad_request", "give the name to split off")
    try:
        return store.split_entity(entity, name.strip())
    except StoreError as exc:
        _refused(exc)


def _refused(exc: StoreError) -> NoReturn:
    if str(exc).startswith(_REFUSALS):
        raise ApiError(409, "conflict", str(exc)) from exc
    raise exc


# --- API -------------------------------------------------------------------------------------


@api.post("/entities/{entity_id}/merge", summary="Merge another corpus entity into this one")
def merge_entities(request: Request, entity_id: EntityId, body: MergeIn) -> dict[str, Any]:
    with deps.store(request) as store:
        return {"entity": asdict(merge(store, entity_id, body.other))}


@api.post(
    "/entities/{entity_id}/split",
    summary="Move the mentions of one name out of a corpus entity into a new one",
)
def split_entity(request: Request, entity_id: EntityId, body: SplitIn) -> dict[str, Any]:
    with deps.store(request) as store:
        return {"entity": asdict(split(store, entity_id, body.name))}


# --- page forms ------------------------------------------------------------------------------


@pages.post("/entities/{entity_id}/merge")
def merge_form(
    request: Request,
    entity_id: EntityId,
    other: Annotated[int, Form(ge=1, le=MAX_ENTITY_ID)],
) -> Response:
    with deps.store(request) as store:
        merged = merge(store, entity_id, other)
    return RedirectResponse(f"/entities/{merged.id}", status_code=303)


@pages.post("/entities/{entity_id}/split")
def split_form(
    request: Request,
    entity_id: EntityId,
    name: Annotated[str, Form(min_length=1, max_length=MAX_NAME)],
) -> Response:
    with deps.store(request) as store:
        new = split(store, entity_id, name)
    return RedirectResponse(f"/entities/{new.id}", status_code=303)
