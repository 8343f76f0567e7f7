"""``/docs``: the API reference, rendered on the server from the app's own OpenAPI description.

It works offline and under the strict Content-Security-Policy (no script at all), and it cannot
drift from the API: every route, parameter, bound, body and documented error comes from
``app.openapi()``. Swagger UI, which needs its CDN, stays available at ``/docs/swagger``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

pages = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"
# JSON Schema bounds worth a word in the reference, in the order they are written.
BOUNDS = (
    ("minimum", "≥ {}"),
    ("maximum", "≤ {}"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
)


@dataclass(frozen=True)
class Field:
    """A parameter or a body field: where it goes and what it accepts."""

    name: str
    where: str  # query, path, body…
    required: bool
    accepts: str
    default: str | None
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    anchor: str
    fields: list[Field]
    body: str | None  # media type of the request body
    responses: list[tuple[str, str]]  # status, description


def describe(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A short reading of a JSON Schema: ``integer ≥ 1 ≤ 500``, ``list of file``, ``MergeIn``."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF_PREFIX)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf") or []
        kinds = [describe(s, components) for s in options if s.get("type") != "null"]
        return " or ".join(kinds) or "null"
    kind = str(schema.get("type", "any"))
    if kind == "string" and schema.get("format") == "binary":
        kind = "file"
    if kind == "array":
        kind = "list of " + describe(schema.get("items") or {}, components)
    bounds = [text.format(schema[key]) for key, text in BOUNDS if key in schema]
    if "enum" in schema:
        bounds.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    return " ".join([kind, *bounds])


def _parameter(p: dict[str, Any], components: dict[str, Any]) -> Field:
    schema = p.get("schema") or {}
    default = schema.get("default")
    return Field(
        name=str(p["name"]),
        where=str(p.get("in", "")),
        required=bool(p.get("required")),
        accepts=describe(schema, components),
        default=None if default is None else str(default),
        description=str(p.get("description") or schema.get("description") or ""),
    )


def _body_fields(
    body: dict[str, Any], components: dict[str, Any]
) -> tuple[str | None, list[Field]]:
    """The body's media type and, for an object schema, its fields."""
    content = body.get("content") or {}
    if not content:
        return None, []
    media, entry = next(iter(content.items()))
    schema = entry.get("schema") or {}
    if "$ref" in schema:
        schema = components.get(str(schema["$ref"]).removeprefix(REF_PREFIX), {})
    required = set(schema.get("required") or ())
    fields = [
        Field(
            name=name,
            where="body",
            required=name in required,
            accepts=describe(prop, components),
            default=None if prop.get("default") is None else str(prop.get("default")),
            description=str(prop.get("description") or ""),
        )
        for name, prop in (schema.get("properties") or {}).items()
    ]
    return str(media), fields


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI description, in the order of its paths."""
    components = (spec.get("components") or {}).get("schemas") or {}
    out = []
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            media, body = _body_fields(op.get("requestBody") or {}, components)
            params = [_parameter(p, components) for p in op.get("parameters") or ()]
            responses = [
                (str(s), str(r.get("description", ""))) for s, r in op["responses"].items()
            ]
            out.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=str(op.get("summary") or ""),
                    anchor=str(op.get("operationId") or f"{method}-{path}"),
                    fields=params + body,
                    body=media,
                    responses=sorted(responses),
                )
            )
    return out


@pages.get("/docs")
def reference(request: Request) -> Response:
    spec = request.app.openapi()
    templates: Jinja2Templates = request.app.state.templates
    context = {"nav": "api", "spec": spec, "operations": operations(spec)}
    return templates.TemplateResponse(request, "apidocs.html", context)
