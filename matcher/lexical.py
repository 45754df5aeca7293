"""Lexical scoring (BM25 by default, TF-IDF as the plain baseline) over profile texts.

The dense model misses rare exact terms (a product name, an acronym); the lexical signal
catches them. Both scorers return a score for every profile of the kind, so filtered
scoring never depends on a cut-off.

BM25 is kept incrementally: a posting list per word (profile key, term frequency,
document length) changes only for the words of the profile written, and the corpus
statistics (document frequencies, average length) are applied at query time. Scores
equal bm25s's "lucene" BM25 (k1 1.5, b 0.75) over the same tokens, which is what this
module computed before it was incremental. TF-IDF is a baseline and is refitted on write.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Literal, Protocol

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.stopwords import REGION_STOP_WORDS

LexicalMethod = Literal["bm25", "tfidf"]
STOP_WORDS = sorted(set(STOPWORDS_EN) | set(REGION_STOP_WORDS))
K1, B = 1.5, 0.75
RowsOf = Callable[[NDArray[np.int64]], NDArray[np.int64]]
Scores = NDArray[np.float32]


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """bm25s's tokens: lower case, words of two or more characters, stop words left out."""
    tokens: list[list[str]] = bm25s.tokenize(
        list(texts), stopwords=STOP_WORDS, return_ids=False, show_progress=False
    )
    return tokens


class LexicalIndex(Protocol):
    """Lexical scores over one kind's profiles, kept in step with every write."""

    def add(self, keys: Sequence[int], texts: Sequence[str]) -> None: ...

    def remove(self, key: int, text: str) -> None: ...

    def scores(self, query: str, rows_of: RowsOf, count: int) -> Scores:
        """One score per row of the kind (`rows_of` maps keys to rows; `count` rows)."""
        ...


class Bm25Index:
    """BM25 with posting lists that change per document."""

    def __init__(self) -> None:
        self._words: dict[str, int] = {}
        self._frequency: list[int] = []  # documents holding each word
        self._postings: list[array[int]] = []  # flat (key, tf, length) triples per word
        self._documents = 0
        self._total_length = 0

    def __len__(self) -> int:
        return self._documents

    def add(self, keys: Sequence[int], texts: Sequence[str]) -> None:
        for key, tokens in zip(keys, tokenize(texts), strict=True):
            for word, tf in Counter(tokens).items():
                if word not in self._words:
                    self._words[word] = len(self._words)
                    self._frequency.append(0)
                    self._postings.append(array("q"))
                number = self._words[word]
                self._frequency[number] += 1
                self._postings[number].extend((key, tf, len(tokens)))
            self._documents += 1
            self._total_length += len(tokens)

    def remove(self, key: int, text: str) -> None:
        """Forget a document; `text` must be the one it was added with."""
        tokens = tokenize([text])[0]
        for word in set(tokens):
            number = self._words[word]
            postings = self._postings[number]
            triples = np.frombuffer(postings, dtype=np.int64).reshape(-1, 3)
            place = int(np.flatnonzero(triples[:, 0] == key)[0]) * 3
            del triples
            postings[place : place + 3] = postings[-3:]
            del postings[-3:]
            self._frequency[number] -= 1
        self._documents -= 1
        self._total_length -= len(tokens)

    def scores(self, query: str, rows_of: RowsOf, count: int) -> Scores:
        total = np.zeros(count, dtype=np.float64)
        if not self._documents:
            return total.astype(np.float32)
        average = self._total_length / self._documents
        asked = Counter(t for t in tokenize([query])[0] if t in self._words)
        for word, times in asked.items():
            number = self._words[word]
            frequency = self._frequency[number]
            if not frequency:
                continue
            idf = np.float32(math.log(1 + (self._documents - frequency + 0.5) / (frequency + 0.5)))
            triples = np.frombuffer(self._postings[number], dtype=np.int64).reshape(-1, 3)
            tf = triples[:, 1].astype(np.float64)
            norm = K1 * ((1 - B) + B * triples[:, 2] / average)
            total[rows_of(triples[:, 0])] += times * np.float32(idf * tf / (norm + tf))
        return total.astype(np.float32)


class TfidfIndex:
    """Sublinear TF-IDF, refitted on every write: the plain baseline, not for large kinds."""

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._fit()

    def add(self, keys: Sequence[int], texts: Sequence[str]) -> None:
        self._texts.update(zip(keys, texts, strict=True))
        self._fit()

    def remove(self, key: int, text: str) -> None:
        del self._texts[key]
        self._fit()

    def _fit(self) -> None:
        self._keys = np.array(list(self._texts), dtype=np.int64)
        self._vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
        try:
            self._matrix = self._vectorizer.fit_transform(list(self._texts.values()))
        except ValueError:  # empty vocabulary
            self._matrix = None

    def scores(self, query: str, rows_of: RowsOf, count: int) -> Scores:
        total = np.zeros(count, dtype=np.float32)
        if self._matrix is not None:
            vector = self._vectorizer.transform([query])
            total[rows_of(self._keys)] = (self._matrix @ vector.T).toarray().ravel()
        return total


def lexical_index(method: LexicalMethod) -> LexicalIndex:
    return Bm25Index() if method == "bm25" else TfidfIndex()
