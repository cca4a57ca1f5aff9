"""How an answer refers to a source: the citation markers of newsqa and of other tools, and URLs.

``MARKER`` is newsqa's own ``[n]`` (``[1][2]``, ``[1, 2]``, ``[1-3]``); the others are what the ``generic``
notation reads besides: links ``[text](url)``, bare URLs, footnote references ``[^a]``, superscripts
(``¹²``, ``<sup>1</sup>``, ``^1^``), symbol footnotes (``†``), lenticular brackets ``【1】``, and numbers
in brackets or parentheses, bare or prefixed (``[Source 1]``, ``(doc 2)``, ``(3)``). In each pattern the
first group that matches holds the number(s) or the label.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "BRACKET_NUMBERS",
    "FOOTNOTE_REF",
    "LENTICULAR",
    "LINK",
    "MARKER",
    "NUMBERS",
    "PAREN_NUMBERS",
    "PAREN_PREFIXED",
    "PREFIX",
    "SUPERSCRIPT",
    "SUPERSCRIPT_DIGITS",
    "SYMBOL_REF",
    "URL",
    "normalise_url",
    "superscript_label",
]

_FLAGS = re.IGNORECASE

URL = re.compile(r"<?(https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"”’])>?")
LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\(\s*<?([^()\s<>]+)>?\s*\)")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]{1,20})\]")
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT = re.compile(
    rf"[{SUPERSCRIPT_DIGITS}]+(?:[,˒⋅\u00b7][{SUPERSCRIPT_DIGITS}]+)*|<sup>\s*([^<]{{1,20}})\s*</sup>|\^(\d{{1,3}})\^"
)
SYMBOL_REF = re.compile(r"(?<=[\w.,;:!?\"”’)\]])([†‡§¶]+)")
LENTICULAR = re.compile(r"【\s*([^】]{1,40})】")
NUMBERS = r"\d{1,3}(?:\s*(?:[,;]|[-–]|and)\s*\d{1,3})*"
PREFIX = r"(?:(?:source|src|doc(?:ument)?|ref(?:erence)?|passage|citation|context)s?\.?\s*:?\s*#?\s*)"
BRACKET_NUMBERS = re.compile(rf"\[\s*{PREFIX}?({NUMBERS})\s*\]", _FLAGS)
PAREN_PREFIXED = re.compile(rf"\(\s*{PREFIX}({NUMBERS})\s*\)", _FLAGS)
# "(1)" only where a citation sits: after a word and before punctuation, another marker or the end.
PAREN_NUMBERS = re.compile(rf"(?<=[\w.,;:!?\"”’)\]])\s*\(\s*({NUMBERS})\s*\)(?=\s*(?:[.,;:!?\[(【]|$))")
MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\s*\]")


def superscript_label(text: str) -> str:
    return text.translate(str.maketrans(SUPERSCRIPT_DIGITS, "0123456789"))


def normalise_url(url: str) -> str:
    """Compare URLs without scheme, ``www.``, trailing slash, fragment or ``utm_*`` parameters."""
    parts = urlsplit(url.strip().strip("<>"))
    host = (parts.netloc or "").lower().removeprefix("www.")
    query = "&".join(q for q in parts.query.split("&") if q and not q.lower().startswith("utm_"))
    return host + parts.path.rstrip("/") + (("?" + query) if query else "")
