"""Text primitives with one implementation each: language, numbers and quantities, sentences, markers."""
