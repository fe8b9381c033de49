"""Turns pool records into searchable form and keeps the indexes in step with the database."""
