"""Adapters for other frameworks (LangChain); this package imports none of them, each module imports its own."""
