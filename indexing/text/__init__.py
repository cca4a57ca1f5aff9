"""Shared language tools: the spaCy pipeline (``nlp``), the one vocabulary (``lexicon``), the quote matcher and the answer-sentence splitter that the guard and the eval share."""
