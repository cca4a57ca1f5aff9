"""Rendering an ``EvalReport``: a terminal/Markdown summary and one self-contained HTML page.

The HTML has no external assets (inline CSS, inline SVG bars, no script) and every piece
of text from answers, passages or datasets is HTML-escaped.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence

from eval.results import METRICS, CaseResult, EvalReport, Failure, Gate, MetricValue

__all__ = ["GROUPS", "headline", "render_html", "render_markdown", "render_text"]

GROUPS: dict[str, tuple[str, ...]] = {
    "Headline": ("crag_score", "refusal_accuracy"),
    "Citations": ("citation_validity", "citation_recall", "citation_precision", "claim_recall"),
    "Attribution": (
        "attribution_kept",
        "attribution_laundering",
        "misattribution",
        "named_as_anonymous",
        "anonymous_as_named",
    ),
    "Anonymous marks": ("anonymous_marked_recall", "anonymous_marked_precision"),
    "Hedges": ("hedge_kept", "hedge_marked", "hedge_stripping", "hedge_mark_precision"),
    "Quotes": ("quote_fidelity",),
    "Refusal": ("unanswerable_refused", "false_refusals"),
    "Retrieval": ("hits_at_1", "hits_at_5", "hits_at_10", "mrr_at_10"),
    "Overall": ("case_pass_rate", "error_rate"),
}
_MAX_FAILURES_MD = 200


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _lowest(name: str) -> float:
    spec = METRICS.get(name)
    return spec.lowest if spec else 0.0


def _crag_counts(report: EvalReport) -> dict[int, int]:
    counts = {1: 0, 0: 0, -1: 0}
    for case in report.cases:
        if case.crag is not None:
            counts[case.crag] += 1
    return counts


def headline(report: EvalReport) -> str:
    """'CRAG score +0.708 (87 right, 7 refused or missed, 12 wrong) · refusal accuracy 0.934'."""
    crag = report.metrics.get("crag_score")
    accuracy = report.metrics.get("refusal_accuracy")
    parts = []
    if crag is not None and crag.total:
        c = _crag_counts(report)
        parts.append(
            f"CRAG score {_fmt(crag.value, signed=True)} ({c[1]} right, {c[0]} refused or missed, {c[-1]} wrong)"
        )
    if accuracy is not None and accuracy.total:
        parts.append(f"refusal accuracy {_fmt(accuracy.value)}")
    return " · ".join(parts)


def _count(metric: MetricValue) -> str:
    hit = f"{metric.hit:.1f}" if metric.hit != int(metric.hit) else str(int(metric.hit))
    return f"{hit}/{int(metric.total)}" if metric.total else "0"


def _title(name: str) -> str:
    spec = METRICS.get(name)
    return spec.title if spec else name


def _summary_counts(report: EvalReport) -> dict[str, int]:
    counts = {"pass": 0, "fail": 0, "error": 0}
    for case in report.cases:
        counts[case.status] += 1
    return counts


def _by_tag(report: EvalReport) -> dict[str, tuple[int, int]]:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in report.cases:
        for tag in case.tags or ["(untagged)"]:
            tally[tag][0] += case.status == "pass"
            tally[tag][1] += 1
    return {tag: (p, n) for tag, (p, n) in sorted(tally.items())}


def _gate_mark(name: str, value: float | None, gates: dict[str, Gate]) -> str:
    gate = gates.get(name)
    if gate is None:
        return ""
    ok = value is not None and (value >= gate.value if gate.at_least else value <= gate.value)
    return f"{'ok' if ok else 'FAIL'} ({'>=' if gate.at_least else '<='} {gate.value:g})"


# --- text and Markdown ---------------------------------------------------------------------------


def render_text(report: EvalReport, gates: Sequence[Gate] = ()) -> str:
    """A compact terminal summary: counts and one line per measured metric."""
    counts = _summary_counts(report)
    gate_by = {g.metric: g for g in gates}
    lines = [
        (
            f"{report.dataset} — {report.system}: {len(report.cases)} cases, {counts['pass']} passed, "
            f"{counts['fail']} failed, {counts['error']} errors"
        ),
    ]
    if headline(report):
        lines.append(f"  {headline(report)}")
    if report.notation:
        lines.append(f"  Notation read: {report.notation}")
    for group, names in GROUPS.items():
        shown = [report.metrics[n] for n in names if n in report.metrics and report.metrics[n].total]
        if not shown:
            continue
        lines.append(f"  {group}")
        for metric in shown:
            arrow = "↑" if metric.higher_is_better else "↓"
            gate = _gate_mark(metric.name, metric.value, gate_by)
            value = _fmt(metric.value, signed=_lowest(metric.name) < 0)
            lines.append(f"    {_title(metric.name):<30} {value:>6} {arrow}  ({_count(metric)}) {gate}".rstrip())
    if report.support_agreement and report.support_agreement.agreement is not None:
        sa = report.support_agreement
        lines.append(f"  Support measure agrees with hand labels on {sa.agreement:.3f} of {sa.n} pairs")
    return "\n".join(lines)


def _md(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").strip()


def render_markdown(report: EvalReport, gates: Sequence[Gate] = ()) -> str:
    """A Markdown summary: metrics table, per-tag pass rates and every failure with its sentence."""
    counts = _summary_counts(report)
    gate_by = {g.metric: g for g in gates}
    out = [
        f"# newsqa eval: {report.dataset}",
        "",
        (
            f"System: **{_md(report.system)}** · {len(report.cases)} cases · {counts['pass']} passed · "
            f"{counts['fail']} failed · {counts['error']} errors · {report.created_at:%Y-%m-%d %H:%M}"
        ),
        "",
        f"Support measure: {_md(report.support_measure) or 'n/a'}.",
        "",
        f"Notation read: {_md(report.marks_notation) or 'n/a'}.",
    ]
    if headline(report):
        out[4:4] = [f"**{_md(headline(report))}**", ""]
    if report.support_agreement and report.support_agreement.agreement is not None:
        sa = report.support_agreement
        out.append(f"It agrees with {sa.n} hand-labelled pairs on {sa.agreement:.1%} of them.")
    out += ["", "| Metric | Value | Count | Better | Gate |", "| --- | ---: | ---: | :---: | --- |"]
    for names in GROUPS.values():
        for name in names:
            metric = report.metrics.get(name)
            if metric is None:
                continue
            out.append(
                f"| {_title(name)} | {_fmt(metric.value, signed=_lowest(name) < 0)} | {_count(metric)} | {'↑' if metric.higher_is_better else '↓'} "
                f"| {_gate_mark(name, metric.value, gate_by)} |"
            )
    out += ["", "## Pass rate by tag", "", "| Tag | Passed | Cases |", "| --- | ---: | ---: |"]
    out += [f"| {tag} | {p} | {n} |" for tag, (p, n) in _by_tag(report).items()]
    failing = [c for c in report.cases if c.status != "pass"]
    if failing:
        out += ["", "## Failures", ""]
        shown = 0
        for case in failing:
            out.append(f"### `{case.id}` — {_md(case.question)}")
            if case.error:
                out.append(f"- **error**: {_md(case.error)}")
            for failure in case.failures:
                if failure.severity != "fail":
                    continue
                shown += 1
                out.append(f"- **{failure.metric}**: {_md(failure.message)}")
                if failure.sentence:
                    out.append(f"  - sentence: {_md(failure.sentence)}")
                if failure.expected:
                    out.append(f"  - expected: {_md(failure.expected)}")
            out.append("")
            if shown >= _MAX_FAILURES_MD:
                out.append("_… more failures in the JSON/HTML report._")
                break
    if report.notes:
        out += ["", "## Notes", ""] + [f"- {_md(n)}" for n in report.notes]
    return "\n".join(out).rstrip() + "\n"


# --- HTML ----------------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:1.5em;margin:0 0 4px} h2{font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid #dde1e7;padding-bottom:4px}
.meta{color:#5b6475;font-size:.9em}
.cards{display:flex;gap:12px;margin:16px 0;flex-wrap:wrap}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:1.6em}
.groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.group{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:10px 14px}
.group h3{margin:0 0 6px;font-size:1em}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e6e9ee;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:.8em;font-weight:600}
.pass .badge{background:#d8f3df;color:#17622e}.fail .badge{background:#fde0e0;color:#9b1c1c}.error .badge{background:#fff0c2;color:#7a5500}
.tag{display:inline-block;background:#eef1f5;border-radius:4px;padding:0 5px;margin:1px;font-size:.8em}
details summary{cursor:pointer;color:#2456a6}
.failure{border-left:3px solid #d64545;background:#fff8f8;margin:8px 0;padding:6px 10px}
.failure .msg{font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin-top:6px}
.pair>div{background:#fff;border:1px solid #e6e9ee;border-radius:6px;padding:6px 8px;white-space:pre-wrap}
.pair .label{display:block;font-size:.75em;text-transform:uppercase;color:#5b6475;margin-bottom:2px}
.answer{white-space:pre-wrap;background:#fafbfc;border:1px solid #e6e9ee;border-radius:6px;padding:6px 8px}
#only-failing:checked ~ table tr.pass{display:none}
.note{color:#5b6475}
"""


