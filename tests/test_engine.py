"""Engines give the same analyses, and a batch killed mid-way finishes when run again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from helpers import PTC
from scrutiny.engine import run
from scrutiny.model import Document

ARTICLES = sorted((PTC / "train-articles").glob("article*.txt"))


def test_process_engine_gives_the_local_engine_analyses() -> None:
    docs = [Document.from_text(p.read_text(encoding="utf-8")) for p in ARTICLES[:6]]
    local = list(run(docs, "local", None))
    pooled = list(run(docs, "process", 2))
    assert [a.document.id for a in pooled] == [d.id for d in docs]  # input order kept
    assert pooled == local


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_a_killed_batch_resumes_without_loss_or_repeats(tmp_path: Path) -> None:
    files = [str(p) for p in ARTICLES[10:30]]
    db = tmp_path / "store.db"
    cmd = [sys.executable, "-m", "scrutiny", "--db", str(db), "add", *files]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while _stored(db) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)  # no cleanup, no rollback by the program itself
    proc.wait()
    done = _stored(db)
    assert 4 <= done < len(files)

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Every stored document is whole: its findings and provenance came with it.
        incomplete = conn.execute(
            "SELECT count(*) FROM documents AS d WHERE NOT EXISTS"
            " (SELECT 1 FROM annotations AS a WHERE a.doc = d.seq AND a.layer = 'sentence')"
            " OR NOT EXISTS (SELECT 1 FROM provenance AS p WHERE p.doc = d.seq)"
        ).fetchone()[0]
        assert incomplete == 0

    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    # Only the rest was analysed: the documents stored before the kill were skipped.
    assert f"added {len(files) - done}, already stored {done}, failed 0" in again.stdout
    assert _stored(db) == len(files)


def test_add_with_worker_processes(tmp_path: Path) -> None:
    files = [str(p) for p in ARTICLES[:3]]
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    db = tmp_path / "pool.db"
    cmd = [sys.executable, "-m", "scrutiny", "--db", str(db), "add", "--engine", "process"]
    out = subprocess.run(
        [*cmd, "--workers", "2", *files, str(empty)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 1  # the empty file fails, the others are added
    assert "added 3, already stored 0, failed 1" in out.stdout and "empty.txt" in out.stderr
    assert _stored(db) == 3


def test_dask_local_cluster_gives_the_local_engine_analyses() -> None:
    docs = [Document.from_text(p.read_text(encoding="utf-8")) for p in ARTICLES[:3]]
    assert list(run(docs, "dask", 2)) == list(run(docs, "local"))


def test_add_through_a_dask_scheduler_and_worker_in_other_processes(tmp_path: Path) -> None:
    """The multi-machine setup of docs/engine.md, with every part a process on this machine."""
    bin_dir = Path(sys.executable).parent
    address_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            str(bin_dir / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(address_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        import json

        address = json.loads(address_file.read_text())["address"]
        worker = subprocess.Popen(
            [
                str(bin_dir / "dask"),
                "worker",
                address,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        db = tmp_path / "remote.db"
        files = [str(p) for p in ARTICLES[:3]]
        cmd = [sys.executable, "-m", "scrutiny", "--db", str(db), "add", "--engine", "dask"]
        out = subprocess.run(
            [*cmd, "--scheduler", address, *files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert out.returncode == 0, out.stderr
        assert "added 3, already stored 0, failed 0" in out.stdout
        assert _stored(db) == 3
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
