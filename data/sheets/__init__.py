"""Spreadsheets, and the column spec they share with forms and pages.

- :mod:`.columns` – each pool's columns: Chinese header, value kind, required, limits. Add a
  column here and the template, import, export, edit form and record pages all follow.
- :mod:`.rows` – one pydantic model per pool from the columns; validates a spreadsheet row or
  an edit form the same way (and ``typed_text``, the plain-text check every workflow uses).
- :mod:`.tabular` – reading and writing .xlsx/.csv, bounded; :mod:`.xlsx_budget` checks an
  .xlsx archive before openpyxl opens it.
- :mod:`.importer` / :mod:`.exporter` – a pool from rows or a file, all or nothing, and back;
  an import of existing records follows the edit rules of :mod:`data.workflows.records`.
- :mod:`.display` – a record as people read it on pages and cards, by the same columns.
"""
