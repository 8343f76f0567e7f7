"""HTML pages: the main text without navigation and boilerplate, and the page's metadata.

trafilatura finds the main text; lxml reads the metadata pages publish for machines (Open
Graph, ``article:*``, Dublin Core, JSON-LD, ``<time datetime>``), which is more reliable than
guessing. Nothing is fetched and nothing is executed: the markup is parsed, never rendered.
Markup nested deeper than ``Limits.max_html_depth`` is flattened first, because libxml2 drops
the content below its own depth limit and tree walkers slow down on very deep trees.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrutiny.errors import EmptyDocument
from scrutiny.ingest._base import (
    Limits,
    finish,
    iso_date,
    parser_guard,
    quiet,
    words,
)
from scrutiny.ingest.text import bom_encoding, decode
from scrutiny.model import Document, clean_field, normalise_text

MEDIA_TYPE = "text/html"

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,500}\?>")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})\b[^<>]{0,4000}?(/?)>")
# Elements that never hold children, and elements whose end tag is optional: neither nests.
_NO_NESTING = words(
    "area base br col embed hr img input link meta param source track wbr p li dt dd tr "
    "td th option optgroup thead tbody tfoot colgroup rb rt rp"
)
_SKIP = ("script", "style", "noscript", "template", "svg", "math", "head")
_BLOCKS = words(
    "p div br li tr h1 h2 h3 h4 h5 h6 blockquote pre article section header footer table "
    "ul ol dl dt dd figure figcaption main aside nav hr"
)


@dataclass
class PageMeta:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    page_title: str | None = None  # <title> or the first <h1>: often carries the site's name


def read(data: bytes, *, name: str, limits: Limits) -> Document:
    markup, encoding = decode_html(data)
    text, meta = extract(markup, name=name, limits=limits)
    return finish(
        text,
        name=name,
        limits=limits,
        media_type=MEDIA_TYPE,
        title=meta.title,
        author=meta.author,
        published=meta.published,
        meta={"encoding": encoding},
        empty_reason="empty document (the HTML holds no text)",
    )


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode by BOM, valid UTF-8, the page's own ``<meta charset>``, then detection.

    Valid UTF-8 wins over a declaration: text in another encoding is almost never valid
    UTF-8 by chance, while pages re-encoded by a CMS without fixing their ``<meta>`` are common.
    """
    if bom_encoding(data) is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        declared = _declared_charset(data)
        if declared:
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass  # the declaration lies too; fall through to detection
    return decode(data)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, 4096)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # As browsers do: a page cannot be UTF-16 if its ASCII declaration was readable, and
    # "Latin-1" pages mean Windows-1252.
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def html_to_text(markup: str, *, name: str, limits: Limits) -> str:
    """The main text of an HTML string (used for HTML e-mail bodies too)."""
    return extract(markup, name=name, limits=limits)[0]


def extract(markup: str, *, name: str, limits: Limits) -> tuple[str, PageMeta]:
    # NUL and other control characters make lxml refuse the whole string.
    markup = _XML_DECLARATION.sub("", normalise_text(markup), count=1)
    markup = flatten(markup, limits.max_html_depth)
    with quiet(), parser_guard(name, "HTML"):
        tree = _parse(markup)
        if tree is None:
            raise EmptyDocument(name, "empty document (the HTML holds no text)")
        meta = read_meta(tree)
        text, extracted = _main_text(tree)
        if not text.strip():
            text = _all_text(_parse(markup))
    meta.title = meta.title or extracted.title or meta.page_title
    meta.author = meta.author or extracted.author
    meta.published = meta.published or extracted.published
    return text, meta


