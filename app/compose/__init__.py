"""Composers: ranked passages -> a draft answer for the attribution guard.

One interface (:class:`Composer`), one module per backend: ``extractive``
(the embedded default, built from stored claims) and ``llm`` (any LangChain
chat model). ``evidence`` cuts retrieved chunks into citable passages and
ranks them; ``base`` holds the draft types and the refusal decision.
"""

from app.compose.answerability import answerability
from app.compose.base import REFUSE_BELOW, Composer, ComposeRequest, Draft, DraftSentence, should_refuse
from app.compose.evidence import Passage, build_passages, rank_passages
from app.compose.extractive import ExtractiveComposer
from app.compose.llm import LLMComposer

__all__ = [
    "REFUSE_BELOW",
    "ComposeRequest",
    "Composer",
    "Draft",
    "DraftSentence",
    "ExtractiveComposer",
    "LLMComposer",
    "Passage",
    "answerability",
    "build_passages",
    "rank_passages",
    "should_refuse",
]
