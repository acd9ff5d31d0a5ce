"""Problems in the *run* (as opposed to problems in the data, which are findings).

Every error a user can cause leaves through one of these classes; the CLI turns
them into a message on stderr and an exit code, never a traceback.
"""

from __future__ import annotations


class AugmanError(Exception):
    """Base class: augman could not do what was asked.

    ``hint`` says what to do about it; ``exit_code`` is what the CLI exits with.
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(AugmanError):
    """An option or argument is wrong (a bad --attrs list, a bad expression...)."""


class SourceError(AugmanError):
    """A manifest or stream could not be opened or read."""


class S3Error(AugmanError):
    """An S3 request failed (credentials, permissions, missing bucket...)."""


class SinkError(AugmanError):
    """The output (file, FIFO, directory) could not be written."""


class DataError(AugmanError):
    """The data itself stops the run (a bad line while streaming, a corrupt stream)."""

    exit_code = 1
