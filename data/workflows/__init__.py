"""Workflows: what people do with the data, one module per domain noun.

A workflow takes a ``Session`` (and usually the acting user), checks who may do what, writes
the models and the audit log, and says what is wrong in Chinese (``data.errors``). None
commits: the caller (a request, a CLI command, a task) owns the transaction.

- records (create, edit, delete any pool record; held edits), needs, students, proposals
- review (the secretariat's queue), duplicates (finding and merging)
- joining (a new organization applies), membership (cases and council votes), accounts
- contacts (consent-gated contact), privacy (a person's own data), audit (the log)
- feedback (on recommendations), dashboard and stats (the figures staff read)

Nothing here imports ``indexer``, ``matcher`` or ``web``; where a workflow needs something
they define, it is passed in (the direction labels of :func:`.dashboard.overview`).
"""