def _e(text: object) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _bar(metric: MetricValue, gate: Gate | None, *, label: str | None = None) -> str:
    """One metric as an inline SVG bar (green when good, red when bad; a tick marks the gate).

    The drawing scales with its box (viewBox), so labels and values are never clipped.
    """
    label_w = 0 if label == "" else 210
    bar_x, bar_w = label_w, 150
    width = bar_x + bar_w + 110
    value = metric.value
    lowest = _lowest(metric.name)
    scaled = None if value is None else (value - lowest) / (1.0 - lowest)  # the bar spans [lowest, 1]
    good = None if scaled is None else (scaled if metric.higher_is_better else 1 - scaled)
    colour = "#b8bec9" if good is None else ("#2f9e57" if good >= 0.9 else "#d99a1e" if good >= 0.7 else "#d64545")
    filled = 0 if scaled is None else max(0.0, min(1.0, scaled)) * bar_w
    tick = ""
    if gate is not None:
        gx = bar_x + (gate.value - lowest) / (1.0 - lowest) * bar_w
        tick = f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="2" y2="20" stroke="#1d2330" stroke-width="2"><title>gate {_e(gate)}</title></line>'
    title = label if label is not None else _title(metric.name) + (" ↑" if metric.higher_is_better else " ↓")
    text = f'<text x="0" y="15">{_e(title)}</text>' if label_w else ""
    return (
        f'<svg viewBox="0 0 {width} 22" width="100%" style="max-width:{width}px" role="img" aria-label="{_e(title)} {_fmt(value, signed=lowest < 0)}">'
        f"<title>{_e(metric.description)}</title>{text}"
        f'<rect x="{bar_x}" y="5" width="{bar_w}" height="12" rx="3" fill="#eef1f5"/>'
        f'<rect x="{bar_x}" y="5" width="{filled:.1f}" height="12" rx="3" fill="{colour}"/>{tick}'
        f'<text x="{bar_x + bar_w + 6}" y="15">{_fmt(value, signed=lowest < 0)} <tspan fill="#5b6475">({_e(_count(metric))})</tspan></text></svg>'
    )


