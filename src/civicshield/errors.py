"""Errors a user sees.  One shape for bad data: file, row, column, message."""

from __future__ import annotations


class CivicshieldError(Exception):
    """Base for errors reported to the user without a traceback."""


class DataError(CivicshieldError):
    """Bad input data.  ``row`` is 1-based over data rows (the CSV header is
    not a row); ``None`` where the problem is not tied to a row."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str):
        self.file, self.row, self.column, self.message = file, row, column, message
        super().__init__(self.format())

    def format(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class ParameterError(CivicshieldError, ValueError):
    """A detector or command parameter outside its declared range."""


class WorkspaceError(CivicshieldError):
    """The workspace is missing, locked or holds no dataset."""
