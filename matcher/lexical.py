"""Lexical scoring (BM25 by default, TF-IDF as the plain baseline) over profile texts.

The dense model misses rare exact terms (a product name, an acronym); the lexical signal
catches them. Both scorers return a score for every indexed profile, so filtered scoring
never depends on a cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.stopwords import REGION_STOP_WORDS

LexicalMethod = Literal["bm25", "tfidf"]
STOP_WORDS = sorted(set(STOPWORDS_EN) | set(REGION_STOP_WORDS))


class LexicalScorer:
    """Scores a query against a fixed list of texts; rebuilt when the texts change."""

    def __init__(self, texts: Sequence[str], method: LexicalMethod = "bm25") -> None:
        self.method = method
        self.count = len(texts)
        self._empty = True  # no indexable word at all: every score is 0
        if method == "bm25":
            self._bm25 = bm25s.BM25(k1=1.5, b=0.75)
            tokens = bm25s.tokenize(list(texts), stopwords=STOP_WORDS, show_progress=False)
            if any(len(doc) for doc in tokens.ids):
                self._bm25.index(tokens, show_progress=False)
                self._empty = False
        else:
            self._tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english")
            try:
                self._matrix = self._tfidf.fit_transform(list(texts))
                self._empty = False
            except ValueError:  # empty vocabulary
                pass

    def scores(self, query: str) -> NDArray[np.float32]:
        """One score per indexed text (0 where nothing is shared)."""
        if self._empty:
            return np.zeros(self.count, dtype=np.float32)
        if self.method == "bm25":
            tokens = bm25s.tokenize(
                [query], stopwords=STOP_WORDS, return_ids=False, show_progress=False
            )
            known = [t for t in tokens[0] if t in self._bm25.vocab_dict]
            if not known:
                return np.zeros(self.count, dtype=np.float32)
            return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        vector = self._tfidf.transform([query])
        return np.asarray((self._matrix @ vector.T).toarray().ravel(), dtype=np.float32)
