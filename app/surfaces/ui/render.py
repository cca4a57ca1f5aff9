"""HTML for the chat UI, built from the typed models with every article-derived string escaped.

The UI shows text from articles anyone may have ingested, so nothing from an
article, an answer or an error reaches the page unescaped: every value goes
through :func:`esc` (``html.escape`` with quotes), links keep only http(s)
URLs, and the only markup is what this module writes. Gradio's ``gr.HTML``
sets ``innerHTML``, so an unescaped ``<img onerror=...>`` *would* run —
``tests/test_ui_browser.py`` checks that it does not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.compose.marks import LEGEND, MARK_PATTERN, Mark
from app.models import Answer, Citation
from indexing.models import Article, Claim

__all__ = [
    "Turn",
    "answer_markdown",
    "esc",
    "render_chat",
    "render_corpus",
    "render_examples",
    "render_legend",
    "render_notice",
    "render_passage",
]

_CITE = re.compile(r"\[(\d+)\]")
_HEDGED_HINT = LEGEND[Mark.HEDGED]
_ANON_HINT = LEGEND[Mark.ANONYMOUS]


def esc(value: object) -> str:
    """Text -> HTML text node / attribute value, quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links: a ``javascript:`` URL in an article must not become a link."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


@dataclass
class Turn:
    """One question and what became of it (streaming text, the answer, or an error)."""

    question: str
    answer: Answer | None = None
    partial: str = ""
    status: str = ""
    error: str | None = None
    history_text: str = field(default="", repr=False)

    @property
    def done(self) -> bool:
        return self.answer is not None or self.error is not None


# --- badges and marks --------------------------------------------------------------------------
def _badge(kind: str, label: str | None = None) -> str:
    hint = _HEDGED_HINT if kind == "hedged" else _ANON_HINT
    return f'<span class="nq-badge nq-badge-{kind}" title="{esc(hint)}">{esc(label or kind)}</span>'


def _strip_marks(escaped: str) -> str:
    """Turn the answer notation's marks (``[hedged]``, ``[anonymous source]``: :mod:`app.compose.marks`) into badges."""

    def repl(match: re.Match[str]) -> str:
        mark = Mark.HEDGED if match.group(1).lower().startswith("hedge") else Mark.ANONYMOUS
        return _badge("hedged" if mark is Mark.HEDGED else "anonymous", mark.value)

    # The marks are plain ASCII words in brackets, so matching them on escaped text equals matching raw text.
    return MARK_PATTERN.sub(repl, escaped)


def _claim_badges(claim: Claim) -> str:
    out = []
    if claim.source_type == "anonymous":
        out.append(_badge("anonymous", Mark.ANONYMOUS.value))
    if claim.hedges:
        out.append(_badge("hedged", "hedged: " + ", ".join(claim.hedges[:3])))
    return "".join(out)


def _speaker(claim: Claim, outlet: str | None = None) -> str:
    if claim.source_type == "unattributed" or not claim.display_source:
        label = f"{outlet} (own reporting)" if outlet else "the outlet (own reporting)"
        return f'<span class="nq-speaker nq-speaker-none" title="stated in the outlet\'s own voice">{esc(label)}</span>'
    shown = claim.display_source
    title = (
        f"as written: {claim.source}" if claim.speaker and claim.source and claim.speaker != claim.source else "speaker"
    )
    return f'<span class="nq-speaker nq-speaker-{esc(claim.source_type)}" title="{esc(title)}">{esc(shown)}</span>'


def _cite_button(turn: int, n: int, citation: Citation | None) -> str:
    tip = f"{citation.title} — {citation.outlet or 'unknown outlet'}" if citation else "citation"
    return f'<button class="nq-cite" data-cite="{turn}:{n}" title="{esc(tip)}">{n}</button>'


