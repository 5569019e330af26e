"""Understanding the question: its terms, the datum it asks for, its scope, and follow-ups."""
