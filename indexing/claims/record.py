"""What the rule modules share: the ``Attribution`` record (a cue, its source and content, as token
spans) and the few word lists and helpers more than one of them reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cues import _inflect

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Attribution"]


@dataclass
class Attribution:
    """An attribution found in a Doc, as token/char pieces before it becomes a Claim."""

    cue: list[Token]
    source: list[Token] = field(default_factory=list)
    source_text: str | None = None  # when different from the source tokens (antecedent of "who")
    source_head: Token | None = None
    content: list[tuple[int, int]] = field(default_factory=list)
    learned: float = 0.0  # P(cue) of the trained detector when it proposed this cue (0: found by the rules)
    # The span tagger's pieces for the Claim's *_spans (annotation convention); None: the rules' own pieces.
    # What a reader sees (source, cue, text) stays the rules' reading when the rules found the attribution.
    tagged_source: list[tuple[int, int]] | None = None
    tagged_cue: list[tuple[int, int]] | None = None
    tagged_content: list[tuple[int, int]] | None = None
    # read from the text's layout (a sign-off dash, a transcript's "NAME:" line), not from a parse the tagger
    # could overrule: kept whether or not the tagger labels its cue
    layout: bool = False
    verbatim: bool = False  # the content is somebody's own words without quotation marks (a transcript turn)

    @property
    def cue_start(self) -> int:
        return self.cue[0].idx


_QUOTE_FORMS = _inflect("quote")


def _quoted_as_saying(verb: Token) -> Token | None:
    """ "X quoted an insider as saying ...": the insider (the object), not X, is the speaker."""
    if verb.lower_ not in _QUOTE_FORMS:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    as_saying = any(
        c.lower_ == "as" and any(k.tag_ == "VBG" for k in c.children) for c in verb.children if c.dep_ == "prep"
    )
    return obj if obj is not None and as_saying else None
