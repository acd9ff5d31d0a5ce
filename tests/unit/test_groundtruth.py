"""Ground Truth labels: the Structs, the rules and the JSON Schemas agree, on every task type.

The JSON Schemas in augman/schemas are the reference. A label the Structs take must
be valid under its schema (the fast path never accepts what the schema refuses), and
the checker must report the same findings whether a line goes the fast way (Structs
and column rules) or the exact way (jsonschema, then the rules one line at a time).
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import augman
from augman.checking import labels as checking_labels
from augman.checking.labels import LabelChecker
from augman.groundtruth import (
    TASK_TYPES,
    label_attributes,
    label_for,
    structs,
    task_for,
    tasks_for,
)
from augman.groundtruth.exact import exact_problems
from augman.groundtruth.rules import column_problems
from augman.groundtruth.schemas import schema_of, validator_of
from augman.groundtruth.types import TASKS, LabelKind
from benchmarks.groundtruth_lines import EXAMPLES, SPELLINGS

ALL = {**EXAMPLES, **SPELLINGS}


def _pair(line: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(label attribute, metadata key, metadata) of an example line's Ground Truth label."""
    for key, value in line.items():
        if isinstance(value, dict) and str(value.get("type", "")).startswith("groundtruth/"):
            label = label_for(key, line)
            assert label is not None
            return label, key, value
    raise AssertionError("no label")


def test_every_task_type_has_an_example_and_a_valid_schema() -> None:
    from jsonschema import Draft202012Validator

    assert set(EXAMPLES) == set(TASKS)
    for task in TASKS.values():
        Draft202012Validator.check_schema(schema_of(task))
        assert schema_of(task)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_example_is_valid_every_way(name: str) -> None:
    line = ALL[name](random.Random(1))
    label_key, _meta_key, meta = _pair(line)
    task = task_for(meta["type"])
    assert task is not None
    assert validator_of(task).is_valid({"label": line[label_key], "metadata": meta})
    decoded = structs.METADATA.decode(json.dumps(meta))
    assert structs.TAGGED[type(decoded)] is task
    label = _decode_label(task, json.dumps(line[label_key]).encode())
    assert label is not None
    assert list(column_problems(task, [label], [decoded], label_key)) == []
    assert exact_problems(task, line[label_key], meta, label_key) == []


def test_the_registry_names_labels_by_their_metadata() -> None:
    line = ALL["city-streets-metadata"](random.Random(1))  # the developer guide's spelling
    assert label_attributes(line) == {"city-streets-ref": "groundtruth/semantic-segmentation"}
    assert task_for("groundtruth/object_detection") is task_for("groundtruth/object-detection")
    assert task_for("groundtruth/nope") is None
    assert set(TASK_TYPES) >= {"groundtruth/text-span", "groundtruth/point_cloud_object_tracking"}


def test_the_registry_says_which_built_in_algorithm_trains_on_which_task() -> None:
    names = {algorithm: [task.name for task in tasks_for(algorithm)]
             for algorithm in ("image-classification", "object-detection", "blazingtext")}  # fmt: skip
    assert names == {
        "image-classification": [
            "image-classification", "image-classification-multilabel", "label-verification"
        ],
        "object-detection": ["object-detection"],
        "blazingtext": ["text-classification", "text-classification-multilabel"],
    }  # fmt: skip
    untrained = [task.name for task in TASK_TYPES.values() if not task.algorithms]
    assert sorted(set(untrained)) == [
        "point-cloud-object-detection", "point-cloud-object-tracking",
        "point-cloud-semantic-segmentation", "text-span", "video-object-detection",
        "video-object-tracking",
    ]  # fmt: skip


def _decode_label(task: Any, raw: bytes) -> Any:
    """The label as the fast path has it (its Struct, or None when it goes the exact way)."""
    for decoder in structs.LABELS[task.name]:
        try:
            label = decoder.decode(raw)
        except msgspec.ValidationError:
            continue
        if task.kind is LabelKind.ref:
            return structs.check_refs([label])[0]
        if task.kind is LabelKind.class_id:
            return structs.check_class_ids([label])[0]
        return label
    return None


