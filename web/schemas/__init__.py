"""How the API writes things as JSON: one module per kind of thing, plain functions from a
domain object to a dict. Domain objects carry no ``to_dict``; what leaves the site is decided here."""
