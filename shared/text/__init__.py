"""The text engine: from a PDF to validated short sentences, with no network."""
