"""Staff use cases: reply drafting and feedback."""
