"""Batch allocation for 双选 rounds and expert review panels: pure functions over ids, scores,
capacities and rules, returning assignments with their reasons and metrics. No Flask, no
database: the workflow layer builds a ``Problem`` or ``PanelProblem`` from its records and stores
what comes back."""
