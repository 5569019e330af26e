"""Serving questions outside the web process: the answering replica and the web process's side of it."""
