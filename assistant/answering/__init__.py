"""From passages to an answer: the answer gate (relevance, asked datum, scope), generators, citations, refusal."""
