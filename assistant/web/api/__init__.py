"""Programmatic ways in, on the same server as the chat: the REST API (/api/v1), the OpenAI-compatible endpoint
(/v1), the website widget (/widget.js), with API keys for staff operations, CORS and a per-client rate limit."""
