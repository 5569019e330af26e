"""Serve the web app: build the assistant (indexing the demo corpus on first start) and run it under uvicorn.

Reached as `python app.py` in a checkout and as `zhaoshang serve` once the wheel is installed."""

from __future__ import annotations

import os

# Gradio's analytics report usage to api.gradio.app; a city's investment site must make no third-party
# calls about its visitors, and the app is meant to run offline. Set before gradio is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from assistant.errors import AssistantError  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DESCRIPTION = ("招商政策助手 web app (investor chat at /, staff pages at /staff/). Visitors' questions are answered in "
               "a second process beside the web server (ASSISTANT_ANSWER_PROCESS=false keeps them in one).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, help="index folder (default: ASSISTANT_INDEX_DIR or ./index)")
    parser.add_argument("--host", help="address to listen on (default: ASSISTANT_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: ASSISTANT_PORT or 7860)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    add_arguments(parser)
    return parser.parse_args(argv)


def serve(args: argparse.Namespace) -> int:
    """Build and run the app until interrupted; a domain error is one line on stderr and exit code 2."""
    given = {"index_dir": args.index, "host": args.host, "port": args.port}
    try:
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
        from assistant.factory import build_assistant
        from assistant.web.server import build_server

        assistant = build_assistant(settings)
        if not assistant.library.docs():  # first start: index the bundled demo corpus, with a progress bar
            from assistant.cli import console_progress

            progress, bar = console_progress("indexing the demo corpus (first start)")
            report = assistant.library.ensure_sample(progress=progress)
            bar.close()
            if report is not None:
                print(f"demo corpus indexed: {report.summary_line()}", flush=True)
        web = assistant
        if settings.answer_process:  # visitors' questions in a second process; staff tools stay here
            from assistant.serving.answer_process import ProcessAssistant

            web = ProcessAssistant(assistant, settings).start()
        app = build_server(web, settings)
        threading.Thread(target=_warm_then_freeze, args=(assistant,), name="warm-up", daemon=True).start()
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    print(f"招商政策助手 running on http://{settings.host}:{settings.port}/ (staff: /staff/)", flush=True)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        if web is not assistant:
            web.close()
    return 0


def _warm_then_freeze(assistant) -> None:
    """Warm the caches, then take everything built so far (the app, dictionaries, gazetteer, models' Python side:
    ~0.5-0.7 M objects) out of the cyclic collector's sight. A full collection walked them all in 200-300 ms
    holding the GIL, and every visitor whose answer was being computed then waited it out (with 20 asking at
    once, rounds of 0.5 s turned into 0.9-1.0 s). New objects are still collected as before."""
    assistant.warm()
    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    return serve(parse_args(argv))
