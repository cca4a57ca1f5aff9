"""Bytes to text: refuse binary files, decode UTF-8 (with or without BOM), fall back to cp1252/Latin-1."""

from __future__ import annotations

import codecs

from indexing.ingest.loaders._common import Reject, logger

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v\x1b")


def check_not_binary(data: bytes) -> None:
    """Raise Reject for empty or binary data (NUL bytes), unless it is BOM-marked UTF-16/32."""
    if not data.strip():
        raise Reject("empty file")
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return
    if b"\x00" in data[:65536]:
        raise Reject("binary file, not text (contains NUL bytes)")


def decode_text(data: bytes, label: str = "") -> str:
    """Decode text bytes; never fails on legacy encodings.

    UTF-8 first (a BOM is dropped); then cp1252, which covers Latin-1 text and the
    "smart quotes" of Windows editors; then Latin-1, which accepts every byte. A file
    that decodes to mostly control characters is binary and is refused.
    """
    check_not_binary(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise Reject(f"undecodable {encoding} text ({exc.reason})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            logger.info("%s: not UTF-8; read as cp1252", label)
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            logger.info("%s: not UTF-8; read as Latin-1", label)
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > max(8, len(sample) // 20):
        raise Reject("binary file, not text (too many control characters)")
    return text
