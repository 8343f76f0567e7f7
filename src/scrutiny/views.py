"""The scrutiny/1 JSON view of an analysis (docs/schema/scrutiny-1.schema.json).

The view is derived from the annotations only; it never holds a second copy of a finding.
Layer attrs are documented in docs/layers.md.
"""

from __future__ import annotations

from typing import Any

from scrutiny.model import SCHEMA, Analysis, Annotation


def _span(analysis: Analysis, a: Annotation) -> dict[str, Any]:
    return {"start": a.span.start, "end": a.span.end, "text": analysis.document.slice(a.span)}


def _document(analysis: Analysis) -> dict[str, Any]:
    doc = analysis.document
    return {
        "id": doc.id,
        "title": doc.title,
        "author": doc.author,
        "published": doc.published,
        "source": doc.source,
        "media_type": doc.media_type,
        "language": analysis.language,
        "chars": len(doc.text),
        "sentences": len(analysis.layer("sentence")),
        "text": doc.text,
    }


def _entities(analysis: Analysis) -> list[dict[str, Any]]:
    mentions: dict[str, list[Annotation]] = {}
    for m in analysis.layer("mention"):
        ent = m.attrs.get("entity")
        if ent:
            mentions.setdefault(str(ent), []).append(m)
    roles: dict[str, list[Annotation]] = {}
    for r in analysis.layer("role"):
        holder = r.attrs.get("entity")
        if holder:
            roles.setdefault(str(holder), []).append(r)
    out = []
    for e in analysis.layer("entity"):
        out.append(
            {
                "id": e.id,
                "name": e.attrs.get("name", analysis.document.slice(e.span)),
                "type": e.label,
                "aliases": list(e.attrs.get("aliases", [])),
                "confidence": e.confidence,
                "roles": [
                    {
                        "role": r.attrs.get("role", r.label),
                        "of": r.attrs.get("of"),
                        "when": r.attrs.get("when"),
                        "kind": r.label,
                        "confidence": r.confidence,
                        **_span(analysis, r),
                    }
                    for r in sorted(roles.get(e.id, []), key=lambda a: a.span)
                ],
                "mentions": [
                    {**_span(analysis, m), "kind": m.attrs.get("kind", "name")}
                    for m in sorted(mentions.get(e.id, []), key=lambda a: a.span)
                ],
            }
        )
    return out


def _timexes(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {
            **_span(analysis, t),
            "type": t.label,
            "value": t.attrs.get("value"),
            "confidence": t.confidence,
        }
        for t in sorted(analysis.layer("timex"), key=lambda a: a.span)
    ]


def _quotes(analysis: Analysis) -> list[dict[str, Any]]:
    out = []
    for q in sorted(analysis.layer("quote"), key=lambda a: a.span):
        speakers = list(q.attrs.get("speakers", []))
        out.append(
            {
                **_span(analysis, q),
                "speaker": speakers[0] if speakers else None,
                "speakers": speakers,
                "speaker_text": q.attrs.get("speaker_text"),
                "cue": q.attrs.get("cue"),
                "confidence": q.confidence,
            }
        )
    return out


def _signature(analysis: Analysis) -> dict[str, Any] | None:
    sigs = analysis.layer("signature")
    if not sigs:
        return None
    best = max(sigs, key=lambda a: (a.confidence, a.span.start))
    return {
        **_span(analysis, best),
        "entity": best.attrs.get("entity"),
        "name": best.attrs.get("name"),
        "kind": best.label,
        "confidence": best.confidence,
    }


def _generic(analysis: Analysis, layer: str) -> list[dict[str, Any]]:
    # Layers whose analyzers arrive later (claims, events, techniques, signals) share one shape
    # until they get a section of their own.
    return [
        {**_span(analysis, a), "label": a.label, "confidence": a.confidence, **dict(a.attrs)}
        for a in sorted(analysis.layer(layer), key=lambda a: a.span)
    ]


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "document": _document(analysis),
        "entities": _entities(analysis),
        "timexes": _timexes(analysis),
        "events": _generic(analysis, "event"),
        "quotes": _quotes(analysis),
        "claims": _generic(analysis, "claim"),
        "techniques": _generic(analysis, "technique"),
        "signals": _generic(analysis, "signal"),
        "signature": _signature(analysis),
        "provenance": {k: dict(v) for k, v in sorted(analysis.provenance.items())},
    }
