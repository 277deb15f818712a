"""Worker processes that hold the graph and answer one query at a time, under a time limit.

Neither pyoxigraph nor rdflib can stop a query once it runs, so each query runs in a worker
process; when it outlives its time limit the process is killed and a fresh one takes its place.
A runaway query therefore costs one worker for ``timeout`` seconds and never blocks the others.
Workers are started with ``spawn`` (no fork of a threaded server) and load the graph from an RDF
file into their own in-memory store.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

STARTUP_SECONDS = 120.0  # loading a large graph takes a while; a small one well under a second


@dataclass(frozen=True)
class Job:
    """A query and how its answer should be written."""

    text: str
    accept: str = "*/*"
    format: str | None = None  # from ?format= or ?output=: see medkg.results.format_named
    max_rows: int | None = None


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def text_reply(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def answer(engine: Any, job: Job) -> Reply:
    """Run the job on the engine and write the result as the client asked."""
    from .queries import QueryError, declared_prefixes
    from .results import FORMATS, format_named, negotiate, render

    try:
        result = engine.query(job.text, max_rows=job.max_rows)
    except QueryError as exc:
        return text_reply(400, str(exc))
    # ?format= wins when we know the name (clients send their own names); else the Accept header
    name = (job.format and format_named(job.format, result.form)) or negotiate(job.accept, result.form)
    if name is None:
        offered = ", ".join(t for f in FORMATS.values() if result.form in f.forms for t in f.media_types)
        kind = "CONSTRUCT/DESCRIBE" if result.form == "GRAPH" else result.form
        return text_reply(406, f"cannot answer a {kind} query as {job.format or job.accept} (offered: {offered})")
    body = render(result, name, prefixes=declared_prefixes(job.text))
    headers = (("X-SPARQL-MaxRows", str(job.max_rows)),) if result.truncated else ()
    return Reply(200, FORMATS[name].content_type, body, headers)


def _work(conn: Connection, data: str) -> None:
    """The body of a worker process: load the graph, then answer jobs until the pipe closes."""
    from .sparql import OxigraphEngine, open_store

    engine = OxigraphEngine(open_store(Path(data)))
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(engine, job)
        except Exception as exc:  # a bug must not take the worker down silently
            reply = text_reply(500, f"error: {type(exc).__name__}: {exc}")
        conn.send(reply)


class Worker:
    """One process with its own copy of the graph."""

    def __init__(self, data: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_work, args=(child, str(data)), daemon=True, name="medkg-query")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        if not self.ready:
            if not self.conn.poll(timeout) or self.conn.recv() != "ready":
                raise RuntimeError("a query worker did not start")
            self.ready = True

    def run(self, job: Job, timeout: float) -> Reply:
        """The reply, or ``TimeoutError`` when the query runs longer than ``timeout`` seconds."""
        self.wait_ready()
        self.conn.send(job)
        if not self.conn.poll(timeout):
            raise TimeoutError
        reply = self.conn.recv()
        assert isinstance(reply, Reply)
        return reply

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """A fixed number of workers; ``run`` lends one to a job and replaces it if it must be killed."""

    def __init__(self, data: Path, *, size: int = 2, timeout: float = 10.0) -> None:
        self.data = data
        self.timeout = timeout
        self.size = size
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.closed = False
        self.workers = {Worker(data) for _ in range(size)}  # idle or busy, for close()
        self.lock = threading.Lock()
        for worker in self.workers:
            worker.wait_ready()
            self.idle.put(worker)

    def run(self, job: Job) -> Reply:
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            return text_reply(503, f"all {self.size} query workers are busy; try again later")
        started = time.monotonic()
        try:
            reply = worker.run(job, self.timeout)
        except TimeoutError:
            self._retire(worker)
            return text_reply(503, f"the query was stopped after the time limit of {self.timeout:g} s "
                                   f"({time.monotonic() - started:.1f} s); make it more selective or add a LIMIT")
        except (EOFError, OSError, RuntimeError):
            self._retire(worker)
            return text_reply(500, "the query worker died (out of memory?); it has been restarted")
        self.idle.put(worker)
        return reply

    def _retire(self, worker: Worker) -> None:
        """Kill the worker and start another in the background; it joins the idle queue once ready."""
        worker.stop()
        with self.lock:
            self.workers.discard(worker)
            if self.closed:
                return
            fresh = Worker(self.data)
            self.workers.add(fresh)

        def wait() -> None:
            try:
                fresh.wait_ready()
            except (RuntimeError, EOFError, OSError):
                return
            self.idle.put(fresh)

        threading.Thread(target=wait, daemon=True).start()

    def close(self) -> None:
        """Stop every worker, busy or not."""
        with self.lock:
            self.closed = True
            workers, self.workers = self.workers, set()
        for worker in workers:
            worker.stop()
