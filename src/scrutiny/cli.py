"""``scrutiny ...``: a thin command line over the Python API.

Exit codes (docs/cli.md): 0 success; 1 one or more inputs failed (the rest were processed);
2 usage error; 3 store error or document not found; 130 interrupted.
A user's mistake prints one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

if TYPE_CHECKING:
    from rich.console import Console

    from scrutiny.errors import IngestError
    from scrutiny.ingest import Limits
    from scrutiny.model import Document
    from scrutiny.store.base import Store

EXIT_INPUT, EXIT_STORE, EXIT_INTERRUPTED = 1, 3, 130
F = TypeVar("F", bound=Callable[..., Any])


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _fail(message: str, code: int) -> NoReturn:
    # click.echo, not rich: the message may quote a file name, and must not be read as markup.
    click.echo(f"scrutiny: {message}", err=True)
    sys.exit(code)


@contextmanager
def _store(ctx: click.Context) -> Iterator[Store]:
    from scrutiny.errors import StoreError
    from scrutiny.store import open_store

    try:
        store = open_store(ctx.obj["db"])
    except StoreError as exc:
        _fail(str(exc), EXIT_STORE)
    try:
        yield store
    except StoreError as exc:
        _fail(str(exc), EXIT_STORE)
    finally:
        store.close()


def _limits(max_bytes: int | None) -> Limits:
    from scrutiny.ingest import Limits

    return Limits() if max_bytes is None else Limits(max_bytes=max_bytes)


DEFAULT_MAX_SECONDS = 600.0
# Growth of the address space allowed for one document's analysis: far above what a normal
# document needs (docs/engine.md), low enough that a runaway one stops before it takes the machine.
DEFAULT_MAX_MEMORY_MB = 2048


def limit_option(f: F) -> F:
    """The per-document limits: input size, and time and memory for the analysis."""
    f = click.option(
        "--max-memory",
        "max_memory_mb",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_MEMORY_MB,
        show_default=True,
        metavar="MB",
        help="Most memory one document's analysis may add, in MB; past it the document fails.",
    )(f)
    f = click.option(
        "--max-seconds",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_MAX_SECONDS,
        show_default=True,
        help="Longest analysis of one document; past it the document fails and the batch goes on.",
    )(f)
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=None,
        help="Largest input file accepted, in bytes (default 50 MiB).",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="SCRUTINY_DB",
    default=None,
    metavar="LOCATION",
    help=(
        "Store: a directory, a .db file, sqlite:///path or postgresql://…"
        " (default ./scrutiny-data)."
    ),
)
@click.version_option(package_name="scrutiny")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Take statements, press releases and news articles apart into evidence-linked structure."""
    ctx.obj = {"db": db}


def _iter_inputs(
    sources: tuple[str, ...], limits: Limits
) -> Iterator[tuple[str, Document | IngestError]]:
    from scrutiny import ingest
    from scrutiny.errors import IngestError

    for source in sources:
        if source == "-":
            try:
                for doc in ingest.read_path("-", limits=limits):
                    yield "-", doc
            except IngestError as exc:
                yield "-", exc
        else:
            for item in ingest.iter_documents([source], limits=limits):
                yield (item.path if isinstance(item, IngestError) else item.source or source), item


