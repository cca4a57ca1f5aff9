"""The transformer span tagger (MiniLM + LoRA delta + BIO head): its file, what training and ingest share, and
the engine with it (``NEWSQA_ATTRIBUTION=transformer``).

Sentences are invented for these tests.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from indexing.claims import analyze_doc, refinement
from indexing.claims import engine as eng
from indexing.claims import lm_tagger as lm
from indexing.claims import tagger as tg
from indexing.errors import ConfigurationError
from indexing.settings import IndexSettings
from indexing.text.nlp import load_nlp

TEXT = (
    "The council met on Monday.\n\nThe mayor said on Tuesday that the bridge could reopen in May. "
    '"We are not giving up," Ana Ruiz, who leads the residents\' group, told reporters. The river rose by a metre.'
)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def shipped(cache):
    return lm.TransformerTagger(lm.DELTA_FILE, cache_dir=cache)


def _from_env():
    """The attribution settings an entry point builds from the NEWSQA_* variables."""
    return IndexSettings().attribution_settings


@pytest.fixture()
def transformer_mode(monkeypatch, cache):
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "transformer")
    monkeypatch.setenv("NEWSQA_MODEL_CACHE", str(cache))
    tg.load_tagger.cache_clear()
    tg.load_lm_tagger.cache_clear()
    yield
    monkeypatch.delenv("NEWSQA_ATTRIBUTION")
    tg.load_tagger.cache_clear()
    tg.load_lm_tagger.cache_clear()


# --- the weight file ---------------------------------------------------------------------------------------
def test_the_shipped_delta_is_small_and_holds_no_text():
    assert lm.DELTA_FILE.exists()
    assert lm.DELTA_FILE.stat().st_size < 2_000_000
    with np.load(lm.DELTA_FILE, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        assert all(data[k].dtype != np.dtype("U") or k == "meta" for k in data.files)
    assert meta["format"] == lm.FORMAT and meta["labels"] == list(tg.LABELS)
    assert meta["dev_role_token_f1"] > 0.8  # chosen on PolNeAR dev, recorded


def test_a_missing_weight_file_is_a_clear_error_naming_it(tmp_path):
    with pytest.raises(ConfigurationError, match=r"absent\.npz.*missing"):
        lm.TransformerTagger(tmp_path / "absent.npz", cache_dir=tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "cut short", "not a tagger"])
def test_a_corrupt_or_foreign_weight_file_is_a_clear_error_naming_it(tmp_path, damage):
    broken = tmp_path / "broken.npz"
    if damage == "garbage":
        broken.write_bytes(b"not a delta at all")
    elif damage == "cut short":
        data = lm.DELTA_FILE.read_bytes()
        broken.write_bytes(data[: len(data) // 2])
    else:  # a valid delta file of another model: the answer reader's
        from app.read.reader import DEFAULT_DELTA

        broken.write_bytes(DEFAULT_DELTA.read_bytes())
    with pytest.raises(ConfigurationError, match="broken.npz"):
        lm.TransformerTagger(broken, cache_dir=tmp_path / "cache")


def test_the_engine_names_a_missing_weight_file_set_by_the_environment(nlp, transformer_mode, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSQA_TAGGER_LORA", str(tmp_path / "gone.npz"))
    tg.load_lm_tagger.cache_clear()
    with pytest.raises(ConfigurationError, match="gone.npz"):
        analyze_doc(nlp(TEXT), _from_env())
    monkeypatch.delenv("NEWSQA_TAGGER_LORA")
    tg.load_lm_tagger.cache_clear()


def test_an_unknown_attribution_mode_is_refused(monkeypatch):
    monkeypatch.setenv("NEWSQA_ATTRIBUTION", "bert")
    with pytest.raises(ConfigurationError, match="'transformer', 'tagger' or 'rules'"):
        tg.attribution_mode(_from_env())


# --- what training and ingest share ------------------------------------------------------------------------
def test_windows_cover_each_word_once_and_keep_only_the_sentences_asked_for(nlp):
    doc = nlp(TEXT)
    rule = eng.rule_roles(doc)
    words = [i for i, t in enumerate(doc) if not t.is_space]
    wins = lm.windows_of(doc, rule)
    assert [int(i) for w in wins for i in w.index] == words
    for w in wins:
        assert w.words == [doc[int(i)].text for i in w.index] and (w.rule == rule[w.index]).all()
    sents = list(doc.sents)
    keep = np.array([k == 1 for k in range(len(sents))])  # the mayor's sentence only
    [only] = lm.windows_of(doc, rule, keep=keep)
    assert only.index[0] >= sents[1].start and only.index[-1] < sents[1].end


def test_every_word_points_at_its_own_first_word_piece(nlp):
    tok = lm.load_tokenizer(__import__("indexing.embedding.embedder", fromlist=["x"]).default_model_path())
    words = ["Ms", "Okonkwo-Baptiste", "said", "unbelievably", ",", "\u201cno\u201d", "."]
    ids, first = lm.encode_words(tok, words)
    assert (first >= 1).all() and (np.diff(first) > 0).all()  # after [CLS], in order
    for word, k in zip(words, first, strict=True):
        piece = tok.id_to_token(int(ids[k]))
        assert word.lower().startswith(piece.lower()) or piece == "[UNK]"
    long = ["word"] * (lm.MAX_PIECES + 20)
    _ids, cut = lm.encode_words(tok, long)
    assert (cut[-10:] == -1).all()  # past the encoder's limit: no vector, left to the span tagger


def test_the_head_input_is_the_same_in_training_and_at_ingest():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    hidden = rng.normal(size=(9, 384)).astype(np.float32)
    first = np.array([1, 2, -1, 4, 7])
    rule = np.array([0, 3, 4, 5, 6])
    at_ingest = lm.head_input(hidden, first, rule)
    in_training = lm.head_input(torch.from_numpy(hidden), first, rule, xp=torch).numpy()
    np.testing.assert_array_equal(at_ingest, in_training)
    assert at_ingest.shape == (4, 384 + len(tg.LABELS))


def test_the_recipe_reads_through_the_shared_code(nlp, tmp_path):
    """``training/train_transformer_tagger`` builds its training items from the same windows, word pieces and
    rules' roles as ingest (an invented article and brat file)."""
    pytest.importorskip("torch")
    from indexing.embedding.embedder import default_model_path
    from training.tagger_data import gold_labels
    from training.train_transformer_tagger import _read

    root = tmp_path / "split"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "art_a.txt").write_text(TEXT, encoding="utf-8")
    a = TEXT.index("The mayor")
    cue = TEXT.index("said")
    content = TEXT.index("the bridge")
    end = TEXT.index("May.") + 4
    (root / "attributions" / "art_a_annotator.ann").write_text(
        f"T1\tSource {a} {a + 9}\tThe mayor\nT2\tCue {cue} {cue + 4}\tsaid\nT3\tContent {content} {end}\tx\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n",
        encoding="utf-8",
    )
    tok = lm.load_tokenizer(default_model_path())
    items = _read(root, None, True, tok)
    doc = nlp(TEXT)
    wins = lm.windows_of(doc, eng.rule_roles(doc), gold_labels(doc, root / "attributions" / "art_a_annotator.ann"))
    assert len(items) == len(wins)
    for (ids, first, rule, gold), w in zip(items, wins, strict=True):
        want_ids, want_first = lm.encode_words(tok, w.words)
        assert (ids == want_ids).all() and (first == want_first).all()
        assert (rule == w.rule).all() and (gold == w.gold).all()
    said = [k for w in wins for k, word in enumerate(w.words) if word == "said"]
    assert tg.LABELS[wins[0].gold[said[0]]] == "B-Cue"