def _passages_for(case: CaseResult, failure: Failure) -> str:
    by_id = {c.id: c for c in case.citations}
    if not failure.citations:
        return '<span class="note">(the sentence cites nothing)</span>'
    parts = []
    for n in failure.citations:
        passage = by_id.get(n)
        if passage is None:
            parts.append(f'<b>[{n}]</b> <span class="note">no such citation</span>')
        else:
            where = f' <span class="note">{_e(passage.source_path or passage.title or "")}</span>'
            parts.append(f"<b>[{n}]</b>{where}\n{_e(passage.text)}")
    return "\n\n".join(parts)


def _failure_html(case: CaseResult, failure: Failure) -> str:
    expected = f'<div class="note">expected: {_e(failure.expected)}</div>' if failure.expected else ""
    pair = ""
    if failure.sentence:
        pair = (
            f'<div class="pair"><div><span class="label">answer sentence</span>{_e(failure.sentence)}</div>'
            f'<div><span class="label">cited passage</span>{_passages_for(case, failure)}</div></div>'
        )
    return f'<div class="failure"><span class="msg">{_e(_title(failure.metric))}</span>: {_e(failure.message)}{expected}{pair}</div>'


def _case_row(case: CaseResult) -> str:
    tags = "".join(f'<span class="tag">{_e(t)}</span>' for t in case.tags)
    failures = [f for f in case.failures if f.severity == "fail"]
    notes = [f for f in case.failures if f.severity == "note"]
    detail = ""
    if case.error:
        detail += f'<div class="failure"><span class="msg">error</span>: {_e(case.error)}</div>'
    detail += "".join(_failure_html(case, f) for f in failures)
    if notes:
        detail += (
            '<div class="note">'
            + "<br>".join(f"{_e(_title(n.metric))}: {_e(n.message)} {_e(n.expected or '')}" for n in notes)
            + "</div>"
        )
    answer = f'<div class="answer">{_e(case.answer)}</div>' if case.answer else ""
    opened = " open" if case.status != "pass" else ""
    latency = f"{case.latency_ms:.0f} ms" if case.latency_ms is not None else ""
    refused = "refused" if case.refused else ""
    crag = "" if case.crag is None else f"CRAG {case.crag:+d}"
    return (
        f'<tr class="{case.status}" id="case-{_e(case.id)}"><td><code>{_e(case.id)}</code><br>{tags}</td>'
        f'<td><span class="badge">{case.status}</span><br><span class="note">{refused} {latency} {crag}</span></td>'
        f"<td><b>{_e(case.question)}</b><details{opened}><summary>answer and findings ({len(failures)} failure(s))</summary>"
        f"{answer}{detail}</details></td></tr>"
    )