# -- mutations: a value somewhere in the label or its metadata replaced or removed ----------

ODD_VALUES = [
    None,
    True,
    -1,
    0,
    1,
    1.0,
    1.5,
    2,
    640,
    "",
    "x",
    "1",
    "s3://b/k",
    [],
    {},
    [1],
    {"a": 1},
]


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*here, i))
    return found


def _mutate(value: Any, path: tuple[Any, ...], new: Any, delete: bool) -> Any:
    value = copy.deepcopy(value)
    if not path:
        return new
    parent = value
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return value


@st.composite
def mutated(draw: Any) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(ALL)))
    line = ALL[name](random.Random(draw(st.integers(0, 5))))
    label_key, meta_key, _ = _pair(line)
    for _ in range(draw(st.integers(1, 2))):
        target = draw(st.sampled_from([label_key, meta_key]))
        paths = _paths(line[target])
        path = draw(st.sampled_from(paths))
        if target == meta_key and path in ((), ("type",)):
            continue  # metadata of another type (or none) is another task: see the examples
        delete = bool(path) and draw(st.booleans())
        line[target] = _mutate(line[target], path, draw(st.sampled_from(ODD_VALUES)), delete)
    return name, line


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_structs_never_take_what_the_schema_refuses(case: tuple[str, dict[str, Any]]) -> None:
    _, line = case
    label_key, _meta_key, meta = _pair(line)
    task = task_for(meta["type"])
    assert task is not None
    try:
        decoded = structs.METADATA.decode(json.dumps(meta))
    except msgspec.ValidationError:
        decoded = None
    label = _decode_label(task, json.dumps(line[label_key]).encode())
    valid = validator_of(task).is_valid({"label": line[label_key], "metadata": meta})
    if decoded is not None and label is not None:
        assert valid, "the Structs took a label the schema refuses"
        fast = [
            p for _, found in column_problems(task, [label], [decoded], label_key) for p in found
        ]
        assert fast == exact_problems(task, line[label_key], meta, label_key)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_task_s_untagged_struct_takes_what_the_tagged_union_takes(
    case: tuple[str, dict[str, Any]],
) -> None:
    """A column is decoded first with the untagged Struct of its last task: that Struct
    takes a metadata value exactly when the tagged union takes it as that task."""
    _, line = case
    _, _, meta = _pair(line)
    raw = json.dumps(meta).encode()
    try:
        tagged = structs.METADATA.decode(raw)
    except msgspec.ValidationError:
        tagged = None
    for task, decoder in structs.PLAIN.items():
        try:
            plain = decoder.decode(raw)
        except msgspec.ValidationError:
            plain = None
        if tagged is None or structs.TAGGED[type(tagged)] is not task:
            assert plain is None
        else:
            assert plain is not None and structs.TAGGED[type(plain)] is task
            fields = msgspec.structs.asdict(plain)
            assert fields.pop("type") == meta["type"]
            assert fields == msgspec.structs.asdict(tagged)


def test_a_key_whose_task_changes_between_chunks_is_checked_as_its_new_task() -> None:
    checker = LabelChecker("m")
    rng = random.Random(5)
    first = [EXAMPLES["image-classification"](rng) for _ in range(30)]
    label_key, meta_key, _ = _pair(first[0])
    second = []
    for _ in range(30):
        line = EXAMPLES["object-detection"](rng)
        box_key, box_meta_key, _ = _pair(line)
        line[label_key], line[meta_key] = line.pop(box_key), line.pop(box_meta_key)
        second.append(line)
    second[4][label_key]["annotations"][0]["left"] = 10**6  # AM407
    second[9][meta_key]["type"] = "groundtruth/image-classification"  # now a bad class id
    found = []
    for first_number, chunk in ((1, first), (101, second)):
        raw = [json.dumps(line).encode() + b"\n" for line in chunk]
        tops = [msgspec.json.decode(line, type=dict[str, msgspec.Raw]) for line in raw]
        numbers = range(first_number, first_number + len(raw))
        result = checker.check_chunk(numbers, raw, list(tops), [tuple(top) for top in tops])
        found += sorted((f.line, f.code) for each in result.values() for f in each)
    alone = [(n + 100, code) for n, _, code, _ in _findings(second)]
    assert found == alone
    assert (105, "AM407") in found and any(n == 110 for n, _ in found)