def test_the_rules_roles_the_taggers_read_at_ingest_are_rule_roles(nlp, monkeypatch):
    doc = nlp(TEXT)
    seen = []
    real = refinement.featurize

    def spy(doc_, quotes, rule, *args, **kwargs):
        seen.append(rule.copy())
        return real(doc_, quotes, rule, *args, **kwargs)

    monkeypatch.setattr(refinement, "featurize", spy)
    analyze_doc(doc)
    assert len(seen) == 1 and (seen[0] == eng.rule_roles(doc)).all()
    assert tg.LABELS[seen[0][[t.text for t in doc].index("said")]] == "B-Cue"


# --- the model and the engine with it ---------------------------------------------------------------------
def test_the_transformer_labels_a_plain_attribution(nlp, shipped):
    doc = nlp("The minister said on Tuesday that the talks could resume next week.")
    idx, logp = shipped.log_probs(doc, eng.rule_roles(doc))
    assert np.allclose(np.exp(logp).sum(axis=1), 1.0, atol=1e-4)
    labels = {doc[int(i)].text: tg.LABELS[int(k)] for i, k in zip(idx, tg.decode(logp), strict=True)}
    assert labels["said"] == "B-Cue"
    assert labels["minister"].endswith("Source")
    assert labels["talks"].endswith("Content")


def test_the_transformer_reads_only_sentences_where_a_cue_is_possible(nlp, transformer_mode, monkeypatch):
    calls = []
    real = lm.TransformerTagger.log_probs

    def spy(self, doc, rule, keep=None):
        calls.append(keep.copy())
        return real(self, doc, rule, keep)

    monkeypatch.setattr(lm.TransformerTagger, "log_probs", spy)
    doc = nlp(TEXT)
    claims = analyze_doc(doc, _from_env())
    [keep] = calls
    sents = [s.text.strip() for s in doc.sents]
    read = {s for s, k in zip(sents, keep.tolist(), strict=True) if k}
    assert any("mayor said" in s for s in read) and any("told reporters" in s for s in read)
    assert not any(s.startswith("The river rose") for s in read)  # no cue can be there: never read
    mayor = next(c for c in claims if c.attributed and c.source == "The mayor")
    assert mayor.source_type == "named" and mayor.cue == "said" and "could" in mayor.hedges
    ruiz = next(c for c in claims if c.attributed and "Ruiz" in (c.source or ""))
    assert ruiz.quote == "direct"


def test_transformer_mode_builds_its_model_once_per_cache(nlp, transformer_mode, cache):
    analyze_doc(nlp(TEXT), _from_env())
    built = sorted(p.name for p in cache.glob("newsqa-span-tagger-*.onnx"))
    assert len(built) == 2 and any(n.endswith("-int8.onnx") for n in built)  # the merged model and its int8 copy
    tg.load_lm_tagger.cache_clear()
    analyze_doc(nlp(TEXT), _from_env())
    assert sorted(p.name for p in cache.glob("newsqa-span-tagger-*.onnx")) == built
    assert not [p for p in cache.iterdir() if ".tmp" in p.name]
    assert os.environ["NEWSQA_ATTRIBUTION"] == "transformer"
