"""The answering process: a read-only replica of the Assistant that the web process hands visitors' questions to.

Why a second process: a question costs ~15 ms of CPU in our pipeline, about half of it Python (scope checks,
sentence scoring, fusion) that holds the GIL; in the web process it queued behind Gradio's own Python for every
visitor, so 20 visitors asking at once were answered one GIL slice at a time on a 2-core machine. Here it runs
beside the web process, on the other core.

What the replica reads: the catalog (SQLite in WAL mode, read by any number of processes; or the Chroma server's
catalog in server mode) and the lexical index from its snapshot, both brought up to date by the catalog's
generation before every question, exactly as in the web process. What it does not open: the embedded Chroma
store. Chroma's PersistentClient keeps its vector index in the memory of the process that opened it, so a second
process would go on searching a stale index after a staff upload or delete (and may fail mid-write: "Error
finding id"). The replica embeds the question itself and asks the web process for the nearest ids
(`RemoteNearest`), which keeps one Chroma, one writer and one truth; an id the catalog does not hold is never a hit
(retrieval/hybrid.py), so a deleted document is never cited.

Messages (pickled over one duplex pipe; `assistant/serving/answer_process.py` is the other end):
  web → replica: ("ask", rid, question, history, filters, k) · ("nearest", cid, result | exception) · ("stop",)
  replica → web: ("ready",) · ("item", rid, str | Answer) · ("error", rid, exception) · ("nearest?", cid, vector, k, where)
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from assistant.lexical_store import LexicalStore
from assistant.library import Library
from assistant.settings import Settings
from assistant.types import Answer

log = logging.getLogger(__name__)
# Questions the replica works on at once; the web process bounds them already (chat and API slots), and the CPU
# part is bounded again by the Assistant's chat_workers slots. Waiting on an LLM holds a thread, not a slot.
THREADS = 64


class Channel:
    """One end of the pipe, sendable from any thread (Connection.send is not thread-safe)."""

    def __init__(self, conn):
        self.conn = conn
        self._lock = threading.Lock()

    def send(self, *message) -> None:
        with self._lock:
            self.conn.send(message)


class RemoteNearest:
    """The dense index's `nearest`, answered by the web process's Chroma."""

    def __init__(self, channel: Channel):
        self.channel = channel
        self._ids = itertools.count()
        self._waiting: dict[int, Future] = {}

    def nearest(self, vector, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        cid, future = next(self._ids), Future()
        self._waiting[cid] = future
        try:
            self.channel.send("nearest?", cid, vector, k, where)
            return future.result(timeout=60)
        finally:
            self._waiting.pop(cid, None)

    def resolve(self, cid: int, result) -> None:
        future = self._waiting.get(cid)
        if future is None:
            return
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


class ReplicaLibrary(Library):
    """The library as the replica reads it: catalog and lexical index from the index folder, never written (no
    crash repair, no snapshot saves: the web process owns those), dense neighbours from the web process."""

    def __init__(self, settings: Settings, embedder, nearest: RemoteNearest):
        from assistant.factory import build_catalog

        client = None
        if settings.chroma_host:  # server mode: the catalog lives in the Chroma server, which serves any process
            from vectorstore.chroma_index import make_client

            client = make_client(settings.index_dir, settings.chroma_host, settings.chroma_port)
        self.settings, self.embedder, self.chroma = settings, embedder, nearest
        self.catalog = build_catalog(settings, client)
        self.lexical = LexicalStore(self.catalog, settings.index_dir / "lexical", saves=False)
        self._stats = self._years = self._docs = None
        self.repaired = []


def run(conn, settings: Settings) -> None:
    """The replica's main: build, warm, say ready, answer until the pipe closes. Started by multiprocessing
    (spawn), so it shares no state with the web process but the index folder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="answering process: %(levelname)s %(name)s: %(message)s")
    from assistant.factory import build_assistant, build_embedder

    channel = Channel(conn)
    nearest = RemoteNearest(channel)
    assistant = build_assistant(settings, library=ReplicaLibrary(settings, build_embedder(settings), nearest))
    pool = ThreadPoolExecutor(THREADS, thread_name_prefix="answer")
    reader = threading.Thread(target=_read, args=(conn, channel, nearest, assistant, pool), name="replica-reader",
                              daemon=True)
    reader.start()  # before warming: the warm-up questions' dense search is answered through the pipe
    assistant.warm()
    gc.freeze()  # as in the web process (launch._warm_then_freeze): full collections no longer walk the models
    channel.send("ready")
    reader.join()
    os._exit(0)  # answering threads may be waiting on a web process that is gone


def _read(conn, channel: Channel, nearest: RemoteNearest, assistant, pool: ThreadPoolExecutor) -> None:
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the web process closed the pipe or died: nobody is waiting for answers
            return
        if message[0] == "ask":
            pool.submit(_answer, channel, assistant, *message[1:])
        elif message[0] == "nearest":
            nearest.resolve(message[1], message[2])
        elif message[0] == "stop":
            return


def _answer(channel: Channel, assistant, rid: int, question: str, history, filters, k) -> None:
    try:
        for item in assistant.ask_stream(question, history, filters, k):
            channel.send("item", rid, item)
            if isinstance(item, Answer):
                return
    except Exception as exc:  # the web process raises it where the question was asked, as in-process
        try:
            channel.send("error", rid, exc)
        except Exception:  # an exception that does not pickle still ends the question with its message
            channel.send("error", rid, RuntimeError(f"{type(exc).__name__}: {exc}"))