def _report_failures(failures: list[str], total: int) -> None:
    if failures:
        click.echo(f"scrutiny: {len(failures)} of {total} inputs failed:", err=True)
        for line in failures:
            click.echo(f"  {line}", err=True)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text: a readable report; json: scrutiny/1 JSON; jsonl: one JSON object per line.",
)
@click.option("--no-text", is_flag=True, help="Leave the highlighted document text out.")
@limit_option
def analyze(
    sources: tuple[str, ...],
    fmt: str,
    no_text: bool,
    max_bytes: int | None,
    max_seconds: float,
    max_memory_mb: int,
) -> None:
    """Analyse files, directories or - (standard input) and print the result."""
    from scrutiny.errors import IngestError, ScrutinyError
    from scrutiny.pipeline import default_pipeline
    from scrutiny.render import report

    console = _console()
    failures: list[str] = []
    results: list[dict[str, Any]] = []
    total = 0
    for name, item in _iter_inputs(sources, _limits(max_bytes)):
        total += 1
        if isinstance(item, IngestError):
            click.echo(f"scrutiny: {item}", err=True)
            failures.append(str(item))
            continue
        try:
            analysis = default_pipeline().analyze(
                item, max_seconds=max_seconds, max_memory_mb=max_memory_mb
            )
        except ScrutinyError as exc:
            click.echo(f"scrutiny: {name}: {exc}", err=True)
            failures.append(f"{name}: {exc}")
            continue
        if fmt == "text":
            report(analysis, console, show_text=not no_text)
        elif fmt == "jsonl":
            click.echo(json.dumps(analysis.to_dict(), ensure_ascii=False))
        else:
            results.append(analysis.to_dict())
    if fmt == "json" and results:
        click.echo(
            json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=2)
        )
    if total > 1:
        _report_failures(failures, total)
    if failures:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@limit_option
