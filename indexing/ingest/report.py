"""What an ingest run reports: ``IngestReport`` (counts, failures, time) and its ``IngestFailure`` lines."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["IngestFailure", "IngestReport"]


class IngestFailure(BaseModel):
    source: str = Field(description="The file, line, item or article id that failed.")
    reason: str = Field(description="One line: why.")


class IngestReport(BaseModel):
    """What an ingest run did. The HTTP API answers this JSON too."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[IngestFailure] = Field(default_factory=list)
    chunks: int = Field(default=0, description="Chunks written in this run.")
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def merge(self, other: IngestReport) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed.extend(other.failed)
        self.chunks += other.chunks
        self.seconds += other.seconds

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {len(self.failed)} ({self.chunks} chunks, {self.seconds:.1f} s)"
        )
