"""Reference data: what the alliance's words and places are, read from files shipped with the code.

- :mod:`.vocabulary` – the 行业领域 and the industry colleges (demo, dictionary, field agreement).
- :mod:`.dictionary` – the segmentation dictionary, stop words and synonyms (files in
  ``data/dictionaries/``).
- :mod:`.regions` – the region table (``data/seed/cncity.csv``): place-name lookup, seeding
  the ``regions`` table.

Their files stay in ``data/dictionaries/`` and ``data/seed/``, where the package data lists them.
Modules here import only the core of ``data`` and its models.
"""
