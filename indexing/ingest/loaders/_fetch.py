"""Fetching http(s) sources with httpx: a timeout, a size cap, and one-line reasons when it fails."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from indexing.ingest.loaders._common import Reject

FETCH_TIMEOUT_SECONDS = 15.0
MAX_FETCH_BYTES = 20 * 1024 * 1024
USER_AGENT = "newsqa/0.1 (+https://github.com/newsqa; article ingest)"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str  # media type only, lower case ("application/rss+xml")
    data: bytes


def fetch(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = MAX_FETCH_BYTES,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET ``url`` (redirects followed); raises Reject with a one-line reason on any failure."""
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
                transport=transport,
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise Reject(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise Reject(f"larger than the {max_bytes // (1024 * 1024)} MB limit ({int(declared)} bytes)")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise Reject(f"larger than the {max_bytes // (1024 * 1024)} MB limit")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(str(response.url), content_type, b"".join(chunks))
    except httpx.TimeoutException as exc:
        raise Reject(f"timed out after {timeout:g} s") from exc
    except httpx.ConnectError as exc:
        raise Reject(f"unreachable ({_first_line(exc) or 'connection failed'})") from exc
    except httpx.TooManyRedirects as exc:
        raise Reject("too many redirects") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise Reject(f"not a valid http(s) URL ({_first_line(exc)})") from exc
    except httpx.HTTPError as exc:
        raise Reject(f"download failed ({type(exc).__name__}: {_first_line(exc)})") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""
