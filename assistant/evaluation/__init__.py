"""Evaluation: run Q&A suites against the assistant, score them honestly, and report."""
