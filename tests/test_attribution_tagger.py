"""The trained span tagger: its decoding, its windows, its inputs, the shipped model, and the engine with it.

Sentences are invented for these tests. The tagger is the default; NEWSQA_ATTRIBUTION=rules turns it off.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from indexing.claims import analyze_doc
from indexing.claims import tagger as tg
from indexing.claims.quotes import QuoteIndex
from indexing.settings import AttributionSettings, IndexSettings
from indexing.text.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture()
def rules_only(monkeypatch):
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "rules")
    tg.load_tagger.cache_clear()
    yield
    monkeypatch.delenv("NEWSQA_ATTRIBUTION")
    tg.load_tagger.cache_clear()


def _from_env() -> AttributionSettings:
    """The attribution settings an entry point builds from the NEWSQA_* variables."""
    return IndexSettings().attribution_settings


def _valid(seq) -> bool:
    prev = 0
    for lab in seq:
        if lab and lab % 2 == 0 and prev not in (lab, lab - 1):
            return False
        prev = lab
    return True


def _brute(logp: np.ndarray) -> tuple[float, tuple[int, ...]]:
    best = (-np.inf, ())
    for seq in itertools.product(range(logp.shape[1]), repeat=logp.shape[0]):
        if _valid(seq):
            best = max(best, (float(sum(logp[t, s] for t, s in enumerate(seq))), seq))
    return best


def test_decode_finds_the_best_valid_bio_sequence():
    rng = np.random.default_rng(3)
    for _ in range(25):
        n = int(rng.integers(1, 5))
        logp = np.log(rng.dirichlet(np.ones(len(tg.LABELS)) * 0.3, size=n))
        score, _best_seq = _brute(logp)
        got = tg.decode(logp)
        assert _valid(got.tolist())
        assert float(sum(logp[t, s] for t, s in enumerate(got))) == pytest.approx(score)


def test_decode_in_a_batch_ignores_padding_and_other_rows():
    rng = np.random.default_rng(5)
    rows = [np.log(rng.dirichlet(np.ones(7) * 0.3, size=n)) for n in (4, 2, 3)]
    batch = np.zeros((3, 4, 7))
    for j, r in enumerate(rows):
        batch[j, : len(r)] = r
        batch[j, len(r) :] = np.log(np.eye(7)[4] + 1e-9)  # padding that would pull I-Cue everywhere
    out = tg.decode(batch, np.array([4, 2, 3]))
    for j, r in enumerate(rows):
        assert out[j, : len(r)].tolist() == tg.decode(r).tolist()


def test_stray_inside_labels_are_found():
    # I-Cue after O, I-Cue after I-Cue (fine), I-Content after O
    assert tg.stray_inside(np.array([0, 4, 4, 0, 6])).tolist() == [False, True, False, False, True]
    assert not tg.stray_inside(np.array([3, 4, 0, 5, 6, 1])).any()


def test_windows_cover_every_token_once_and_cut_at_sentences():
    starts = [0, 5, 300, 310, 900]
    spans = tg.windows(starts, 1000, size=256)
    covered = [i for a, b in spans for i in range(a, b)]
    assert covered == list(range(1000))
    assert all(b - a <= 256 for a, b in spans)
    assert spans[0] == (0, 5)  # a sentence that would overflow the window starts a new one
    # a window ends where a sentence starts, unless a sentence longer than a window had to be cut
    assert all(b in starts or b == 1000 or b - a == 256 for a, b in spans)
    assert (0, 9) == tg.windows([0, 3, 6], 9)[0]  # short sentences travel together ...
    assert tg.windows([0, 3, 6], 9, size=256) == [(0, 9)]  # ... and a short text is one window


def test_features_mark_quotations_paragraphs_and_the_rules_roles(nlp):
    doc = nlp('"We will win," Ana Ruiz said.\n\nThe mayor said the bridge may reopen.')
    claims = analyze_doc(doc)
    feats = tg.featurize(
        doc, QuoteIndex(doc.text), tg.role_tags(doc, claims), {"word": {}, "pos": {}, "tag": {}, "dep": {}}
    )
    col = {name: k for k, name in enumerate(tg.CATEGORICAL)}
    by_text = {t.text: i for i, t in enumerate(doc)}
    assert feats.cats[by_text["We"], col["quote"]] == 1  # inside a quotation
    assert feats.cats[0, col["quote"]] == 2  # the quotation mark itself
    assert feats.cats[by_text["Ruiz"], col["quote"]] == 0
    assert feats.cats[by_text["The"], col["boundary"]] == 2  # opens a paragraph
    assert feats.cats[by_text["bridge"], col["boundary"]] == 0
    cue = [i for i, t in enumerate(doc) if t.text == "said"]
    assert all(tg.LABELS[feats.cats[i, col["rule"]]].endswith("Cue") for i in cue)
    assert tg.LABELS[feats.cats[by_text["Ana"], col["rule"]]] == "B-Source"
    assert tg.LABELS[feats.cats[by_text["bridge"], col["rule"]]] == "I-Content"
    assert feats.cats[cue[0], col["lexicon"]] == 1  # a lexicon cue verb
    assert feats.cats[cue[0], col["cue_p"]] >= 5  # the cue detector is confident about "said" with a clause
    assert feats.cats[by_text["bridge"], col["cue_p"]] == 0  # a word it never scores
    assert feats.vectors.shape == (len(doc), 96) and np.abs(feats.vectors).sum() > 0  # the parser's own tok2vec


def test_the_shipped_tagger_is_small_and_holds_no_text():
    assert tg.MODEL_FILE.exists() and tg.VOCAB_FILE.exists()
    assert tg.MODEL_FILE.stat().st_size < 6_000_000
    meta = json.loads(tg.VOCAB_FILE.read_text(encoding="utf-8"))
    assert set(meta["tables"]) == {"word", "pos", "tag", "dep"}
    assert not any(len(w.split()) > 1 for w in meta["tables"]["word"])  # words, never sentences
    assert "o_bias" in meta and meta["bias_tuning"]  # chosen on held-out train, recorded


def test_model_output_does_not_depend_on_what_else_is_in_the_batch(nlp):
    tagger = tg.load_tagger()
    assert tagger is not None
    short = nlp("Critics said the plan would fail.")
    long = nlp("The council met on Monday. " * 6 + "A spokesman said the vote may be delayed.")
    fs = [tg.featurize(d, QuoteIndex(d.text), np.zeros(len(d), np.int64), tagger.vocab) for d in (short, long)]

    def run(items):
        width = max(len(f.cats) for f in items)
        cats = np.zeros((len(items), width, len(tg.CATEGORICAL)), np.int64)
        vecs = np.zeros((len(items), width, 96), np.float32)
        for j, f in enumerate(items):
            cats[j, : len(f.cats)], vecs[j, : len(f.cats)] = f.cats, f.vectors
        lengths = np.array([len(f.cats) for f in items], np.int64)
        return tagger.session.run(None, {"cats": cats, "vectors": vecs, "lengths": lengths})[0]

    alone = run([fs[0]])[0]
    together = run(fs)[0, : len(fs[0].cats)]
    np.testing.assert_allclose(alone, together, atol=1e-4)


def test_tagger_labels_a_plain_attribution(nlp):
    tagger = tg.load_tagger()
    doc = nlp("The minister said on Tuesday that the talks could resume next week.")
    rule = tg.role_tags(doc, analyze_doc(doc))
    raw = tagger.labels(tg.featurize(doc, QuoteIndex(doc.text), rule, tagger.vocab))
    assert not tg.stray_inside(raw).any()  # always valid BIO, whichever reading produced it
    labels = [tg.LABELS[k] for k in raw]
    words = [t.text for t in doc]
    assert labels[words.index("said")] == "B-Cue"
    assert labels[words.index("minister")].endswith("Source")
    assert labels[words.index("talks")].endswith("Content")


def test_rules_setting_turns_the_tagger_off_and_a_bad_setting_is_an_error(monkeypatch, rules_only):
    from indexing.errors import ConfigurationError

    assert tg.load_tagger(_from_env()) is None
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "neural-ish")
    tg.load_tagger.cache_clear()
    with pytest.raises(ConfigurationError, match="NEWSQA_ATTRIBUTION"):
        tg.load_tagger(_from_env())
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "tagger")
    monkeypatch.setenv("NEWSQA_TAGGER_DIR", "/nonexistent/tagger")
    tg.load_tagger.cache_clear()
    with pytest.raises(ConfigurationError, match="NEWSQA_TAGGER_DIR"):
        tg.load_tagger(_from_env())
    monkeypatch.delenv("NEWSQA_TAGGER_DIR")
    monkeypatch.setenv("NEWSQA_TAGGER_THREADS", "two")
    tg.load_tagger.cache_clear()
    with pytest.raises(ConfigurationError, match="NEWSQA_TAGGER_THREADS"):
        tg.load_tagger(_from_env())
    monkeypatch.delenv("NEWSQA_TAGGER_THREADS")
    tg.load_tagger.cache_clear()


def test_ingest_with_a_bad_attribution_setting_stops_with_one_message(tmp_path, monkeypatch, capsys):
    from app.surfaces.cli import main

    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "neural-ish")
    tg.load_tagger.cache_clear()
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text("# Title\n\nThe mayor said the bridge would reopen.\n", encoding="utf-8")
    try:
        code = main(["ingest", str(tmp_path / "a.md"), str(tmp_path / "b.md")])
    finally:
        monkeypatch.delenv("NEWSQA_ATTRIBUTION")
        tg.load_tagger.cache_clear()
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("NEWSQA_ATTRIBUTION must be") == 1  # once for the run, not once per article
    assert "Traceback" not in err and "failed:" not in err


def test_engine_with_tagger_keeps_every_claim_well_formed(nlp):
    text = (
        "Officials said the plant would close in May, though the union disputed the timeline. "
        '"We were never consulted," said Mara Jensen, the union\'s president. '
        "The closure, according to a company memo, is expected to cut 400 jobs. "
        "Analysts warned that suppliers could suffer."
    )
    doc = nlp(text)
    claims = analyze_doc(doc)
    attributed = [c for c in claims if c.attributed]
    assert len(attributed) >= 3
    for c in claims:
        for s in c.source_spans + c.cue_spans + c.content_spans:
            assert 0 <= s.start < s.end <= len(text)
        if c.attributed:
            assert c.cue and c.content_spans
            # what a reader sees and what the annotation spans mark are the same stretch of text
            assert any(s.start < c.end and c.start < s.end for s in c.content_spans)
    quoted = next(c for c in attributed if "consulted" in c.text)
    assert quoted.quote == "direct" and "Jensen" in (quoted.source or "") and quoted.source_type == "named"
    officials = next(c for c in attributed if "plant" in c.text)
    assert officials.source_type == "anonymous" and "would" in officials.hedges
    # every sentence is somewhere: attributed content or the journalist's voice
    starts = sorted(c.start for c in claims)
    assert starts == sorted(starts) and claims[0].start is not None


def test_engine_with_and_without_tagger_agree_on_clear_cases(nlp, monkeypatch):
    text = 'Vladimir Putin said Russia would respond. "It is a provocation," he added.'
    with_tagger = analyze_doc(nlp(text))
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "rules")
    tg.load_tagger.cache_clear()
    try:
        rules = analyze_doc(nlp(text), _from_env())
    finally:
        monkeypatch.delenv("NEWSQA_ATTRIBUTION")
        tg.load_tagger.cache_clear()
    key = [(c.display_source, c.source_type, c.quote, tuple(c.hedges)) for c in with_tagger if c.attributed]
    assert key == [(c.display_source, c.source_type, c.quote, tuple(c.hedges)) for c in rules if c.attributed]
    assert ("Vladimir Putin", "named", "direct", ()) in key


def test_loaded_taggers_are_cached_per_setting_value():
    default = tg.load_tagger(AttributionSettings())
    assert default is not None and tg.load_tagger(AttributionSettings()) is default
    assert tg.load_tagger(AttributionSettings(mode="rules")) is None  # no cache_clear between the two values
    assert tg.load_tagger(AttributionSettings()) is default


def _split(root):
    text = 'Ana Ruiz said the mill will close. "It is over," she added.'
    ann = (
        "T1\tSource 0 8\tAna Ruiz\nT2\tCue 9 13\tsaid\nT3\tContent 14 33\tthe mill will close\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
    )
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "art.txt").write_text(text, encoding="utf-8")
    (root / "attributions" / "art_a.ann").write_text(ann, encoding="utf-8")
    return root


def test_training_labels_follow_the_annotation(nlp, tmp_path):
    from training.tagger_data import gold_labels

    root = _split(tmp_path / "split")
    doc = nlp((root / "text" / "art.txt").read_text(encoding="utf-8"))
    labels = [tg.LABELS[k] for k in gold_labels(doc, root / "attributions" / "art_a.ann")]
    assert labels[:6] == ["B-Source", "I-Source", "B-Cue", "B-Content", "I-Content", "I-Content"]
    assert set(labels[9:]) == {"O"}  # the second sentence is not annotated here


def test_a_feature_cache_made_with_other_inputs_is_rebuilt(tmp_path, capsys, monkeypatch):
    import pickle

    from training.tagger_data import prepare_articles

    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "rules")  # prepare_articles sets it; restored after the test
    root = _split(tmp_path / "split")
    cache = tmp_path / "cache"
    vocab, items = prepare_articles(root, 1, cache)
    assert len(items) == 1 and items[0][0].cats.shape[1] == len(tg.CATEGORICAL)
    assert "mill" in vocab["word"]
    saved = pickle.loads((cache / "split.pkl").read_bytes())
    saved["stamp"]["inputs"] = saved["stamp"]["inputs"][:-1]  # as if written before an input was added
    saved["items"] = []
    (cache / "split.pkl").write_bytes(pickle.dumps(saved))
    _, again = prepare_articles(root, 1, cache)
    assert len(again) == 1 and "rebuilding" in capsys.readouterr().err
    _, reused = prepare_articles(root, 1, cache)  # and the rebuilt cache is used as it is
    assert len(reused) == 1
    tg.load_tagger.cache_clear()


def test_a_cue_run_never_ends_on_a_preposition_cut_from_its_object(nlp) -> None:
    from indexing.claims.refinement import _without_dangling_preposition

    doc = nlp("The minister said in an interview that taxes would rise.")
    said = next(t.i for t in doc if t.text == "said")
    # "said in" cuts the adjunct "in an interview": the cue is "said" (PolNeAR scores cues exactly)
    assert _without_dangling_preposition(doc, said, said + 2, set()) == (said, said + 1)
    doc = nlp("Retailers are warning of higher prices next year.")
    warning = next(t.i for t in doc if t.text == "warning")
    content = set(range(warning + 2, warning + 4))  # "higher prices"
    assert _without_dangling_preposition(doc, warning, warning + 2, content) == (warning, warning + 2)
