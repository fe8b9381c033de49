"""Operator tooling run from the command line (stress runs); request-handling code never
imports anything from here."""
