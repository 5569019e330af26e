"""A deterministic stand-in embedding server on the OpenAI-compatible wire (POST /v1/embeddings), 127.0.0.1 only.

It is NOT a language model: each text becomes a hashed bag of its character bigrams (256 dimensions,
L2-normalised), so building a 100k-chunk library takes minutes instead of the hours the real embedder needs
on 2 cores. Texts sharing words still land near each other, so dense retrieval does real work; answer quality
measured over it means nothing. Used by bench/scale.py; runs in a thread of the calling process.

    .venv/bin/python bench/standin_embedder.py [--port 0]     # serve until Ctrl-C
"""

from __future__ import annotations

import argparse
import base64
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

DIM = 256
MODEL = "standin-bigram-256"


def embed(text: str) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    grams = [text[i: i + 2] for i in range(max(1, len(text) - 1))]
    idx = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint32, count=len(grams))
    np.add.at(v, (idx % DIM).astype(np.int64), np.where(idx & 0x100, 1.0, -1.0).astype(np.float32))
    n = float(np.linalg.norm(v))
    return v / n if n else v


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        as_b64 = body.get("encoding_format") == "base64"  # the openai client asks for base64 by default
        data = []
        for i, t in enumerate(texts):
            v = embed(str(t))
            data.append({"object": "embedding", "index": i,
                         "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if as_b64 else v.tolist()})
        out = json.dumps({"object": "list", "data": data, "model": body.get("model", MODEL),
                          "usage": {"prompt_tokens": 0, "total_tokens": 0}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args) -> None:  # quiet: one line per request would drown the bench output
        pass


def serve(port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start the server in a daemon thread; returns it and its base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    srv, url = serve(ap.parse_args().port)
    print(url, flush=True)
    threading.Event().wait()
