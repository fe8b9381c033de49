"""Chinese text analysis: normalize, segment with our own jieba tokenizer, drop stop words,
expand synonyms.

Normalization before segmenting: traditional → simplified (OpenCC; 粤港澳 users write 繁體),
full-width → half-width (NFKC), lower case. The tokenizer is a private ``jieba.Tokenizer``
(never the global one) loaded with the domain dictionary from ``data/dictionaries``; its
prefix-dictionary cache lives in the instance folder.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba
import opencc

from data.reference.dictionary import dictionary_hash, domain_words, stopwords, synonym_groups
from data.settings import instance_dir

jieba.setLogLevel(logging.WARNING)

# A token worth indexing: has a CJK character, or is an alphanumeric term of 2+ characters.
_USEFUL = re.compile(r"[\u4e00-\u9fff]|^[a-z0-9][a-z0-9+#.\-]+$")
_DOMAIN_FREQ = 20000  # high enough that jieba keeps a dictionary term whole
# A run of Latin letters and digits is one word (PLC, HPLC, machine, c++, node.js): it never
# goes through jieba, whose dictionary would find 「ai」 inside 「brain」 and 「ar」 inside
# 「learning」.
_LATIN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[.\-_][a-z0-9+#]+)*")
# Part of what the index depends on besides the dictionary files: bump when tokens change.
ANALYZER_VERSION = "2"
# How much a query's tokens count in BM25 (see :meth:`Analyzer.query_weights`): a word the
# user typed counts fully; a dictionary word found inside it (人工 in 人工智能) and a synonym
# (ai for 人工智能) are weaker evidence. Chosen with chanjiao eval on every dev set.
PART_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.5


class Analyzer:
    """Turns text into index tokens; safe to share between threads after :meth:`warm`."""

    def __init__(self) -> None:
        self._tokenizer = jieba.Tokenizer()
        cache_dir = instance_dir() / "cache"
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._tokenizer.tmp_dir = str(cache_dir)
        self._tokenizer.cache_file = "jieba.cache"
        self._converter = opencc.OpenCC("t2s")
        self._stop = stopwords()
        self._synonyms: dict[str, tuple[str, ...]] = {}
        for group in synonym_groups():
            for term in group:
                self._synonyms[term] = group
        self._ready = False
        self._lock = threading.Lock()
        self.dictionary_hash = f"{dictionary_hash()}-a{ANALYZER_VERSION}"

    def warm(self) -> "Analyzer":
        """Load jieba's dictionary and ours now (a worker calls this when it starts)."""
        with self._lock:
            if not self._ready:
                self._tokenizer.initialize()
                for word in domain_words():
                    self._tokenizer.add_word(self.normalize(word), _DOMAIN_FREQ)
                for group in synonym_groups():
                    for term in group:
                        self._tokenizer.add_word(term, _DOMAIN_FREQ)
                self._ready = True
        return self

    def normalize(self, text: str) -> str:
        return self.fold(text).lower()

    def fold(self, text: str) -> str:
        """Full-width to half-width and 繁体 to 简体, case kept: what a typed query is embedded
        as, so that 「機器視覺」 means what 「机器视觉」 means to the model too."""
        return self._converter.convert(unicodedata.normalize("NFKC", text))

    def tokens(self, text: str) -> list[str]:
        """Index tokens of ``text`` in order: whole words and the dictionary words inside them."""
        return [token for token, _ in self._useful(text)]

    def _useful(self, text: str) -> list[tuple[str, bool]]:
        """(token, whether it is a dictionary word inside a longer word) in order."""
        if not self._ready:
            self.warm()
        result = []
        for token, part in self._words(self.normalize(text)):
            token = token.strip()
            if token and token not in self._stop and _USEFUL.search(token):
                result.append((token, part))
        return result

    def _words(self, text: str) -> list[tuple[str, bool]]:
        """Like jieba's search mode, but every dictionary word inside a long word counts,
        not only 2- and 3-character ones (康复医疗 inside 康复医疗产业学院)."""
        words: list[tuple[str, bool]] = []
        start = 0
        for latin in _LATIN.finditer(text):
            words += self._chinese(text[start : latin.start()])
            words.append((latin.group(), False))
            start = latin.end()
        return words + self._chinese(text[start:])

    def _chinese(self, text: str) -> list[tuple[str, bool]]:
        if not text.strip():
            return []
        freq = self._tokenizer.FREQ
        words = []
        for word in self._tokenizer.cut(text):
            if len(word) > 2 and not word.isascii():
                for size in range(2, len(word)):
                    for start in range(len(word) - size + 1):
                        part = word[start : start + size]
                        if freq.get(part):
                            words.append((part, True))
            words.append((word, False))
        return words

    def query_weights(self, text: str) -> dict[str, float]:
        """Every query token with how much it counts in BM25, in order: the words of the text
        1, a dictionary word found only inside a longer one ``PART_WEIGHT``, a synonym not in
        the text ``SYNONYM_WEIGHT`` times its source's weight."""
        weights: dict[str, float] = {}
        for token, part in self._useful(text):
            weights[token] = max(weights.get(token, 0.0), PART_WEIGHT if part else 1.0)
        typed = dict(weights)
        for token, weight in typed.items():
            for synonym in self._synonyms.get(token, ()):
                if synonym not in typed:
                    weights[synonym] = max(weights.get(synonym, 0.0), SYNONYM_WEIGHT * weight)
        return weights

    def expand(self, tokens: Iterable[str]) -> list[str]:
        """Query tokens plus their synonyms (AI → 人工智能), each once, in order."""
        expanded: dict[str, None] = {}
        for token in tokens:
            expanded.setdefault(token, None)
            for synonym in self._synonyms.get(token, ()):
                expanded.setdefault(synonym, None)
        return list(expanded)

    def query_tokens(self, text: str) -> list[str]:
        return self.expand(self.tokens(text))


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    """The process-wide analyzer (lazy: nothing loads at import time)."""
    return Analyzer()
