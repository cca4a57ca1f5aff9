"""Chunks: an article cut into passages that fit the embedder, each carrying its claims."""
