"""The truth of the platform: models, sessions, migrations, validation, import/export, seed data.

- the core, at the top: ``enums``, ``pools``, ``errors``, ``keys``, ``credit_code``,
  ``settings``, ``db``, ``events``, ``migrate`` (and ``migrations/``), and ``demo``, which
  builds the demo alliance from the rooms below;
- ``models/`` – the tables;
- ``reference/`` – the alliance's vocabulary, the segmentation dictionary, the region table;
- ``sheets/`` – each pool's column spec and everything read or written by it: spreadsheet
  import and export, row and form validation, a record's fields as pages show them;
- ``workflows/`` – what people do with the data, one module per domain noun.

Nothing in this package imports Flask or any other package of ours
(``tests/test_architecture.py`` checks).
"""
