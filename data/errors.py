"""The error every service raises for input a user can fix: a Chinese message and the field at fault."""

from __future__ import annotations


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(FieldError):
    """The user may not do this (wrong role, or not their organization's record): HTTP 403."""


class NotFound(FieldError):
    """No such thing, or not one the user may act on (the same answer, so ids reveal nothing): HTTP 404."""


class Conflict(FieldError):
    """The record changed or went away since it was read (another user deleted or changed it a
    moment ago): nothing was written; reload and try again. HTTP 409."""


class Malformed(FieldError):
    """The request is not of the shape asked for (no file, a file type not taken, an id that is
    not one we issue): HTTP 400 ``bad_request``, where a value that breaks a rule is ``invalid``."""