@click.option(
    "--engine",
    type=click.Choice(["local", "process", "dask"]),
    default="local",
    show_default=True,
    help="Analyse in this process, a pool of worker processes, or a Dask cluster.",
)
@click.option("--workers", type=click.IntRange(1, 256), help="Worker processes (default: CPUs).")
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="With --engine dask: the cluster's scheduler (default: a local cluster of --workers).",
)
@click.pass_context
def add(
    ctx: click.Context,
    sources: tuple[str, ...],
    max_bytes: int | None,
    max_seconds: float,
    max_memory_mb: int,
    engine: str,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Ingest and analyse files or directories into the store (re-adding is a no-op).

    A batch that was interrupted, even killed, is finished by running the same command again:
    documents already stored are skipped before analysis.
    """
    from collections import deque

    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from scrutiny.engine import EngineName, run
    from scrutiny.errors import IngestError, ScrutinyError

    failures: list[str] = []
    added = present = total = 0
    names: deque[str] = deque()  # of the documents sent for analysis, in order
    err = _console(stderr=True)
    with (
        _store(ctx) as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed} documents"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            # A progress bar is for a person watching; logs and pipes get the summary only.
            disable=not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("analysing", total=None)

        def to_analyse() -> Iterator[Document]:
            nonlocal total, present
            for name, item in _iter_inputs(sources, _limits(max_bytes)):
                total += 1
                progress.advance(task)
                if isinstance(item, IngestError):
                    progress.console.print(f"scrutiny: {item}", markup=False, highlight=False)
                    failures.append(str(item))
                elif store.has(item.id):
                    present += 1
                else:
                    names.append(name)
                    yield item

        chosen = cast("EngineName", engine)
        results = run(
            to_analyse(),
            chosen,
            workers,
            scheduler,
            max_seconds=max_seconds,
            max_memory_mb=max_memory_mb,
        )
        for result in results:
            name = names.popleft()
            if isinstance(result, ScrutinyError):
                progress.console.print(f"scrutiny: {name}: {result}", markup=False, highlight=False)
                failures.append(f"{name}: {result}")
                continue
            stored = store.add(result)
            added += stored
            present += not stored
    click.echo(f"added {added}, already stored {present}, failed {len(failures)}")
    _report_failures(failures, total)
    if failures:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("query", required=False, default="")
@click.option("--entity", help="Only documents mentioning this entity (name or alias).")
@click.option("--type", "entity_type", help="Only documents with an entity of this type (GPE…).")
@click.option("--technique", help="Only documents with this technique label.")
@click.option("--signal", help="Only documents with this signal (threat, call_to_action…).")
@click.option("--from", "date_from", help="Published on or after this date (2015, 2015-03…).")
@click.option("--to", "date_to", help="Published on or before this date.")
@click.option("--source", help="Only documents whose source path or URL contains this.")
@click.option("--language", help="Only documents in this language (en, de…).")
@click.option("--facets", "show_facets", is_flag=True, help="Also count matches by facet.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def search(
    ctx: click.Context, /, query: str, show_facets: bool, limit: int, fmt: str, **filter_values: Any
) -> None:
    """Full-text search over stored documents, with highlighted snippets.

    Filters narrow the matches; with filters and no QUERY, the matching documents are listed
    newest first.
    """
    from scrutiny.store.base import SearchFilters

    filters = SearchFilters(**filter_values)
    if not query.strip() and filters.is_empty():
        raise click.UsageError("give a QUERY, a filter, or both")
    with _store(ctx) as store:
        hits = store.search(query, limit=limit, filters=filters)
        facets = store.facets(query, filters=filters) if show_facets else None
    if fmt == "json":
        _print_hits_json(hits, facets)
    else:
        _print_hits(hits, facets)


def _print_hits_json(hits: list[Any], facets: dict[str, list[tuple[str, int]]] | None) -> None:
    from scrutiny.store.base import SNIPPET_END, SNIPPET_START

    rows = [
        {
            "id": h.id,
            "title": h.title,
            "source": h.source,
            "score": h.score,
            "snippet": h.snippet.replace(SNIPPET_START, "[").replace(SNIPPET_END, "]"),
        }
        for h in hits
    ]
    if facets is None:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    counted = {
        name: [{"value": v, "count": n} for v, n in values] for name, values in facets.items()
    }
    click.echo(json.dumps({"hits": rows, "facets": counted}, ensure_ascii=False, indent=2))


def _print_hits(hits: list[Any], facets: dict[str, list[tuple[str, int]]] | None) -> None:
    from rich.text import Text

    from scrutiny.render import snippet_text

    console = _console()
    if not hits:
        console.print("no matches")
    for h in hits:
        head = Text(h.id.removeprefix("sha256:")[:12], style="dim")
        head.append("  ")
        head.append(h.title or h.source or "(untitled)", style="bold")
        console.print(head)
        console.print(Text("  ").append_text(snippet_text(h.snippet)))
    for name, values in (facets or {}).items():
        if values:
            line = Text(f"{name}: ", style="bold")
            line.append(", ".join(f"{v} ({n})" for v, n in values))
            console.print(line)


@main.command()
@click.argument("doc_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-text", is_flag=True, help="Leave the highlighted document text out.")
@click.pass_context
def show(ctx: click.Context, doc_id: str, fmt: str, no_text: bool) -> None:
    """Show a stored analysis (full id or a unique prefix of it)."""
    from scrutiny.render import report

    with _store(ctx) as store:
        analysis = store.get(doc_id)
    if fmt == "json":
        click.echo(analysis.to_json())
    else:
        report(analysis, _console(), show_text=not no_text)


@main.command()
@click.argument("doc_id")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def similar(ctx: click.Context, doc_id: str, limit: int, fmt: str) -> None:
    """Copies, re-worded versions and reused paragraphs of a stored document."""
    from dataclasses import asdict

    with _store(ctx) as store:
        found = store.similar(doc_id, limit=limit)
        passages = store.shared_passages(doc_id)
        text = store.get(doc_id).document.text
    if fmt == "json":
        out = {
            "similar": [asdict(s) for s in found],
            "shared_passages": [asdict(p) for p in passages],
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _print_similar(found, passages, text)


def _print_similar(found: list[Any], passages: list[Any], text: str) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console()
    if not found and not passages:
        console.print("no similar documents")
        return
    if found:
        table = Table("id", "title", "relation", "shingles", "words", title="similar documents")
        for s in found:
            table.add_row(
                s.id.removeprefix("sha256:")[:12],
                Text(s.title or s.source or "(untitled)"),
                s.relation,
                f"{s.shingles:.2f}",
                f"{s.words:.2f}",
            )
        console.print(table)
    if passages:
        table = Table("chars", "passage", "also in", "at", "similarity", title="shared passages")
        for p in passages:
            excerpt = text[p.start : p.end]
            table.add_row(
                f"{p.start}-{p.end}",
                Text(excerpt[:80] + ("…" if len(excerpt) > 80 else "")),
                p.other_id.removeprefix("sha256:")[:12],
                f"{p.other_start}-{p.other_end}",
                f"{p.similarity:.2f}",
            )
        console.print(table)


@main.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def entity(ctx: click.Context, name: str, fmt: str) -> None:
    """Every document, mention, role and event of one entity across the store.

    NAME is a name in any spelling the corpus has seen (or a corpus entity's number); when
    several entities fit, the one in most documents is shown and the others are listed.
    """
    from scrutiny.corpus.dossier import entity_dossier, entity_summary

    with _store(ctx) as store:
        found = (
            [store.corpus_entity(int(name))[0]]
            if name.strip().isdigit()
            else store.corpus_entities(name, limit=10)
        )
        if not found:
            _fail(f"no entity called {name!r} in the store", EXIT_INPUT)
        dossier = entity_dossier(store, found[0].id)
    dossier["others"] = [entity_summary(e) for e in found[1:]]
    if fmt == "json":
        click.echo(json.dumps(dossier, ensure_ascii=False, indent=2))
    else:
        _print_dossier(dossier)


def _print_dossier(dossier: dict[str, Any]) -> None:
    from rich.text import Text

    console = _console()
    e = dossier["entity"]
    head = Text(f"#{e['id']} ", style="dim").append(e["name"], style="bold")
    head.append(f"  {e['type']} · {e['documents']} document(s)")
    console.print(head)
    if len(e["names"]) > 1:
        console.print(Text("also called: " + ", ".join(e["names"][1:])))
    if e["roles"]:
        console.print(Text("roles: " + ", ".join(e["roles"])))
    for d in dossier["documents"]:
        console.print()
        line = Text(d["id"].removeprefix("sha256:")[:12], style="dim").append("  ")
        line.append(d["title"] or d["source"] or "(untitled)", style="bold")
        if d["published"]:
            line.append(f"  {d['published']}")
        console.print(line)
        for link in d["links"]:
            why = ", ".join(link["evidence"])
            console.print(Text(f"  as {link['name']!r}, linked {link['confidence']:.2f}: {why}"))
        quoted = "; ".join(repr(m["text"]) for m in d["mentions"][:5])
        console.print(Text(f"  {d['mention_count']} mention(s): {quoted}"))
        for r in d["roles"]:
            when = f" ({r['when']})" if r["when"] else ""
            console.print(Text(f"  role: {r['role']}{when}  «{r['text']}»"))
        for v in d["events"]:
            date = f" {v['date']}" if v["date"] else ""
            console.print(Text(f"  event: {v['type']}{date}  «{v['text']}»"))
    for o in dossier["others"]:
        console.print(Text(f"also matching: #{o['id']} {o['name']} ({o['documents']} document(s))"))


@main.command()
@click.option("--entity", "name", help="Only the edges of this entity (name or number).")
@click.option("--min-weight", type=click.IntRange(1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=500, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "gexf"]), default="json")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.pass_context
def graph(
    ctx: click.Context, name: str | None, min_weight: int, limit: int, fmt: str, out: Path | None
) -> None:
    """Entities named in the same documents, weighted by how many, as JSON, GraphML or GEXF."""
    from scrutiny.corpus.graph import serialise

    with _store(ctx) as store:
        around = None
        if name is not None:
            found = (
                [store.corpus_entity(int(name))[0]]
                if name.strip().isdigit()
                else store.corpus_entities(name, limit=1)
            )
            if not found:
                _fail(f"no entity called {name!r} in the store", EXIT_INPUT)
            around = found[0].id
        nodes, edges = store.entity_graph(entity=around, min_weight=min_weight, limit=limit)
    data = serialise(nodes, edges, fmt)
    if out is None:
        click.echo(data.decode())
    else:
        out.write_bytes(data)
        click.echo(f"{len(nodes)} entities, {len(edges)} edges written to {out}")


@main.command()
@click.option("--tracked", is_flag=True, help="Only claims made in two or more documents.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def claims(ctx: click.Context, tracked: bool, limit: int, fmt: str) -> None:
    """Stored claims grouped with their repeats in other documents, most widespread first."""
    from dataclasses import asdict

    with _store(ctx) as store:
        clusters = store.claim_clusters(min_documents=2 if tracked else 1, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([asdict(c) for c in clusters], ensure_ascii=False, indent=2))
        return
    from rich.text import Text

    console = _console()
    if not clusters:
        console.print("no claims" + (" made in more than one document" if tracked else ""))
    for c in clusters:
        console.print(
            Text(f"#{c.id}", style="dim")
            .append(f"  {c.documents} document(s)")
            .append(f", first seen {c.first_seen}" if c.first_seen else "")
        )
        for claim in c.claims:
            where = claim.title or claim.source or claim.doc_id.removeprefix("sha256:")[:12]
            line = Text(f"  {claim.published or '????-??-??'}  ", style="dim")
            line.append(where, style="bold").append(f" [{claim.similarity:.2f}]  ")
            console.print(line.append(claim.text))


@main.command(name="merge-entities")
@click.argument("keep", type=int)
@click.argument("other", type=int)
@click.pass_context
def merge_entities(ctx: click.Context, keep: int, other: int) -> None:
    """Merge corpus entity OTHER into KEEP; re-analysed documents stay merged."""
    with _store(ctx) as store:
        merged = store.merge_entities(keep, other)
    click.echo(f"#{merged.id} {merged.name}: {merged.documents} document(s)")


@main.command(name="split-entity")
@click.argument("entity_id", type=int)
@click.argument("name")
@click.pass_context
def split_entity(ctx: click.Context, entity_id: int, name: str) -> None:
    """Move the mentions called NAME out of corpus entity ENTITY_ID into a new one."""
    with _store(ctx) as store:
        new = store.split_entity(entity_id, name)
    click.echo(f"#{new.id} {new.name}: {new.documents} document(s)")


@main.command(name="list")
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@click.pass_context
def list_documents(ctx: click.Context, limit: int) -> None:
    """List stored documents."""
    from rich.table import Table
    from rich.text import Text

    with _store(ctx) as store:
        docs = store.documents(limit=limit)
        count = store.count()
    table = Table(title=f"{count} documents", title_justify="left")
    for col in ("id", "title", "language", "published", "chars"):
        table.add_column(col)
    for d in docs:
        table.add_row(
            Text(d.id.removeprefix("sha256:")[:12]),
            Text(d.title or d.source or ""),
            Text(d.language or ""),
            Text(d.published or ""),
            Text(f"{d.chars:,}"),
        )
    _console().print(table)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "ftm"]), required=True
)
@click.option("--out", type=click.Path(writable=True, path_type=Path), required=True)
@click.option(
    "--by-layer", is_flag=True, help="With csv: OUT is a folder with one CSV file per layer."
)
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path, by_layer: bool) -> None:
    """Export every stored analysis: scrutiny/1 JSON Lines (lossless, for scrutiny import), CSV
    with one row per finding, Parquet (OUT is a folder: documents and one file per layer), or
    FollowTheMoney entities as JSON Lines (for Aleph)."""
    from scrutiny.export import Format, export_csv_layers, export_parquet
    from scrutiny.export import export as run_export

    if by_layer and fmt != "csv":
        raise click.UsageError("--by-layer goes with --format csv")
    with _store(ctx) as store:
        if fmt == "parquet":
            n = export_parquet(store.iter_analyses(), out)
        elif fmt == "ftm":
            n = _export_ftm(store, out)
        elif by_layer:
            n = export_csv_layers(store.iter_analyses(), out)
        else:
            with out.open("w", encoding="utf-8", newline="") as fh:
                n = run_export(store.iter_analyses(), cast("Format", fmt), fh)
    click.echo(f"exported {n} documents to {out}")


def _export_ftm(store: Store, out: Path) -> int:
    from scrutiny.ftm import ftm_entities

    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for entity in ftm_entities(store):
            fh.write(json.dumps(entity, ensure_ascii=False) + "\n")
            n += entity["schema"] == "Article"
    return n


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Add the analyses of JSON Lines exports to the store as they are, without analysing again."""
    from scrutiny.errors import ScrutinyError
    from scrutiny.export import read_jsonl

    added = stored = total = 0
    failures: list[str] = []
    with _store(ctx) as store:
        for path in files:
            try:
                with path.open(encoding="utf-8") as fh:
                    for item in read_jsonl(fh, str(path)):
                        total += 1
                        if isinstance(item, ScrutinyError):
                            failures.append(str(item))
                        elif store.add(item):
                            added += 1
                        else:
                            stored += 1
            except (OSError, UnicodeDecodeError) as exc:
                total += 1
                failures.append(f"{path}: cannot read: {exc}")
    click.echo(f"imported {added}, already stored {stored}, failed {len(failures)}")
    _report_failures(failures, total)
    if failures:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, out: Path) -> None:
    """Copy the whole store to OUT, consistently, even while a batch is adding to it."""
    from scrutiny.store.sqlite import SQLiteStore

    with _store(ctx) as store:
        if not isinstance(store, SQLiteStore):
            _fail("backup copies SQLite stores; back up PostgreSQL with pg_dump", EXIT_INPUT)
        store.backup(out)
        n = store.count()
    click.echo(f"backed up {n} documents to {out}")


@main.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite the store at --db if there is one.")
@click.pass_context
def restore(ctx: click.Context, backup_file: Path, replace: bool) -> None:
    """Make the store at --db a copy of BACKUP_FILE (checked for damage first)."""
    from scrutiny.errors import StoreError
    from scrutiny.store import resolve_location
    from scrutiny.store.sqlite import restore as restore_sqlite

    try:
        target = resolve_location(ctx.obj["db"])
        if "://" in target:
            _fail("restore writes SQLite stores; restore PostgreSQL with pg_restore", EXIT_INPUT)
        n = restore_sqlite(backup_file, target, replace=replace)
    except StoreError as exc:
        _fail(str(exc), EXIT_STORE)
    click.echo(f"restored {n} documents to {target}")


def _register_subcommands() -> None:
    # The evaluation and web commands live with their code; their heavy imports stay lazy.
    from scrutiny.eval.checkworthy import checkworthy_command
    from scrutiny.eval.claim_attribution import attribution_command
    from scrutiny.eval.cli import eval_, ptc
    from scrutiny.eval.entities import entities_command
    from scrutiny.eval.events import events_command
    from scrutiny.eval.signals import signals_command
    from scrutiny.timeline import timeline
    from scrutiny.web.cli import serve, token

    main.add_command(ptc)
    main.add_command(eval_)
    eval_.add_command(checkworthy_command)
    eval_.add_command(attribution_command)
    eval_.add_command(signals_command)
    eval_.add_command(entities_command)
    eval_.add_command(events_command)
    main.add_command(timeline)
    main.add_command(serve)
    main.add_command(token)


_register_subcommands()


def run() -> None:
    """Entry point that turns our errors into one line and an exit code."""
    from scrutiny.errors import NotFound, ScrutinyError, StoreError

    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        _fail("interrupted", EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (NotFound, StoreError) as exc:
        _fail(str(exc), EXIT_STORE)
    except ScrutinyError as exc:
        _fail(str(exc), EXIT_INPUT)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # `scrutiny ... | head` closed the pipe: not an error worth a traceback.
        sys.stderr.close()
        sys.exit(0)
