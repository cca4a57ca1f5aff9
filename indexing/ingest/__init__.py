"""Ingest: find and load articles (``loaders``), parse them, read their claims and cut their chunks (``batch``, ``parse_pool``), and write them to the store (``pipeline.Ingestor``)."""
