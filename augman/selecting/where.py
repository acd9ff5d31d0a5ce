"""``--where``: keep the lines for which a JMESPath expression is truthy.

The expression is compiled once. Truthiness is JMESPath's own (its ``||`` and
``&&`` use it): null, false, and an empty string, array or object are false;
every number, ``0`` included, is true.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jmespath.exceptions

from augman import jsontext
from augman.checking.lines import Top
from augman.errors import UsageError
from augman.selecting.expressions import Expression, is_false

_WHERE_HINT = (
    "JMESPath quotes names with - in double quotes and literals in backticks: "
    "--where '\"class-metadata\".confidence > `0.9`'"
)


@dataclass(frozen=True)
class Where:
    """A compiled ``--where`` expression."""

    text: str
    expression: Expression

    @classmethod
    def parse(cls, text: str) -> Where:
        """Compile ``text``; raise :class:`UsageError` with the parser's message if it is bad."""
        try:
            return cls(text, Expression.compile(text))
        except jmespath.exceptions.JMESPathError as exc:
            raise UsageError(f"--where: {exc}", _WHERE_HINT) from None

    def matches(self, line: bytes, top: Top, source: str, line_no: int) -> bool:
        """Whether the expression is truthy for a valid line and its top-level object.

        Only the top-level values the expression reads are decoded (the whole line
        when it reads ``@``). ``source`` and ``line_no`` name the line in the
        :class:`UsageError` raised when the expression cannot be evaluated on it:
        ``length(null)``, or ``a > `1``` when ``a`` is a string (a TypeError in jmespath).
        """
        try:
            return not is_false(self.expression.evaluate(self._document(line, top)))
        except (jmespath.exceptions.JMESPathError, TypeError) as exc:
            raise UsageError(
                f"{source}:{line_no}: --where {self.text!r} fails on this line: {exc}",
                "guard values that some lines lack, e.g. length(a || `[]`)",
            ) from None

    def _document(self, line: bytes, top: Top) -> Any:
        fields = self.expression.fields
        if fields is None:
            return jsontext.loads(line)
        document = {}
        for key in fields:
            raw = top.get(key)
            if raw is not None:
                document[key] = jsontext.loads(bytes(raw))
        return document


def truthy(value: Any) -> bool:
    """JMESPath truthiness: false for null, false, "", [] and {}; true otherwise (0 too)."""
    return not is_false(value)