def _findings(lines: list[dict[str, Any]]) -> list[tuple[int | None, int | None, str, str]]:
    raw = [json.dumps(line).encode() + b"\n" for line in lines]
    tops = [msgspec.json.decode(line, type=dict[str, msgspec.Raw]) for line in raw]
    found = LabelChecker("m").check_chunk(
        range(1, len(raw) + 1), raw, list(tops), [tuple(top) for top in tops]
    )
    return sorted(
        (f.line, f.column, f.code, f.message) for findings in found.values() for f in findings
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=12))
def test_the_fast_and_the_exact_way_report_the_same(
    cases: list[tuple[str, dict[str, Any]]],
) -> None:
    lines = [line for _, line in cases]
    fast = _findings(lines)
    original = checking_labels.decode_all
    checking_labels.decode_all = lambda decoders, values, joined: ([None] * len(values), False)
    try:
        exact = _findings(lines)
    finally:
        checking_labels.decode_all = original
    assert fast == exact


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.integers(2, 5), mutated())
def test_repeated_values_decoded_once_report_what_each_line_would(
    case: tuple[str, dict[str, Any]], times: int, other: tuple[str, dict[str, Any]]
) -> None:
    """Lines whose metadata and label are the same bytes are decoded once (the first
    stands for all): their findings are each line's own, on every line."""
    _, line = case
    alone = _findings([line])
    repeated = _findings([line] * times)
    assert repeated == sorted(
        (n, column, code, message)
        for n in range(1, times + 1)
        for _, column, code, message in alone
    )
    mixed = [line] * times + [other[1]]  # and one line that is not alike
    original = checking_labels.decode_all
    checking_labels.decode_all = lambda decoders, values, joined: ([None] * len(values), False)
    try:
        exact = _findings(mixed)
    finally:
        checking_labels.decode_all = original
    assert _findings(mixed) == exact


def test_repeated_metadata_with_different_labels_checks_each_label() -> None:
    good = EXAMPLES["object-detection"](random.Random(1))
    bad = copy.deepcopy(good)
    bad["bounding-box"]["annotations"][0]["left"] = 10**6  # outside, same metadata bytes
    found = _findings([good, bad, good])
    assert [(n, code) for n, _, code, _ in found] == [(2, "AM407")]


def test_metadata_seen_in_an_earlier_chunk_still_has_each_label_checked() -> None:
    checker = LabelChecker("m")
    rng = random.Random(3)
    lines = [EXAMPLES["semantic-segmentation"](rng) for _ in range(40)]
    meta = lines[0]["city-streets-ref-metadata"]
    for line in lines:
        line["city-streets-ref-metadata"] = meta  # one job's metadata, on every line
    bad_meta = copy.deepcopy(meta)
    bad_meta["internal-color-map"]["0"]["confidence"] = 2  # AM408, in both chunks
    found = []
    for first in (0, 100):
        chunk = copy.deepcopy(lines)
        chunk[5]["city-streets-ref"] = "http://not-s3/x.png"  # AM401, metadata seen before
        chunk[7]["city-streets-ref-metadata"] = bad_meta
        raw = [json.dumps(line).encode() + b"\n" for line in chunk]
        tops = [msgspec.json.decode(line, type=dict[str, msgspec.Raw]) for line in raw]
        numbers = range(first + 1, first + len(raw) + 1)
        result = checker.check_chunk(numbers, raw, list(tops), [tuple(top) for top in tops])
        found += sorted((f.line, f.code) for each in result.values() for f in each)
    assert found == [(6, "AM401"), (8, "AM408"), (106, "AM401"), (108, "AM408")]
    assert len(checker.metadata.structs) == 1  # the good metadata, decoded once for both chunks


