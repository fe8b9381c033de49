"""How well the product ranks, measured: ``chanjiao eval`` on labelled sets, the dev sets it
reads (built from the shipped public data), the fusion explorer, the match benchmark and the
subscriptions' round benchmark (``chanjiao bench notify``).
Tooling only: nothing a web request runs imports it."""

from matcher.evaluation.run import run_eval
from matcher.evaluation.sets import EvalSetError, load_set

__all__ = ["EvalSetError", "load_set", "run_eval"]
