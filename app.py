"""Launcher: `python app.py [--index DIR] [--host H] [--port P]` serves the web app (assistant/web/launch.py).

Installed from the wheel, the same launcher is `zhaoshang serve`."""

from __future__ import annotations

import sys

from assistant.web.launch import main

if __name__ == "__main__":
    sys.exit(main())
