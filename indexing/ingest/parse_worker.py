"""A parse worker process for ingest: ``python -m indexing.ingest.parse_worker SPACY_MODEL TOKENIZER_JSON ATTRIBUTION``.

``ATTRIBUTION`` is the run's ``AttributionSettings`` as JSON (``to_json``): the
worker reads no setting from its environment.

Reads pickled jobs ``(articles, max_tokens, target_tokens)`` from stdin and
answers each with the pickled ``(items, failures)`` of ``ingest_batch.prepare_batch``
(parse, attributions, chunks) on stdout; frames are an 8-byte length and the
pickle. Anything the libraries print goes to stderr, never into the answers.

A plain subprocess rather than ``multiprocessing``: spawned multiprocessing
children re-run the caller's main script, which breaks any script that calls
``NewsQA().ingest`` without an ``if __name__ == "__main__"`` guard, and forking
a process that already runs ONNX Runtime and Chroma threads is unsafe.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import sys
from typing import IO, Any

__all__ = ["read_frame", "write_frame"]

_HEADER = struct.Struct("<Q")


def write_frame(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the other end closed the pipe")
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other end closed the pipe mid-frame")
    return pickle.loads(data)


def main(argv: list[str]) -> int:
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # library output goes to stderr
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    spacy_model, tokenizer_path, attribution_json = argv
    from tokenizers import Tokenizer

    from indexing.claims.tagger import load_tagger
    from indexing.ingest.batch import prepare_batch
    from indexing.settings import AttributionSettings
    from indexing.text.nlp import load_nlp

    attribution = AttributionSettings.from_json(json.loads(attribution_json))

    counter = Tokenizer.from_file(tokenizer_path)
    counter.no_truncation()
    counter.no_padding()
    nlp = load_nlp(spacy_model)
    load_tagger(attribution)

    def count(texts: Any) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in counter.encode_batch(list(texts), add_special_tokens=False)]

    jobs = sys.stdin.buffer
    write_frame(answers, "ready")
    while True:
        try:
            articles, max_tokens, target_tokens = read_frame(jobs)
        except EOFError:
            return 0
        write_frame(
            answers,
            prepare_batch(
                articles, nlp, count, max_tokens=max_tokens, target_tokens=target_tokens, attribution=attribution
            ),
        )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
