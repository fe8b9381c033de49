"""What every text goes through before it reaches a model's native code.

The bundled e5 engine sizes its buffers by the input's byte length, assuming its own Unicode
normalization never makes a text longer than that; one character such as U+FDFA (ﷺ, eighteen
letters under NFKC) breaks the assumption and corrupts the heap. Normalizing with NFKC first
makes the engine's own normalization a no-op (NFKC is idempotent; checked for every code point
of planes 0–3 and 14), and text is then cut to the model's token limit, counted by the
model's own tokenizer, so a long input is never split into windows nobody asked for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Control, format, surrogate, private-use and unassigned code points carry no meaning for a
# model and are where tokenizers are least tested.
_DROP = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SPACES = re.compile(r"\s+")
CHAR_LIMIT = 4096  # normalized characters kept before counting tokens (bounds the counting cost)


def clean_text(text: str) -> str:
    """NFKC-normalized ``text`` without control/format/unassigned characters, spaces collapsed."""
    text = unicodedata.normalize("NFKC", str(text)[: 4 * CHAR_LIMIT])
    kept = "".join(c if unicodedata.category(c) not in _DROP else " " for c in text)
    return _SPACES.sub(" ", kept).strip()[:CHAR_LIMIT]


def fit_tokens(text: str, limit: int, count: Callable[[str], int]) -> str:
    """The longest prefix of ``text`` (cut at a character) whose token count is within ``limit``.

    ``count`` is the model's own token counter (specials and prefix included)."""
    n = count(text)
    if n <= limit:
        return text
    lo, hi = 0, len(text)  # invariant: text[:lo] fits, text[:hi] does not
    guess = max(1, len(text) * limit // n)
    if count(text[:guess]) <= limit:
        lo = guess
    else:
        hi = guess
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if count(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid
    return text[:lo]