def flatten(markup: str, max_depth: int) -> str:
    """Drop the tags nested deeper than ``max_depth``, keeping their text.

    One linear scan over the tags, so a page of 100,000 nested ``<div>`` costs no more than
    reading it; pages within the limit come back unchanged.
    """
    if _max_depth(markup) <= max_depth:
        return markup
    depth = 0

    def keep(match: re.Match[str]) -> str:
        nonlocal depth
        closing, tag, self_closing = match.groups()
        if tag.lower() in _NO_NESTING or self_closing:
            return match.group(0)
        if closing:
            depth = max(depth - 1, 0)
            return match.group(0) if depth < max_depth else " "
        depth += 1
        return match.group(0) if depth <= max_depth else " "

    return _TAG.sub(keep, markup)


def _max_depth(markup: str) -> int:
    depth = deepest = 0
    for closing, tag, self_closing in _TAG.findall(markup):
        if tag.lower() in _NO_NESTING or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _parse(markup: str) -> Any:
    import lxml.etree
    import lxml.html

    if not markup.strip():
        return None
    # huge_tree lifts libxml2's depth limit of 255, below which it silently drops content;
    # flatten() has already bounded the depth.
    parser = lxml.html.HTMLParser(huge_tree=True, no_network=True, remove_comments=True)
    try:
        return lxml.html.document_fromstring(markup, parser=parser)
    except lxml.etree.ParserError:  # "Document is empty": only comments or processing instructions
        return None


def _main_text(tree: Any) -> tuple[str, PageMeta]:
    import trafilatura

    found = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if found is None:
        return "", PageMeta()
    text = re.sub(r"\n+", "\n\n", getattr(found, "text", None) or "")
    meta = PageMeta(
        title=clean_field(getattr(found, "title", None)),
        author=clean_field(getattr(found, "author", None)),
        published=iso_date(getattr(found, "date", None)),
    )
    return text, meta


def _all_text(tree: Any) -> str:
    """Every visible text of the page, one block per line: the fallback for short pages."""
    if tree is None:
        return ""
    for element in list(tree.iter(*_SKIP)):
        element.drop_tree()
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- metadata ---------------------------------------------------------------------------------

_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "dcterms.title")
_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "sailthru.author",
)
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
)


def read_meta(tree: Any) -> PageMeta:
    """Title, author and publication date from the page's machine-readable metadata."""
    tags = _meta_tags(tree)
    linked = _json_ld(tree)
    meta = PageMeta()
    meta.title = _first(tags, _TITLE_KEYS) or linked.get("headline")
    meta.author = _first(tags, _AUTHOR_KEYS, skip_urls=True) or linked.get("author")
    meta.published = (
        iso_date(_first(tags, _DATE_KEYS))
        or iso_date(linked.get("datePublished"))
        or iso_date(linked.get("dateCreated"))
        or _time_element(tree)
    )
    titles = tree.xpath("//title/text()|//h1//text()")
    meta.page_title = clean_field(titles[0]) if titles else None
    return meta


def _meta_tags(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        value = element.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def _first(tags: dict[str, str], keys: tuple[str, ...], *, skip_urls: bool = False) -> str | None:
    for key in keys:
        value = tags.get(key)
        if value and not (skip_urls and value.startswith(("http://", "https://"))):
            return value
    return None


def _time_element(tree: Any) -> str | None:
    stamps = tree.xpath("//time[@pubdate]/@datetime|//time[@datetime]/@datetime")
    for stamp in stamps[:5]:
        found = iso_date(str(stamp))
        if found:
            return found
    return None


def _json_ld(tree: Any) -> dict[str, str]:
    """headline, author, datePublished and dateCreated from the page's JSON-LD, first found."""
    found: dict[str, str] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]')[:20]:
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in _ld_nodes(data):
            for key in ("headline", "datePublished", "dateCreated"):
                if isinstance(node.get(key), str):
                    found.setdefault(key, node[key])
            author = _ld_author(node.get("author"))
            if author:
                found.setdefault("author", author)
    return found


def _ld_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD block, top level and inside ``@graph``, without deep walking."""
    items = data if isinstance(data, list) else [data]
    for item in items[:50]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (node for node in graph[:50] if isinstance(node, dict))


def _ld_author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [_ld_author(v) for v in value[:10]]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        value = value.get("name")
    return clean_field(value) if isinstance(value, str) else None