def _answer_text_html(turn: int, answer: Answer) -> str:
    by_id = {c.id: c for c in answer.citations}
    escaped = _strip_marks(esc(answer.answer))

    def cite(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return _cite_button(turn, n, by_id.get(n)) if n in by_id else match.group(0)

    paragraphs = [p for p in _CITE.sub(cite, escaped).split("\n\n") if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _claims_html(turn: int, answer: Answer) -> str:
    if not answer.claims:
        return ""
    by_id = {c.id: c for c in answer.citations}
    rows = []
    for claim in answer.claims:
        quote = (
            '<span class="nq-quote-kind" title="a direct quotation">“quote”</span>' if claim.quote == "direct" else ""
        )
        cites = "".join(_cite_button(turn, n, by_id.get(n)) for n in claim.citations if n in by_id)
        cue = f'<span class="nq-cue">{esc(claim.cue)}</span>' if claim.cue else ""
        outlet = next((by_id[n].outlet for n in claim.citations if n in by_id), None)
        rows.append(
            f'<li class="nq-claim nq-claim-{esc(claim.source_type)}">{_speaker(claim, outlet)}{cue}'
            f'{_claim_badges(claim)}{quote}<span class="nq-claim-text">{esc(_clip(claim.text, 180))}</span>'
            f'<span class="nq-claim-cites">{cites}</span></li>'
        )
    return f'<details class="nq-claims" open><summary>Who said what ({len(rows)})</summary><ul>{"".join(rows)}</ul></details>'


def _sources_html(turn: int, answer: Answer) -> str:
    """One card per cited article, in order of first citation, with the number of each passage cited from it.

    The card opens the article's first cited passage; each number opens its own passage.
    """
    if not answer.citations:
        return ""
    by_article: dict[str, list[Citation]] = {}
    for c in answer.citations:
        by_article.setdefault(c.article_id, []).append(c)
    items = []
    for cited in by_article.values():
        first = cited[0]
        meta = " · ".join(
            esc(x) for x in (first.outlet, first.published_at.isoformat() if first.published_at else None) if x
        )
        numbers = "".join(
            f'<button class="nq-cite" data-cite="{turn}:{c.id}" title="passage {c.id}">{c.id}</button>' for c in cited
        )
        label = "passage" if len(cited) == 1 else "passages"
        items.append(
            f'<li class="nq-source" data-cite="{turn}:{first.id}" title="{len(cited)} cited {label} of this article">'
            f'<span class="nq-source-nums">{numbers}</span>'
            f'<span class="nq-source-title">{esc(first.title or first.article_id)}</span>'
            f'<span class="nq-source-meta">{meta}</span></li>'
        )
    return f'<ol class="nq-sources">{"".join(items)}</ol>'


def _refusal_html(answer: Answer) -> str:
    closest = "".join(
        f"<li>{esc(a.title or a.article_id)} <span class='nq-source-meta'>"
        f"{esc(a.outlet or '')}{' · ' + esc(a.published_at.isoformat()) if a.published_at else ''}</span></li>"
        for a in answer.closest
    )
    nearest = f'<div class="nq-closest">Closest articles:<ul>{closest}</ul></div>' if closest else ""
    return f'<div class="nq-refusal"><strong>Not in the corpus.</strong> <p>{esc(answer.answer)}</p>{nearest}</div>'


def _turn_html(index: int, turn: Turn) -> str:
    question = f'<div class="nq-msg nq-user"><div class="nq-bubble">{esc(turn.question)}</div></div>'
    if turn.error is not None:
        body = f'<div class="nq-error" role="alert"><strong>Could not answer.</strong> {esc(turn.error)}</div>'
    elif turn.answer is None:
        status = f'<div class="nq-status">{esc(turn.status or "Thinking…")}</div>'
        partial = f'<p class="nq-partial">{esc(turn.partial)}<span class="nq-caret"></span></p>' if turn.partial else ""
        body = status + partial
    elif turn.answer.refused:
        body = _refusal_html(turn.answer)
    else:
        answer = turn.answer
        markdown = f'<textarea class="nq-md" hidden readonly>{esc(answer_markdown(answer))}</textarea>'
        actions = (
            f'<div class="nq-actions"><button class="nq-copy" data-copy="{index}" title="Copy the answer and its citations as Markdown">'
            f"Copy as Markdown</button></div>"
        )
        body = (
            f'<div class="nq-answer-text">{_answer_text_html(index, answer)}</div>'
            f"{_claims_html(index, answer)}{_sources_html(index, answer)}{actions}{markdown}"
        )
    return f'<div class="nq-turn" data-turn="{index}">{question}<div class="nq-msg nq-bot"><div class="nq-bubble">{body}</div></div></div>'


def render_chat(turns: Sequence[Turn]) -> str:
    """The conversation, or the empty state with how-to hints when there are no turns yet."""
    if not turns:
        hint = '<p class="nq-hint">Pick a suggestion below or type a question. Follow-ups use the conversation.</p>'
        return (
            '<div class="nq-chat nq-empty"><div class="nq-empty-inner">'
            '<div class="nq-empty-title">Ask the news. Keep who said it.</div>'
            '<p class="nq-hint">Every claim in an answer is cited and keeps its speaker; hedged and '
            "anonymous claims are marked. Click a citation to read the passage.</p>"
            f"{hint}</div></div>"
        )
    return '<div class="nq-chat">' + "".join(_turn_html(i, t) for i, t in enumerate(turns)) + "</div>"


def render_examples(examples: Sequence[str]) -> str:
    """Suggested questions drawn from the corpus, as buttons (``data-ask``)."""
    if not examples:
        return ""
    buttons = "".join(f'<button class="nq-example" data-ask="{esc(q)}">{esc(q)}</button>' for q in examples)
    return f'<div class="nq-examples"><span class="nq-examples-title">Try asking</span>{buttons}</div>'


def render_legend() -> str:
    return (
        '<div class="nq-legend">'
        f"<span>{_badge('hedged')} hedged claim</span>"
        f"<span>{_badge('anonymous', Mark.ANONYMOUS.value)} unnamed source</span>"
        '<span><span class="nq-speaker nq-speaker-named">Speaker</span> who said it</span>'
        '<span><button class="nq-cite" tabindex="-1">1</button> citation: click for the passage</span>'
        "</div>"
    )


def render_notice(kind: str, text: str) -> str:
    """A one-line notice (``kind``: ok, warn or error) with ``text`` escaped."""
    return f'<div class="nq-notice nq-notice-{kind}" role="status">{esc(text)}</div>'


def render_passage(
    citation: Citation | None, article: Article | None, answer: Answer | None = None, turn: int = 0
) -> str:
    """The citation panel: the passage in its context, the cited span highlighted, and the article's details."""
    if citation is None:
        return (
            '<div class="nq-passage nq-passage-empty"><div class="nq-passage-placeholder">'
            "Click a numbered citation in an answer to read its passage here, with the cited claim highlighted.</div></div>"
        )
    title = esc(citation.title or citation.article_id)
    url = safe_url(citation.url or (article.url if article else None))
    heading = f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title
    published = citation.published_at or (article.published_at if article else None)
    meta_parts = [
        esc(citation.outlet or (article.outlet if article else None) or "unknown outlet"),
        esc(published.isoformat()) if published else "undated",
    ]
    if article and article.author:
        meta_parts.append("by " + esc(article.author))
    context = _context_html(citation, article)
    claims = ""
    if answer is not None:
        cited = [c for c in answer.claims if citation.id in c.citations]
        if cited:
            rows = "".join(
                f"<li>{_speaker(c, citation.outlet)}{f'<span class=nq-cue>{esc(c.cue)}</span>' if c.cue else ''}{_claim_badges(c)}</li>"
                for c in cited
            )
            claims = f'<div class="nq-passage-claims"><div class="nq-label">Cited claim</div><ul>{rows}</ul></div>'
    others = ""
    if answer is not None and len(answer.citations) > 1:
        links = "".join(
            f'<button class="nq-cite{" nq-cite-active" if c.id == citation.id else ""}" data-cite="{turn}:{c.id}" '
            f'title="{esc(c.title)}">{c.id}</button>'
            for c in answer.citations
        )
        others = f'<div class="nq-passage-others"><span class="nq-label">All citations</span>{links}</div>'
    link = (
        f'<a class="nq-open" href="{esc(url)}" target="_blank" rel="noopener noreferrer">Open the article ↗</a>'
        if url
        else ""
    )
    return (
        f'<div class="nq-passage" data-citation="{citation.id}">'
        f'<div class="nq-passage-head"><span class="nq-num">{citation.id}</span><div class="nq-passage-title">{heading}</div></div>'
        f'<div class="nq-passage-meta">{" · ".join(meta_parts)}</div>'
        f'{claims}<blockquote class="nq-context">{context}</blockquote>{link}{others}</div>'
    )


def _context_html(citation: Citation, article: Article | None) -> str:
    """The chunk around the passage (or the passage alone), with the cited span in ``<mark>``."""
    body = article.body if article else None
    if body and 0 <= citation.start <= citation.end <= len(body):
        lo = citation.chunk_start if citation.chunk_start is not None else max(0, citation.start - 300)
        hi = citation.chunk_end if citation.chunk_end is not None else min(len(body), citation.end + 300)
        lo, hi = min(lo, citation.start), max(hi, citation.end)
        before, cited, after = (
            body[lo : citation.start],
            body[citation.start : citation.end],
            body[citation.end : hi],
        )
        lead = "… " if lo > 0 else ""
        tail = " …" if hi < len(body) else ""
        return f"{lead}{esc(before)}<mark>{esc(cited)}</mark>{esc(after)}{tail}".replace("\n\n", "<br><br>")
    return f"<mark>{esc(citation.text)}</mark>"


def render_corpus(stats: Mapping[str, Any] | None, error: str | None = None) -> str:
    """Counts per outlet and the date range, from ``NewsQA.stats()``."""
    if error:
        return f'<div class="nq-error" role="alert">{esc(error)}</div>'
    stats = stats or {}
    articles, chunks = stats.get("articles", 0), stats.get("chunks", 0)
    outlets = outlet_counts(stats)
    first, last = date_range(stats)
    rows = "".join(f"<tr><td>{esc(name)}</td><td class='nq-n'>{count}</td></tr>" for name, count in outlets.items())
    dates = f"{esc(first)} → {esc(last)}" if first or last else "—"
    return (
        '<div class="nq-corpus">'
        f'<div class="nq-stat"><span class="nq-stat-n">{esc(articles)}</span><span>articles</span></div>'
        f'<div class="nq-stat"><span class="nq-stat-n">{esc(chunks)}</span><span>passages</span></div>'
        f'<div class="nq-stat"><span class="nq-stat-n">{len(outlets)}</span><span>outlets</span></div>'
        f'<div class="nq-dates">Published {dates}</div>'
        f'<table class="nq-outlets"><thead><tr><th>Outlet</th><th class="nq-n">Articles</th></tr></thead><tbody>{rows}</tbody></table>'
        "</div>"
    )


def outlet_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Outlet -> article count, whichever shape the store reports (dict or list of pairs/objects)."""
    raw = stats.get("outlets") or stats.get("per_outlet") or stats.get("articles_per_outlet") or {}
    if isinstance(raw, Mapping):
        counts = {str(k): _count(v) for k, v in raw.items()}
    else:
        counts = {}
        for item in raw:
            if isinstance(item, Mapping):
                counts[str(item.get("outlet") or item.get("name"))] = _count(item.get("articles", item.get("count", 0)))
            else:
                counts[str(item[0])] = _count(item[1])
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _count(value: Any) -> int:
    if isinstance(value, Mapping):
        value = value.get("articles", value.get("count", 0))
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def date_range(stats: Mapping[str, Any]) -> tuple[str | None, str | None]:
    span = stats.get("date_range") or stats.get("dates")
    if isinstance(span, Mapping):
        first = span.get("first") or span.get("min") or span.get("since") or span.get("start")
        last = span.get("last") or span.get("max") or span.get("until") or span.get("end")
    elif isinstance(span, (list, tuple)) and len(span) == 2:
        first, last = span
    else:
        first = stats.get("first_published") or stats.get("earliest")
        last = stats.get("last_published") or stats.get("latest")
    return (str(first) if first else None, str(last) if last else None)


def answer_markdown(answer: Answer) -> str:
    """The answer with its numbered citations, as Markdown for pasting into notes or tickets."""
    lines = [answer.answer.strip(), ""]
    if answer.citations:
        lines.append("**Sources**")
        lines.append("")
        for c in answer.citations:
            date_text = c.published_at.isoformat() if c.published_at else "undated"
            title = c.title or c.article_id
            link = safe_url(c.url)
            head = f"[{title}]({link})" if link else title
            lines.append(f"{c.id}. {head} — {c.outlet or 'unknown outlet'}, {date_text}")
            lines.append(f"   > {_clip(' '.join(c.text.split()), 400)}")
    return "\n".join(lines).rstrip() + "\n"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
