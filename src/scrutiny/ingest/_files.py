"""Where bytes come from: files within the size limit, standard input, directory trees.

Sizes are checked with ``stat`` before a byte is read, and reads stop one byte past the limit,
so neither a huge file nor an endless pipe can exhaust memory. Only regular files are read: a
FIFO or a device would block or never end.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from scrutiny.errors import DocumentTooLarge, IngestError, UnsupportedFormat
from scrutiny.ingest._base import Limits, describe, human_size, too_large

STDIN = "-"


def file_size(path: Path) -> int:
    """The size of a regular file; ``IngestError`` for anything else or anything missing."""
    try:
        info = path.stat()
    except FileNotFoundError:
        reason = "broken symbolic link" if path.is_symlink() else "no such file"
        raise IngestError(path, reason) from None
    except OSError as exc:
        raise IngestError(path, f"cannot read it ({describe(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(path, "is a directory (iter_documents reads directories)")
    if not stat.S_ISREG(info.st_mode):
        raise UnsupportedFormat(path, "not a regular file (a device, FIFO or socket)")
    return info.st_size


def read_file(path: Path, limits: Limits, *, size: int | None = None) -> bytes:
    """The whole file, refused before reading when ``stat`` says it is over ``max_bytes``."""
    size = file_size(path) if size is None else size
    if size > limits.max_bytes:
        raise too_large(str(path), "file", size, limits.max_bytes, "--max-bytes")
    try:
        with path.open("rb") as stream:
            return _read_bounded(stream, str(path), limits, "file")
    except OSError as exc:
        raise IngestError(path, f"cannot read it ({describe(exc)})") from None


def read_head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        raise IngestError(path, f"cannot read it ({describe(exc)})") from None


def read_stdin(limits: Limits) -> bytes:
    return _read_bounded(sys.stdin.buffer, STDIN, limits, "standard input")


def _read_bounded(stream: BinaryIO, name: str, limits: Limits, what: str) -> bytes:
    # The file may have grown since stat, and a pipe has no size: read one byte past the limit.
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        limit = human_size(limits.max_bytes)
        raise DocumentTooLarge(name, f"{what} is larger than the {limit} limit (--max-bytes)")
    return data


def walk(paths: Iterable[Path | str]) -> Iterator[Path | IngestError]:
    """Files under each path: directories recursively, sorted, without hidden entries.

    Symbolic links to directories are followed once; a directory already visited (a link loop,
    or two links to one place) is not entered again. An unreadable directory is an error item.
    """
    seen: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given)
        if str(given) != STDIN and path.is_dir():
            yield from _walk_tree(path, seen)
        else:
            yield path


def _walk_tree(root: Path, seen: set[tuple[int, int]]) -> Iterator[Path | IngestError]:
    # An explicit stack of listings, not recursion: a very deep tree must not hit the limit.
    stack: list[Iterator[Path]] = []
    listing = _list_folder(root, seen)
    if isinstance(listing, IngestError):
        yield listing
        return
    stack.append(iter(listing))
    while stack:
        path = next(stack[-1], None)
        if path is None:
            stack.pop()
            continue
        if not _is_dir(path):
            yield path
            continue
        listing = _list_folder(path, seen)
        if isinstance(listing, IngestError):
            yield listing
        else:
            stack.append(iter(listing))


def _list_folder(folder: Path, seen: set[tuple[int, int]]) -> list[Path] | IngestError:
    """The folder's visible entries sorted by name; empty when it was already visited."""
    try:
        info = folder.stat()
        key = (info.st_dev, info.st_ino)
        if key in seen:
            return []
        seen.add(key)
        with os.scandir(folder) as scan:
            names = sorted(entry.name for entry in scan if not entry.name.startswith("."))
    except OSError as exc:
        return IngestError(folder, f"cannot read the directory ({describe(exc)})")
    return [folder / name for name in names]


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()  # follows links, as a user naming a linked folder expects
    except OSError:
        return False
