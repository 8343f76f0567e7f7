"""Files already on the server, ingested by path: the allowed folders and the checks that keep
every request inside them.

This module owns turning what a client names (a path, relative or absolute, or a ``file://``
URL) into files under the folders ``serve --allow-path`` allows, and reading them later for a
background job. Every path is resolved (``..`` and symbolic links included) before it is
compared with the allowed folders, and again when the file is opened, so a link swapped in
between cannot lead outside either. Refusals never name a server path: items are named by their
position in the request, and files by their path relative to their allowed folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrutiny.web.service import ApiError, ItemResult

Loader = Callable[[], "bytes | ItemResult"]
PROC_FD = Path("/proc/self/fd")
REFUSED = "path_not_allowed"


@dataclass(frozen=True)
class Found:
    """A regular file under an allowed folder, or an entry of a folder that was refused."""

    name: str  # relative to its allowed folder: shown to the client
    path: Path | None  # resolved; None when refused
    reason: str = ""


def resolve_roots(folders: Sequence[str | Path]) -> tuple[Path, ...]:
    """The allowed folders, resolved once at start; a missing one is a configuration error."""
    roots = []
    for folder in folders:
        root = Path(os.path.realpath(folder))
        if not root.is_dir():
            raise ValueError(f"--allow-path {folder}: not a folder")
        roots.append(root)
    return tuple(roots)


def _root_of(path: Path, roots: Sequence[Path]) -> Path | None:
    # Both sides are resolved, so a lexical comparison is exact: no "..", no links remain.
    return next((r for r in roots if path == r or path.is_relative_to(r)), None)


def _display(path: Path, roots: Sequence[Path]) -> str:
    root = _root_of(path, roots)
    if root is None:
        return "?"
    rel = path.relative_to(root).as_posix()
    return rel if rel != "." else root.name or "/"


def _as_path(given: str, roots: Sequence[Path], index: int) -> Path:
    """The path a client names, made absolute (relative paths start at the first folder)."""
    where = f"paths[{index}]"
    if "\x00" in given or not given.strip():
        raise ApiError(400, "bad_request", f"{where} is empty or holds a NUL character")
    text = given
    if "://" in given or given.startswith("file:"):
        url = urlsplit(given)
        if url.scheme != "file" or url.netloc not in ("", "localhost"):
            raise ApiError(400, "bad_request", f"{where}: only paths and file:// URLs are taken")
        text = unquote(url.path)
        if "\x00" in text:
            raise ApiError(400, "bad_request", f"{where} holds a NUL character")
    path = Path(text)
    return path if path.is_absolute() else roots[0] / path


def expand(given: Sequence[str], roots: Sequence[Path], max_files: int) -> list[Found]:
    """Every file the request names, folders walked; raises ApiError for a refused item.

    Containment is checked before existence, so that a client cannot learn what exists
    outside the allowed folders from a 403 rather than a 404.
    """
    if not roots:
        raise ApiError(404, "not_found", "this server allows no paths (serve --allow-path)")
    found: list[Found] = []
    for index, item in enumerate(given):
        real = Path(os.path.realpath(_as_path(item, roots, index)))
        if _root_of(real, roots) is None:
            raise ApiError(403, REFUSED, f"paths[{index}] is outside the allowed folders")
        try:
            info = real.stat()
        except OSError:
            raise ApiError(404, "not_found", f"paths[{index}]: no such file or folder") from None
        if stat.S_ISDIR(info.st_mode):
            found.extend(_walk(real, roots, max_files - len(found)))
        elif stat.S_ISREG(info.st_mode):
            found.append(Found(_display(real, roots), real))
        else:
            raise ApiError(400, "bad_request", f"paths[{index}] is not a regular file or folder")
        if len(found) > max_files:
            raise ApiError(413, "too_many_files", f"at most {max_files} files per request")
    return found


def _walk(folder: Path, roots: Sequence[Path], budget: int) -> Iterator[Found]:
    """Files under ``folder`` in name order, skipping hidden entries, never leaving the roots.

    A link leading outside is reported (by its own name, inside the folder) and not followed,
    so nothing about the place it points to reaches the client. Stops once over ``budget``
    items (files and refused links, each a result of the job), enough for the caller to see
    the request is too large.
    """
    seen = {folder}
    stack = [folder]
    count = 0
    while stack and count <= budget:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            yield Found(_display(current, roots), None, "the folder cannot be read")
            continue
        subfolders = []
        for entry in entries:
            if count > budget:
                return
            if entry.name.startswith("."):
                continue
            real = Path(os.path.realpath(entry.path))
            if _root_of(real, roots) is None:
                count += 1
                name = _display(current / entry.name, roots)  # the link, not its target
                yield Found(name, None, "a link to outside the allowed folders")
            elif real.is_dir():
                if real not in seen:  # a link loop, or two links to one folder
                    seen.add(real)
                    subfolders.append(real)
            elif real.is_file():
                count += 1
                yield Found(_display(real, roots), real)
        stack.extend(reversed(subfolders))


def loader(found: Found, roots: Sequence[Path], max_bytes: int) -> Loader:
    """What a job gets for one file: a function reading it when its turn comes."""
    if found.path is None:
        refusal = ItemResult(found.name, "failed", error_code=REFUSED, error=found.reason)
        return lambda: refusal
    return partial(read_inside, found.path, found.name, tuple(roots), max_bytes)


def read_inside(
    path: Path, name: str, roots: tuple[Path, ...], max_bytes: int
) -> bytes | ItemResult:
    """The file's bytes, provided the file actually opened is still inside the roots.

    Opened without following a final link and without blocking (a FIFO swapped in would hang
    the worker); the path of the open descriptor is then checked, which catches any link
    swapped into the path since it was resolved.
    """

    def failed(code: str, message: str) -> ItemResult:
        return ItemResult(name, "failed", error_code=code, error=message)

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return failed("unreadable", "the file cannot be opened (moved, replaced or unreadable)")
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return failed("unreadable", "not a regular file")
        if _root_of(_opened_path(fd, path), roots) is None:
            return failed(REFUSED, "the file now leads outside the allowed folders")
        if info.st_size > max_bytes:
            return failed("too_large", f"the file is over the {max_bytes:,} byte limit")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return failed("too_large", f"the file is over the {max_bytes:,} byte limit")
    return data


def _opened_path(fd: int, fallback: Path) -> Path:
    # Linux names the file behind a descriptor; elsewhere re-resolving the path is the best
    # available check (a narrower window, not none).
    try:
        return Path(os.readlink(PROC_FD / str(fd)))
    except OSError:
        return Path(os.path.realpath(fallback))