def render_html(report: EvalReport, gates: Sequence[Gate] = ()) -> str:
    """One self-contained HTML page: metric bars, pass rate by tag, and every case with its failures."""
    counts = _summary_counts(report)
    gate_by = {g.metric: g for g in gates}
    groups = []
    for group, names in GROUPS.items():
        bars = [_bar(report.metrics[n], gate_by.get(n)) for n in names if n in report.metrics]
        if bars:
            groups.append(
                f'<div class="group"><h3>{_e(group)}</h3>' + "".join(f"<div>{b}</div>" for b in bars) + "</div>"
            )
    tag_rows = "".join(
        f"<tr><td>{_e(tag)}</td><td>{p}/{n}</td><td style='width:60%'>{_bar(MetricValue(name='case_pass_rate', value=p / n if n else None, hit=p, total=n, description=f'cases tagged {tag} that pass'), None, label='')}</td></tr>"
        for tag, (p, n) in _by_tag(report).items()
    )
    support = _e(report.support_measure or "n/a")
    if report.support_agreement and report.support_agreement.agreement is not None:
        sa = report.support_agreement
        support += f" — agrees with {sa.n} hand-labelled pairs on {sa.agreement:.1%}"
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    crag_card = ""
    if "crag_score" in report.metrics and report.metrics["crag_score"].total:
        c = _crag_counts(report)
        crag_card = (
            f'<div class="card" title="{_e(METRICS["crag_score"].description)}"><b>{_fmt(report.metrics["crag_score"].value, signed=True)}</b>'
            f"CRAG score ({c[1]} right, {c[0]} refused or missed, {c[-1]} wrong)</div>"
        )
        if "refusal_accuracy" in report.metrics and report.metrics["refusal_accuracy"].total:
            crag_card += (
                f'<div class="card"><b>{_fmt(report.metrics["refusal_accuracy"].value)}</b>refusal accuracy</div>'
            )
    settings = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in report.settings.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>newsqa eval — {_e(report.dataset)}</title><style>{_CSS}</style></head>
<body><main>
<h1>newsqa eval — {_e(report.dataset)}</h1>
<div class="meta">system: <b>{_e(report.system)}</b> · {report.created_at:%Y-%m-%d %H:%M} · {report.duration_s:.1f} s</div>
<div class="meta">notation read: <b>{_e(report.notation or "n/a")}</b> — {_e(report.marks_notation)}</div>
<div class="cards">{crag_card}<div class="card"><b>{len(report.cases)}</b>cases</div><div class="card"><b>{counts["pass"]}</b>passed</div>
<div class="card"><b>{counts["fail"]}</b>failed</div><div class="card"><b>{counts["error"]}</b>errors</div></div>
<p class="meta">Support measure: {support}.</p>
<h2>Metrics</h2><div class="groups">{"".join(groups)}</div>
<h2>Pass rate by tag</h2><table><tr><th>tag</th><th>passed</th><th></th></tr>{tag_rows}</table>
<h2>Cases</h2>
<input type="checkbox" id="only-failing"><label for="only-failing"> show failing cases only</label>
<table><tr><th>case</th><th>status</th><th>question, answer and findings</th></tr>
{"".join(_case_row(c) for c in report.cases)}
</table>
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
{f"<h2>Settings</h2><table>{settings}</table>" if settings else ""}
</main></body></html>
"""
