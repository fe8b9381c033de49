"""Each embedding model's calibration (indexer/embedders/calibration.py)."""

from __future__ import annotations

import pytest

from indexer.embedders import BACKENDS
from indexer.embedders.calibration import CALIBRATION, TITLE_CALIBRATION, calibration_of


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_has_body_and_title_levels(backend: str) -> None:
    assert backend in CALIBRATION and backend in TITLE_CALIBRATION
    for title in (False, True):
        cal = calibration_of(backend, title)
        assert -1 <= cal.unrelated < cal.same_topic <= 1


def test_an_unknown_model_gets_the_usual_levels() -> None:
    assert calibration_of("my-model") == CALIBRATION["st"]
    assert calibration_of("my-model", title=True) == TITLE_CALIBRATION["st"]
