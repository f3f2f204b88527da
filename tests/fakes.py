"""A deterministic fake embedder for fast unit tests of logic that does not depend on meaning.

Vectors are bags of hashed words, so texts sharing words are similar: enough to exercise
indexing, incremental builds, filters and fusion without loading the real model.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import numpy as np


class HashEmbedder:
    name = "hash-embedder"
    dim = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype="float32")
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
                out[row, h % self.dim] += 1.0
            out[row, 0] += 0.01
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))


def fake_index(root: Path, corpus: Path) -> Path:
    """``root/index`` built from ``corpus`` with the fake embedder (fast, deterministic)."""
    from indexer.build import build_index
    from indexer.config import Settings

    index = root / "index"
    build_index([corpus], Settings.from_env(index_dir=index), embedder=HashEmbedder())
    return index


def fake_answers(root: Path, files: dict[str, str], *questions: str,
                 abstain_threshold: float = 0.0) -> list[Any]:
    """The answers to ``questions`` from ``files`` (name -> text, sidecars included) indexed
    under ``root`` with the fake embedder, whose similarities are not the real model's: no
    abstention on weak wording here, unless ``abstain_threshold`` is raised (to test what
    lifts a weak match over it)."""
    from dataclasses import replace

    from indexer.config import Settings
    from retriever import Assistant

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index = fake_index(root, corpus)
    settings = replace(Settings.from_env(index_dir=index), abstain_threshold=abstain_threshold)
    with Assistant.open(index, settings=settings, embedder=HashEmbedder()) as assistant:
        return [assistant.ask(q) for q in questions]


def why_not(question: str, *texts: str) -> str:
    """Why the sentences ``texts`` (best first) cannot answer the question, their kind fits
    scored as the answer layer scores them; "" when they may."""
    from retriever.asks import answer_kind
    from retriever.fit import kind_fit
    from retriever.lacking import lacks_asked
    from retriever.vocabulary import Words, word_set

    kind, asked = answer_kind(question), Words(word_set(question))
    return lacks_asked(question, list(texts), [kind_fit(kind, t, asked=asked) for t in texts])
