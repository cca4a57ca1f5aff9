"""newsqa's evaluation suite: datasets, metrics, runner and reports (builds on indexing and app)."""
