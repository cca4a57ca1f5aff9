"""Training recipes and their data builders: run by hand, never in CI, never shipped in the package.

- :mod:`training.questions`: the analyst questions over BBC News, split by article;
- :mod:`training.reader_pairs`: (question, passage) pairs for the answer reader;
- :mod:`training.train_reader`: trains the reader's LoRA delta (``app/read/data/reader_delta.npz``), with
  :mod:`training.reader_data` (pairs, batches), :mod:`training.reader_model` (adapters, the delta file) and
  :mod:`training.reader_listwise` (``--listwise``).
"""
