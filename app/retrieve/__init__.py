"""Retrieve: follow-ups made standalone (``condense``) and hybrid retrieval over the store (``retrieval``)."""
