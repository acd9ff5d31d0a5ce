"""``--where``: keep the lines for which a JMESPath expression is truthy.

The expression is compiled once. Truthiness is JMESPath's own (its ``||`` and
``&&`` use it): null, false, and an empty string, array or object are false;
every number, ``0`` included, is true.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    """A compiled ``--where`` expression.

    ``compared`` holds the top-level fields that are a side of a comparison or a
    function's argument: ``"cat"`` in ``"class-metadata"."class-name" == "cat"`` is
    such a field (JMESPath's double quotes name a field); when no line has it, the
    user most likely meant the string ``'cat'`` (:func:`absent_field_warning`).
    """

    text: str
    expression: Expression
    compared: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> Where:
        """Compile ``text``; raise :class:`UsageError` with the parser's message if it is bad."""
        try:
            tree = jmespath.compile(text).parsed
            return cls(text, Expression.compile(text), frozenset(_compared_fields(tree)))
        except jmespath.exceptions.JMESPathError as exc:
            raise UsageError(f"--where: {_parse_problem(exc, text)}", _WHERE_HINT) from None

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
                f"{source}:{line_no}: --where fails on this line: {exc}",
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


def absent_field_warning(field: str) -> str:
    """What to say when no line has a field that ``--where`` compares."""
    literal = field.replace("'", "\\'")
    return (
        f'--where: no line has a field "{field}" (in JMESPath, double quotes name a field); '
        f"for the string, write '{literal}' or `\"{field}\"`"
    )


def _compared_fields(node: dict[str, Any]) -> Iterator[str]:
    """Top-level fields used as a comparison's side or a function's argument."""
    kind = node["type"]
    if kind in ("comparator", "function_expression"):
        for child in node["children"]:
            if child["type"] == "field":
                yield child["value"]
    if kind in ("comparator", "function_expression", "and_expression", "or_expression",
                "not_expression"):  # fmt: skip
        for child in node["children"]:
            yield from _compared_fields(child)


def _parse_problem(exc: jmespath.exceptions.JMESPathError, text: str) -> str:
    """jmespath's message without its repeat of the expression in added quotes."""
    if isinstance(exc, jmespath.exceptions.LexerError):
        return f"{exc.message} at column {exc.lex_position + 1} of: {text}"
    if isinstance(exc, jmespath.exceptions.IncompleteExpressionError):
        return f"the expression ends too early: {text}"
    if isinstance(exc, jmespath.exceptions.ParseError):
        token = "the end" if exc.token_type == "eof" else exc.token_value
        return f"{exc.msg} {token} at column {exc.lex_position + 1} of: {text}"
    return str(exc)
