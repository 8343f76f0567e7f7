"""Background jobs: a batch upload is analysed by one worker thread while the client polls.

This module owns the job queue and what a job reports (status, files done out of total, one
:class:`~scrutiny.web.service.ItemResult` per document so far). Jobs live in memory: a restart
forgets them, though every document a job finished is in the store. One worker is enough: the
analyses would queue on the pipeline lock anyway, and the request that submitted a job returns
at once. The queue is bounded, so a flood of uploads is refused rather than held in memory.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrutiny.errors import StoreError
from scrutiny.store.base import Store
from scrutiny.web.service import Analyser, ItemResult, Settings, add_file

log = logging.getLogger("scrutiny.web")
MAX_PENDING = 4  # queued jobs, each holding up to max_request_bytes of files in memory
MAX_KEPT = 200  # finished jobs remembered for polling, oldest forgotten first

OpenStore = Callable[[], AbstractContextManager[Store]]
# A file of a job: its bytes (an upload), or a function reading it when its turn comes (a file
# on the server, read by scrutiny.web.paths), which may answer why it could not be read.
Source = bytes | Callable[[], bytes | ItemResult]


@dataclass
class Job:
    """One batch upload and how far it has got. Mutated by the worker only, under ``lock``."""

    id: str
    files: list[tuple[str, Source]]
    created: str
    status: str = "queued"  # queued, running, done, failed
    files_done: int = 0
    results: list[ItemResult] = field(default_factory=list)
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            counts = {
                s: sum(r.status == s for r in self.results) for s in ("added", "present", "failed")
            }
            return {
                "id": self.id,
                "status": self.status,
                "created": self.created,
                "files_total": len(self.files),
                "files_done": self.files_done,
                "results": [r.to_dict() for r in self.results],
                **counts,
                "error": self.error,
            }


class JobQueue:
    """Submitted jobs, run one at a time by a worker thread started on first use."""

    def __init__(self, open_store: OpenStore, analyser: Analyser, settings: Settings) -> None:
        self._open_store = open_store
        self._analyser = analyser
        self._settings = settings
        self._pending: queue.Queue[Job] = queue.Queue(maxsize=MAX_PENDING)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, files: Sequence[tuple[str, Source]]) -> Job | None:
        """Queue a job; ``None`` when the queue is full (the client should retry later)."""
        job = Job(
            id=secrets.token_hex(8),
            files=list(files),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        try:
            self._pending.put_nowait(job)
        except queue.Full:
            return None
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_KEPT:
                self._jobs.popitem(last=False)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="scrutiny-jobs", daemon=True
                )
                self._worker.start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def recent(self, limit: int = 50) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))[:limit]

    def wait(self, job: Job, timeout: float) -> bool:
        """Whether the job finished within ``timeout`` seconds (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if job.status in ("done", "failed"):
                return True
            time.sleep(0.05)
        return False

    def _work(self) -> None:
        while True:
            job = self._pending.get()
            try:
                self._run(job)
            except Exception as exc:  # the worker must outlive any one job
                # As for a request: the details (paths on the server) go to the log only.
                log.exception("job %s failed", job.id)
                reason = "the store could not be written" if isinstance(exc, StoreError) else None
                with job.lock:
                    job.status, job.error = "failed", reason or "internal error"
            finally:
                with job.lock:
                    job.files = [(name, b"") for name, _ in job.files]  # free the uploads
                self._pending.task_done()

    def _run(self, job: Job) -> None:
        with job.lock:
            job.status = "running"
        with self._open_store() as store:
            for name, source in job.files:
                data = source if isinstance(source, bytes) else source()
                if isinstance(data, ItemResult):
                    results = [data]
                else:
                    results = add_file(name, data, store, self._analyser, self._settings)
                with job.lock:
                    job.results.extend(results)
                    job.files_done += 1
        with job.lock:
            job.status = "done"
