"""Where each embedding model's cosines say "unrelated" and "same topic", for the body and for
the title channel (measured on the dev sets with ``chanjiao eval --explore``).

Keyed by backend name, not carried as an attribute of each embedder class: one class
(:class:`indexer.embedders.isolated.IsolatedEmbedder`) stands for both e5 and st, and the
cosines of a stand-in vector and of an evaluation dump come with their model's name only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    unrelated: float  # cosine of a typical unrelated pair → 0
    same_topic: float  # cosine of a typical relevant pair → 1


# e5: candidate cosines have a median near 0.85 and top results 0.93–0.96 on the dev sets;
# a ceiling below that clips exactly where ranking matters (measured with chanjiao eval --explore).
CALIBRATION: dict[str, Calibration] = {
    "e5": Calibration(0.80, 0.96),
    "use": Calibration(0.10, 0.60),
    "st": Calibration(0.05, 0.65),
    # static (distilled from e5): a query against a random record has a median cosine of
    # 0.16–0.42 on four dev sets (0.25 typical), against a relevant one 0.64–0.91 at the 90th
    # percentile (measured on csl-title, jobs-taxonomy, csl-need-title, patent-need)
    "static": Calibration(0.25, 0.80),
}
# Titles are short, and short texts sit closer together: e5 gives a nonsense query cosines up
# to 0.83 against paper titles (0.80 against abstracts), a real one 0.86–0.88 at the top.
TITLE_CALIBRATION: dict[str, Calibration] = {
    "e5": Calibration(0.83, 0.97),
    "use": Calibration(0.15, 0.65),
    "st": Calibration(0.10, 0.70),
    "static": Calibration(0.20, 0.80),  # random titles: median 0.16–0.32; relevant: 0.77–0.92 at p90
}
FALLBACK = "st"  # a sentence-transformers model of one's own: its levels are the usual ones


def calibration_of(backend: str, title: bool = False) -> Calibration:
    """The levels of ``backend``'s cosines (``title``: of the title channel)."""
    table = TITLE_CALIBRATION if title else CALIBRATION
    return table.get(backend, table[FALLBACK])
