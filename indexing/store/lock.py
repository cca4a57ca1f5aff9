"""One writer per embedded store.

Chroma's embedded ``PersistentClient`` is not safe across processes (two
writers have corrupted users' stores), so a process that writes ``NEWSQA_HOME``
holds an OS file lock on ``settings.lock_path`` and describes itself in an
owner file beside it (pid, command, start time, and its URL when it is
``newsqa serve``). The OS drops the lock when the owner dies, however it dies,
so a stale lock from a dead process is simply taken over.

The lock is per process and re-entrant: the server acquires it at startup and
its own ingest calls (from any thread) pass straight through. With
``chroma_url`` set there is no lock: the Chroma server arbitrates writers.

    lock = WriterLock(settings)
    lock.acquire(owner_url="http://127.0.0.1:7860")   # raises StoreOwnedError if taken
    ...
    lock.release()
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from indexing.errors import StoreError, StoreLockedError
from indexing.settings import IndexSettings

__all__ = ["OwnerInfo", "StoreOwnedError", "WriterLock"]


@dataclass(frozen=True)
class OwnerInfo:
    """Who holds the writer lock."""

    pid: int
    command: str
    started_at: float
    url: str | None = None
    host: str | None = None

    def describe(self) -> str:
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started_at))
        where = f" serving {self.url}" if self.url else ""
        return f"pid {self.pid} ({self.command}{where}, since {since})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    return True


class StoreOwnedError(StoreLockedError):
    """Another process holds the writer lock; ``owner`` says who (None if it did not say)."""

    def __init__(self, message: str, owner: OwnerInfo | None) -> None:
        super().__init__(message)
        self.owner = owner


@dataclass
class _Held:
    lock: Any
    count: int
    url: str | None


# Process-wide: flock locks belong to an open file, so a second FileLock object
# on the same path in this process would block against the first.
_HELD: dict[Path, _Held] = {}
_HELD_GUARD = threading.RLock()  # re-entrant: acquire() calls owner() -> held() while holding it


def _command_line() -> str:
    argv = [os.path.basename(sys.argv[0]) if sys.argv else "python", *sys.argv[1:3]]
    text = " ".join(a for a in argv if a)
    if text.startswith("__main__.py"):
        text = "newsqa" + text[len("__main__.py") :]
    return text or "python"


class WriterLock:
    """The writer lock of the store ``settings`` point at (a no-op for a Chroma server)."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.enabled = settings.chroma_url is None
        self.path = Path(settings.lock_path).resolve()
        self.owner_path = self.path.with_name(self.path.name + ".owner.json")

    def held(self) -> bool:
        """True when this process holds the lock."""
        with _HELD_GUARD:
            return self.path in _HELD

    def acquire(self, owner_url: str | None = None, *, command: str | None = None) -> None:
        """Take the lock (or add one more hold if this process has it already).

        Raises :class:`StoreOwnedError` naming the owner when another live
        process holds it. ``owner_url`` is where this process serves the HTTP
        API, so other writers can send their articles there instead.
        """
        if not self.enabled:
            return
        from filelock import FileLock, Timeout

        with _HELD_GUARD:
            held = _HELD.get(self.path)
            if held is not None:
                held.count += 1
                if owner_url and owner_url != held.url:
                    held.url = owner_url
                    self._write_owner(owner_url, command)
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                lock = FileLock(str(self.path), timeout=0, thread_local=False)
                lock.acquire(timeout=0)
            except Timeout:
                owner = self._read_owner()
                who = owner.describe() if owner else "another process"
                raise StoreOwnedError(
                    f"the store at {self.settings.home} is being written by {who}; "
                    "wait for it to finish, stop it, or use another NEWSQA_HOME",
                    owner,
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot lock the store at {self.settings.home}: {exc}") from exc
            _HELD[self.path] = _Held(lock, 1, owner_url)
            self._write_owner(owner_url, command)

    def release(self) -> None:
        """Drop one hold; the lock is freed when the last hold of this process goes."""
        if not self.enabled:
            return
        with _HELD_GUARD:
            held = _HELD.get(self.path)
            if held is None:
                return
            held.count -= 1
            if held.count > 0:
                return
            del _HELD[self.path]
            try:
                self.owner_path.unlink(missing_ok=True)
            except OSError:
                pass
            held.lock.release(force=True)

    def owner(self) -> OwnerInfo | None:
        """Who holds the lock now (this process included), or None when nobody does."""
        if not self.enabled:
            return None
        info = self._read_owner()
        if self.held():
            return info
        if info is not None and info.host == socket.gethostname():
            # a live pid on this host means the lock is taken; a dead one left a stale file.
            # (No probing the lock itself: a probe could make a real writer fail.)
            return info if _alive(info.pid) else None
        return info if self._taken_elsewhere() else None

    def _read_owner(self) -> OwnerInfo | None:
        try:
            data = json.loads(self.owner_path.read_text(encoding="utf-8"))
            return OwnerInfo(
                pid=int(data["pid"]),
                command=str(data.get("command") or "?"),
                started_at=float(data.get("started_at") or 0),
                url=data.get("url"),
                host=data.get("host"),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no owner file, or the owner is between taking the lock and writing it

    def _taken_elsewhere(self) -> bool:
        from filelock import FileLock, Timeout

        if not self.path.exists():
            return False
        probe = FileLock(str(self.path), timeout=0, thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        except OSError:
            return False
        probe.release(force=True)
        return False

    def _write_owner(self, url: str | None, command: str | None) -> None:
        info = {
            "pid": os.getpid(),
            "command": command or _command_line(),
            "started_at": time.time(),
            "url": url,
            "host": socket.gethostname(),
        }
        tmp = self.owner_path.with_name(f"{self.owner_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(info), encoding="utf-8")
            os.replace(tmp, self.owner_path)
        except OSError:
            pass  # the lock still protects the store; only the message gets vaguer

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
