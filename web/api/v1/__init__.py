"""Version 1 of the JSON API (``/api/v1``): one module per resource on the blueprint of
:mod:`web.api.v1.blueprint`; bodies written by :mod:`web.schemas`, errors by :mod:`web.errors`."""
