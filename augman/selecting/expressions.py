"""JMESPath expressions compiled to Python closures, for ``--where`` on every line.

``jmespath.search`` walks the parsed tree for each document, dispatching on node
type and building a fresh interpreter per call. For the nodes that ``--where``
expressions are made of (fields, comparisons, ``&&``/``||``/``!``, function calls)
this builds closures once, with the semantics copied from ``jmespath.visitor``;
every other node is handed to one shared ``TreeInterpreter``, so the result is
always exactly what jmespath computes (``tests/unit/test_expressions.py`` checks
that against ``jmespath.search`` on generated expressions and documents).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jmespath
import jmespath.visitor
from jmespath.visitor import TreeInterpreter, _equals, _is_actual_number, _is_comparable

Node = dict[str, Any]
Compiled = Callable[[Any], Any]
Builder = Callable[[Node, "Compiler"], Compiled]


class Compiler:
    """Turns a parsed JMESPath tree into a function of one document."""

    def __init__(self) -> None:
        self.interpreter = TreeInterpreter()
        self.call = self.interpreter._functions.call_function

    def compile(self, node: Node) -> Compiled:
        build = _BUILDERS.get(node["type"])
        if build is not None:
            return build(node, self)
        visit = self.interpreter.visit
        return lambda value: visit(node, value)


@dataclass(frozen=True)
class Expression:
    """A compiled expression, and the top-level keys it reads (None: maybe all of them)."""

    evaluate: Compiled
    fields: frozenset[str] | None

    @classmethod
    def compile(cls, text: str) -> Expression:
        """Parse and compile ``text``; raises jmespath's ``ParseError`` when it is not valid."""
        tree = jmespath.compile(text).parsed
        return cls(Compiler().compile(tree), root_fields(tree))


def compile_expression(text: str) -> Compiled:
    """Parse and compile ``text`` into a function of one document."""
    return Expression.compile(text).evaluate


# Nodes whose first child is applied to the document and the rest to its result.
_LEFT_ON_DOCUMENT = frozenset(
    ("subexpression", "pipe", "index_expression", "projection", "filter_projection",
     "value_projection", "flatten")
)  # fmt: skip
# Nodes whose every child is applied to the document.
_ALL_ON_DOCUMENT = frozenset(
    ("comparator", "and_expression", "or_expression", "not_expression", "function_expression",
     "multi_select_list", "multi_select_dict", "key_val_pair")
)  # fmt: skip


def root_fields(node: Node) -> frozenset[str] | None:
    """The top-level keys the expression reads, or None if it may read the whole document.

    ``--where`` then decodes only those values of a line, not all of it. ``@`` (and
    any node not known here) reads the document as a whole.
    """
    kind = node["type"]
    if kind == "field":
        return frozenset((node["value"],))
    if kind in ("literal", "expref"):  # an expref is applied to elements, not the document
        return frozenset()
    if kind in _LEFT_ON_DOCUMENT:
        return root_fields(node["children"][0])
    if kind not in _ALL_ON_DOCUMENT:
        return None
    fields: frozenset[str] = frozenset()
    for child in node["children"]:
        more = root_fields(child)
        if more is None:
            return None
        fields |= more
    return fields


def is_false(value: Any) -> bool:
    """JMESPath falseness: null, false, "", [] and {} (not 0)."""
    return value is None or value is False or (isinstance(value, (str, list, dict)) and not value)


def _field(node: Node, _: Compiler) -> Compiled:
    name = node["value"]
    return lambda value: value.get(name) if isinstance(value, dict) else None


def _chain(node: Node, compiler: Compiler) -> Compiled:
    first, *rest = [compiler.compile(child) for child in node["children"]]
    if len(rest) == 1:
        second = rest[0]
        return lambda value: second(first(value))

    def chain(value: Any) -> Any:
        value = first(value)
        for step in rest:
            value = step(value)
        return value

    return chain


def _comparator(node: Node, compiler: Compiler) -> Compiled:
    left, right = (compiler.compile(child) for child in node["children"])
    operation = node["value"]
    if operation == "eq":
        return lambda value: _equals(left(value), right(value))
    if operation == "ne":
        return lambda value: not _equals(left(value), right(value))
    compare = TreeInterpreter.COMPARATOR_FUNC[operation]

    def ordered(value: Any) -> Any:
        a, b = left(value), right(value)
        if not (_is_comparable(a) and _is_comparable(b)):
            return None  # ordering is defined for numbers (and strings) only
        return compare(a, b)

    return ordered


def _and(node: Node, compiler: Compiler) -> Compiled:
    left, right = (compiler.compile(child) for child in node["children"])

    def both(value: Any) -> Any:
        matched = left(value)
        return matched if is_false(matched) else right(value)

    return both


def _or(node: Node, compiler: Compiler) -> Compiled:
    left, right = (compiler.compile(child) for child in node["children"])

    def either(value: Any) -> Any:
        matched = left(value)
        return right(value) if is_false(matched) else matched

    return either


def _not(node: Node, compiler: Compiler) -> Compiled:
    inner = compiler.compile(node["children"][0])

    def negated(value: Any) -> bool:
        result = inner(value)
        if _is_actual_number(result) and result == 0:
            return False  # !0 is false: 0 is true in JMESPath
        return not result

    return negated


def _literal(node: Node, _: Compiler) -> Compiled:
    constant = node["value"]
    return lambda value: constant


def _current(node: Node, _: Compiler) -> Compiled:
    return lambda value: value


def _function(node: Node, compiler: Compiler) -> Compiled:
    name, call = node["value"], compiler.call
    arguments = [compiler.compile(child) for child in node["children"]]
    if name == "length" and len(arguments) == 1:
        (argument,) = arguments

        def length(value: Any) -> Any:
            subject = argument(value)
            if isinstance(subject, (str, list, dict)):
                return len(subject)
            return call(name, [subject])  # raises jmespath's own type error

        return length
    return lambda value: call(name, [argument(value) for argument in arguments])


_BUILDERS: dict[str, Builder] = {
    "field": _field,
    "subexpression": _chain,
    "pipe": _chain,
    "comparator": _comparator,
    "and_expression": _and,
    "or_expression": _or,
    "not_expression": _not,
    "literal": _literal,
    "current": _current,
    "identity": _current,
    "function_expression": _function,
}
