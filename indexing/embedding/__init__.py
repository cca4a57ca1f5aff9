"""Embedding: the ``Embedder`` protocol and its backends (ONNX Runtime int8 / float, sentence-transformers), and merging a LoRA delta into the packaged MiniLM (``lora_onnx``)."""