@pytest.mark.parametrize("label", ["12", "007", "\u00b2", "\u0661", "", "1\n", "-1", " 1", 3])
def test_a_class_id_string_is_held_to_ascii_digits_as_the_schema_does(label: Any) -> None:
    lines = [EXAMPLES["text-classification"](random.Random(i)) for i in range(3)]
    lines[1]["species"] = label
    fast = _findings(lines)
    original = checking_labels.decode_all
    checking_labels.decode_all = lambda decoders, values, joined: ([None] * len(values), False)
    try:
        assert fast == _findings(lines)
    finally:
        checking_labels.decode_all = original
    task = TASKS["text-classification"]
    valid = validator_of(task).is_valid({"label": label, "metadata": lines[1]["species-metadata"]})
    assert [line for line, *_ in fast] == ([] if valid else [2])  # "1\n" passes the pattern


# -- every task type: a valid line, and the rules each one can break --------------------------

INVALID = [
    ("image-classification", lambda ln: ln.update(species=-1), "AM401"),
    ("text-classification", lambda ln: ln["species-metadata"].update(confidence=2), "AM408"),
    ("image-classification-multilabel", lambda ln: ln["tags"].append(42), "AM405"),
    (
        "text-classification-multilabel",
        lambda ln: ln["tags-metadata"].update({"class-map": {}}),
        "AM411",
    ),
    (
        "object-detection",
        lambda ln: ln["bounding-box"]["annotations"][0].update(width=10**6),
        "AM407",
    ),
    ("object-detection", lambda ln: ln["bounding-box-metadata"]["objects"].pop(), "AM406"),
    (
        "label-verification",
        lambda ln: ln["verify-box-metadata"].update({"human-annotated": "si"}),
        "AM402",
    ),
    (
        "semantic-segmentation",
        lambda ln: ln.update({"city-streets": ln.pop("city-streets-ref")}),
        "AM404",
    ),
    ("text-span", lambda ln: ln["ner"]["annotations"]["entities"][0].update(label="Verb"), "AM405"),
    ("video-object-detection", lambda ln: ln.update({"cars-ref": 7}), "AM401"),
    (
        "video-object-tracking",
        lambda ln: ln["cars-ref-metadata"].update(type="groundtruth/video-object-trackin"),
        "AM403",
    ),
    (
        "point-cloud-semantic-segmentation",
        lambda ln: ln["lidar-ss-ref-metadata"]["color-map"]["0"].pop("class-name"),
        "AM402",
    ),
    ("point-cloud-object-detection", lambda ln: ln["3d-box"].update(annotations=[]), "AM410"),
    (
        "point-cloud-object-tracking",
        lambda ln: ln["lidar-ref-metadata"]["objects"][1].update(confidence=[3]),
        "AM408",
    ),
]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_valid_line_of_each_task_type_passes(name: str, tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_text("".join(json.dumps(EXAMPLES[name](random.Random(i))) + "\n" for i in range(5)))
    assert augman.validate([str(path)]).findings == ()


@pytest.mark.parametrize(
    ("name", "change", "code"), INVALID, ids=[f"{n}-{c}" for n, _, c in INVALID]
)
def test_an_invalid_line_of_each_task_type_fails_its_rule(
    name: str, change: Any, code: str, tmp_path: Path
) -> None:
    good, bad = EXAMPLES[name](random.Random(1)), EXAMPLES[name](random.Random(2))
    change(bad)
    path = tmp_path / "m.manifest"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    found = [(f.line, f.code) for f in augman.validate([str(path)]).findings]
    assert [line for line, _ in found] == [2] * len(found)
    assert [c for _, c in found if c.startswith("AM4")] == [code]  # (a -ref of 7 is AM301 too)
    without = augman.validate([str(path)], groundtruth=False).findings
    assert not any(f.code.startswith("AM4") for f in without)
