"""The web process's side of the answering process (serving/replica.py): visitors' questions go to the replica,
everything else (staff tools, the library, the gate for reply drafts) stays with the in-process Assistant.

Questions never wait for the replica: until it is ready (it loads its models for a few seconds after start),
after it died, or once restarts kept failing, they are answered in this process as before. A question in flight
when the replica dies is answered again here from the start (its deltas may repeat; the final Answer replaces
them). The replica is restarted in the background, at most once per RESTART_AFTER_S.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from assistant.service import final_answer
from assistant.serving import replica
from assistant.settings import Settings
from assistant.types import Answer, Filters

log = logging.getLogger(__name__)
RESTART_AFTER_S = 10.0
GIVE_UP_AFTER = 5  # replicas that died before being ready, in a row: answer in-process from then on
_GONE = object()  # the replica died with the question in flight


class ProcessAssistant:
    """An Assistant whose ask/ask_stream run in the answering process; every other attribute is the local one's."""

    def __init__(self, local, settings: Settings, patience_s: float = 300.0):
        self.local, self.settings, self.patience_s = local, settings, patience_s
        self._ids = itertools.count()
        self._pending: dict[int, queue.SimpleQueue] = {}
        self._lock = threading.Lock()
        self._channel: replica.Channel | None = None
        self._process = None
        self._ready = threading.Event()
        self._closing = False
        self._failed_starts = 0
        # Chroma queries for the replica, off the pipe's reader thread so answers keep flowing meanwhile; two,
        # because a query releases the GIL in Chroma's native code and a large library takes milliseconds.
        self._searches = ThreadPoolExecutor(2, thread_name_prefix="answering-nearest")
        self.answered_remotely = 0  # questions the replica answered (tests and the log read it)

    def __getattr__(self, name: str):
        return getattr(self.local, name)

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> ProcessAssistant:
        """Spawn the replica (returns at once; questions are answered here until it says it is ready)."""
        ctx = multiprocessing.get_context("spawn")  # no fork: the web process has threads, Chroma and ORT state
        ours, theirs = ctx.Pipe(duplex=True)
        process = ctx.Process(target=replica.run, args=(theirs, self.settings), name="answering", daemon=True)
        process.start()
        theirs.close()
        channel = replica.Channel(ours)
        with self._lock:
            self._process, self._channel = process, channel
        threading.Thread(target=self._read, args=(channel, process), name="answering-reader", daemon=True).start()
        return self

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def answering(self) -> str:
        """Where visitors' questions are answered now: process | starting | in-process (closed, or gave up)."""
        if self._ready.is_set():
            return "process"
        return "in-process" if self._closing or self._failed_starts >= GIVE_UP_AFTER else "starting"

    def close(self) -> None:
        self._closing = True
        self._searches.shutdown(wait=False)
        channel, process = self._channel, self._process
        if channel is not None:
            try:
                channel.send("stop")
            except OSError:
                pass
        if process is not None:
            process.join(5)
            if process.is_alive():
                process.kill()

    # --- answering ----------------------------------------------------------------------------
    def ask(self, question: str, history=(), filters: Filters | None = None, k: int | None = None) -> Answer:
        return final_answer(self.ask_stream(question, history, filters, k))

    def ask_stream(self, question: str, history=(), filters: Filters | None = None,
                   k: int | None = None) -> Iterator[str | Answer]:
        inbox = self._submit(question, tuple(history), filters, k)
        if inbox is None:
            yield from self.local.ask_stream(question, history, filters, k)
            return
        rid, box = inbox
        try:
            while True:
                try:
                    kind, payload = box.get(timeout=self.patience_s)
                except queue.Empty:
                    raise TimeoutError(f"the answering process gave no answer in {self.patience_s:.0f} s") from None
                if kind is _GONE:
                    log.warning("the answering process died during a question: answering it here")
                    yield from self.local.ask_stream(question, history, filters, k)
                    return
                if kind == "error":
                    raise payload
                yield payload
                if isinstance(payload, Answer):
                    self.answered_remotely += 1
                    return
        finally:
            self._pending.pop(rid, None)

    def _submit(self, question, history, filters, k) -> tuple[int, queue.SimpleQueue] | None:
        channel = self._channel
        if not self._ready.is_set() or channel is None:
            return None
        rid, box = next(self._ids), queue.SimpleQueue()
        self._pending[rid] = box
        try:
            channel.send("ask", rid, question, history, filters, k)
        except (OSError, ValueError):  # the pipe broke: the reader notices and restarts the replica
            self._pending.pop(rid, None)
            return None
        return rid, box

    # --- the pipe -----------------------------------------------------------------------------
    def _read(self, channel: replica.Channel, process) -> None:
        while True:
            try:
                message = channel.conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "item" or kind == "error":
                box = self._pending.get(message[1])
                if box is not None:
                    box.put((kind, message[2]))
            elif kind == "nearest?":
                self._searches.submit(self._nearest, channel, *message[1:])
            elif kind == "ready":
                self._failed_starts = 0
                self._ready.set()
                log.info("answering process ready (pid %s)", process.pid)
        self._gone(channel.conn, process)

    def _nearest(self, channel: replica.Channel, cid: int, vector, k: int, where) -> None:
        """Chroma's neighbours for the replica's question vector, here where the one Chroma is (~2 ms, native)."""
        try:
            result = self.local.library.chroma.nearest(vector, k, where)
        except Exception as exc:
            result = exc
        try:
            channel.send("nearest", cid, result)  # to the replica that asked, never to its successor
        except (OSError, ValueError):
            pass

    def _gone(self, conn, process) -> None:
        """The replica exited: questions in flight are answered here, and a new replica is started."""
        was_ready = self._ready.is_set()
        self._ready.clear()
        conn.close()
        for box in list(self._pending.values()):
            box.put((_GONE, None))
        if self._closing:
            return
        process.join(1)
        log.error("the answering process exited (code %s); answering in the web process meanwhile", process.exitcode)
        self._failed_starts = 0 if was_ready else self._failed_starts + 1
        if self._failed_starts >= GIVE_UP_AFTER:
            log.error("the answering process failed to start %d times: answering in the web process from now on",
                      self._failed_starts)
            return
        threading.Thread(target=self._restart_later, name="answering-restart", daemon=True).start()

    def _restart_later(self) -> None:
        time.sleep(RESTART_AFTER_S)
        if not self._closing:
            self.start()
