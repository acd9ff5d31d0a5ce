"""Compiled JMESPath gives exactly what ``jmespath.search`` gives: values, and errors."""

from __future__ import annotations

from typing import Any

import jmespath
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augman.selecting.expressions import Expression, compile_expression, is_false, root_fields

FIELDS = ["a", "b", '"c-d"', "a.b", '"c-d".a', "@"]
LITERALS = [
    "`0`",
    "`1`",
    "`0.5`",
    '`"x"`',
    "`null`",
    "`[]`",
    "`{}`",
    "`true`",
    "`false`",
    "`[1, 2]`",
]


def expressions() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(FIELDS + LITERALS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        two = st.tuples(inner, inner)
        return st.one_of(
            st.builds("{0[0]} {1} {0[1]}".format, two, st.sampled_from(["==", "!=", "<", "<=", ">", ">="])),
            st.builds("{0[0]} && {0[1]}".format, two),
            st.builds("{0[0]} || {0[1]}".format, two),
            st.builds("!{}".format, inner),
            st.builds("({})".format, inner),
            st.builds("{0[0]} | {0[1]}".format, two),
            st.builds("{}(({}))".format, st.sampled_from(["length", "type", "to_string", "abs", "keys"]), inner),
            st.builds("{0}({1[0]}, {1[1]})".format, st.sampled_from(["contains", "not_null"]), two),
            st.builds("a[?{}]".format, inner),
            st.builds("{}[0]".format, st.sampled_from(["a", "b", "@"])),
        )  # fmt: skip

    return st.recursive(atoms, extend, max_leaves=6)


json_values = st.recursive(
    st.none() | st.booleans() | st.sampled_from([0, 1, 2, -1, 0.0, 0.5]) | st.sampled_from(["", "x", "y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c-d"]), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
documents = st.dictionaries(st.sampled_from(["a", "b", "c-d"]), json_values, max_size=3)


def outcome(evaluate: Any, document: Any) -> tuple[str, Any]:
    try:
        return "value", orjson.dumps(evaluate(document), option=orjson.OPT_SORT_KEYS)
    except Exception as exc:  # the same exception, with the same message, is the point
        return type(exc).__name__, str(exc)


@settings(max_examples=400, deadline=None)
@given(expression=expressions(), document=documents)
def test_compiled_expressions_agree_with_jmespath(expression: str, document: Any) -> None:
    try:
        parsed = jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError:
        with pytest.raises(jmespath.exceptions.JMESPathError):
            compile_expression(expression)
        return
    assert outcome(compile_expression(expression), document) == outcome(parsed.search, document)


@pytest.mark.parametrize(
    ("expression", "document", "expected"),
    [
        ('length("bounding-box".annotations) > `0`', {"bounding-box": {"annotations": [1]}}, True),
        ("a == `1`", {"a": True}, False),
        ("!a", {"a": 0}, False),
        ("a || b", {"a": [], "b": 0}, 0),
        ("a && b", {"a": "", "b": 1}, ""),
        ("a.b.c", {"a": [1]}, None),
        ("a < `2`", {"a": [1]}, None),
        ("a[?b > `1`].b | length(@)", {"a": [{"b": 1}, {"b": 2}, {"b": 3}]}, 2),
    ],
    ids=["issue-example", "true-is-not-1", "not-zero", "or", "and", "field-of-list", "no-order", "fallback"],
)  # fmt: skip
def test_known_results(expression: str, document: Any, expected: Any) -> None:
    result = compile_expression(expression)(document)
    assert orjson.dumps(result) == orjson.dumps(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        (False, True),
        ("", True),
        ([], True),
        ({}, True),
        (0, False),
        ("0", False),
        ([0], False),
    ],
    ids=repr,
)
def test_falseness(value: Any, expected: bool) -> None:
    assert is_false(value) is expected


@settings(max_examples=300, deadline=None)
@given(expression=expressions(), document=documents)
def test_the_fields_an_expression_reads_are_all_it_needs(expression: str, document: Any) -> None:
    try:
        compiled = Expression.compile(expression)
    except jmespath.exceptions.JMESPathError:
        return
    if compiled.fields is None:
        return
    reduced = {key: value for key, value in document.items() if key in compiled.fields}
    assert outcome(compiled.evaluate, reduced) == outcome(compiled.evaluate, document)


@pytest.mark.parametrize(
    ("expression", "fields"),
    [
        ('length("bounding-box".annotations) > `0`', {"bounding-box"}),
        ('"class-metadata".confidence > `0.9` && class == `1`', {"class-metadata", "class"}),
        ("a[?b > `1`].c | length(@)", {"a"}),
        ("sort_by(a, &b)[0].c", {"a"}),
        ("{x: a, y: b.c}", {"a", "b"}),
        ("a | b", {"a"}),
        ("`1`", set()),
        ("@", None),
        ("keys(@)", None),
        ("[0]", None),
        ("a || @", None),
    ],
    ids=["issue-example", "two-keys", "filter", "expref", "multi-select", "pipe", "literal",
         "current", "keys-of-current", "index-of-current", "or-current"],
)  # fmt: skip
def test_root_fields(expression: str, fields: set[str] | None) -> None:
    found = root_fields(jmespath.compile(expression).parsed)
    assert found == (frozenset(fields) if fields is not None else None)
