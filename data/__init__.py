"""The truth of the platform: models, sessions, migrations, validation, import/export, seed data.

Nothing in this package imports Flask or any other package of ours.
"""
