"""augman stats folds a chunk a column at a time; that must be exactly folding line by line.

Random manifests (Ground Truth classification, multi-label, bounding-box and
segmentation labels, odd values of every attribute, missing metadata, repeated
URIs, several buckets, spaced and escaped JSON, invalid lines) are folded three
ways: line by line (chunks of one line), in large chunks, and in large chunks
with the typed (msgspec Struct) decoding switched off, so that every label goes
through the generic per-line readers. All three ``Stats`` must be equal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import augman
from augman.statistics import fold as fold_module
from augman.statistics import labelcolumns, metadata
from augman.statistics.fold import Stats, StatsFold
from augman.statistics.labels import LabelFold
from augman.statistics.refstats import NO_EXTENSION, extension_of, folder_of

# -- values, odd ones included -----------------------------------------------------------

URIS = st.builds(
    "s3://{}/{}{}{}".format,
    st.sampled_from(["b", "my-bucket", "dotted.bucket"]),
    st.sampled_from(["", "a/", "a/b/", ".cache/", "café/"]),
    st.sampled_from(["x", "1", ".d", "y.", "z.tar", "0"]),
    st.sampled_from([".jpg", ".PNG", "", ".gz"]),
)
ODD_REFS = st.one_of(
    st.sampled_from(["not-a-uri", "s3://bucket-only", "s3://dotted.bucket", ""]),
    st.integers(-2, 2), st.none(), st.lists(st.integers(0, 2), max_size=2),
)  # fmt: skip
NUMBERS = st.one_of(
    st.integers(-3, 12),
    st.floats(-0.5, 1.5, allow_nan=False, width=32),
    st.sampled_from([1, 0.5, 1.0]),
)
ODD = st.one_of(
    st.none(), st.booleans(), st.text("ab", max_size=2), st.lists(st.integers(0, 1), max_size=2)
)
NAMES = st.sampled_from(["cat", "dog", "bird", "Cat"])
DATES = st.sampled_from(["2024-05-01T12:00:00", "2024-05-03T00:00:00", "2023-12-31T23:59:59"])


class Shapes:
    """Strategies for label values and metadata; ``odd`` mixes in values of unusual types."""

    def __init__(self, odd: bool) -> None:
        self.odd = odd
        number, name = self.maybe(NUMBERS), self.maybe(st.one_of(NAMES, st.integers(0, 3)))
        class_maps = self.maybe(
            st.dictionaries(st.sampled_from(["0", "1", "2", "3"]), name, max_size=3)
        )
        box = self.optional(class_id=self.maybe(st.integers(0, 3)), width=number, height=number)
        entry = self.optional(**{"class-name": name, "confidence": number})
        self.refs = st.one_of(URIS, URIS, URIS, ODD_REFS) if odd else URIS
        self.kinds = {
            "class": (
                self.maybe(st.one_of(st.integers(0, 3), NAMES)),
                self.metadata(
                    "groundtruth/image-classification", **{"class-name": name, "confidence": number}
                ),
            ),
            "tags": (
                self.maybe(st.lists(self.maybe(st.integers(0, 3)), max_size=3)),
                self.metadata(
                    "groundtruth/image-classification-multilabel",
                    **{
                        "class-map": class_maps,
                        "confidence-map": self.maybe(
                            st.dictionaries(st.sampled_from("012"), number)
                        ),
                    },
                ),
            ),
            "boxes": (
                self.maybe(
                    self.optional(
                        annotations=self.maybe(st.lists(box, max_size=3)),
                        image_size=self.maybe(
                            st.lists(self.optional(width=number, height=number), max_size=2)
                        ),
                    )
                ),
                self.metadata(
                    "groundtruth/object-detection",
                    **{
                        "class-map": class_maps,
                        "class_map": class_maps,
                        "objects": self.maybe(
                            st.lists(self.optional(confidence=number), max_size=3)
                        ),
                    },
                ),
            ),
            "seg-ref": (
                self.refs,
                self.metadata(
                    "groundtruth/semantic-segmentation",
                    **{
                        "internal-color-map": self.maybe(
                            st.dictionaries(st.sampled_from("012"), entry, max_size=3)
                        ),
                        "color-map": st.dictionaries(
                            st.sampled_from("01"), st.fixed_dictionaries({"class-name": NAMES})
                        ),
                    },
                ),
            ),
        }

    def maybe(self, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(values, values, values, ODD, st.just({})) if self.odd else values

    def optional(self, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        """Objects with every one of ``fields`` (any subset of them, when odd)."""
        if self.odd:
            return st.fixed_dictionaries({}, optional=fields)
        return st.fixed_dictionaries(fields)

    def metadata(self, label_type: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        common = {
            "human-annotated": self.maybe(st.sampled_from(["yes", "no"])),
            "job-name": self.maybe(st.sampled_from(["labeling-job/a", "labeling-job/b"])),
            "creation-date": self.maybe(DATES),
        }
        typed = st.fixed_dictionaries({"type": st.just(label_type)}, optional={**common, **fields})
        if not self.odd:
            return typed
        untyped = st.one_of(
            st.fixed_dictionaries({}, optional=common), st.sampled_from([None, "t", [1]])
        )
        return st.one_of(typed, typed, typed, typed, untyped)

    @st.composite
    def records(draw: st.DrawFn, self: Shapes) -> dict[str, Any]:
        record: dict[str, Any] = {}
        if draw(st.integers(0, 9)):
            record["source-ref"] = draw(self.refs)
        for label in draw(st.lists(st.sampled_from(sorted(self.kinds)), max_size=2, unique=True)):
            value, meta = self.kinds[label]
            if draw(st.integers(0, 9)):
                record[label] = draw(value)
            if draw(st.integers(0, 9)):
                record[label + "-metadata"] = draw(meta)
            if label == "seg-ref" and not draw(st.integers(0, 4)):  # the DG's X-metadata by X-ref
                record["seg-metadata"] = draw(meta)
        if not draw(st.integers(0, 4)):
            record["note"] = draw(st.one_of(ODD, NUMBERS, st.just({})))
        keys = draw(st.permutations(list(record)))
        return {key: record[key] for key in keys}


@st.composite
def lines(draw: st.DrawFn, shapes: Shapes) -> bytes:
    shape = draw(st.integers(0, 19))
    if shape == 0 and shapes.odd:
        return draw(st.sampled_from([b"{not json\n", b"\n", b"[1, 2]\n", b'{"a": 1} x\n']))
    record = draw(shapes.records())
    if shape == 1:  # spaced, as json.dumps writes it
        return json.dumps(record).encode() + b"\n"
    if shape == 2:  # every slash escaped: "s3:\/\/b\/k.jpg"
        return orjson.dumps(record).replace(b"/", b"\\/") + b"\n"
    return orjson.dumps(record) + b"\n"


CLEAN, MIXED = Shapes(odd=False), Shapes(odd=True)
MANIFESTS = st.one_of(
    st.lists(lines(CLEAN), min_size=1, max_size=60), st.lists(lines(MIXED), min_size=1, max_size=60)
).map(lambda found: found * 2 if len(found) < 20 else found)  # repeats: every URI seen twice


# -- the three ways ---------------------------------------------------------------------


def line_by_line(manifest: list[bytes], attrs: list[str] | None = None) -> Stats:
    fold = StatsFold("m", attrs)
    for line_no, line in enumerate(manifest, 1):
        fold.add(line_no, line)
    return fold.finish()


def in_chunks(manifest: list[bytes], size: int, attrs: list[str] | None = None) -> Stats:
    fold = StatsFold("m", attrs)
    for start in range(0, len(manifest), size):
        fold.add_chunk(start + 1, manifest[start : start + size])
    return fold.finish()


@contextmanager
def generic_only() -> Iterator[None]:
    """Every typed decode finds every value odd: labels go through the per-line readers."""

    def odd(decoder: Any, values: Any, *args: Any) -> list[None]:
        return [None] * len(values)

    with (
        mock.patch.object(metadata, "decode_typed", odd),
        mock.patch.object(labelcolumns, "decode_typed", odd),
    ):
        yield


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MANIFESTS, st.integers(2, 64), st.sampled_from([3, 8192]))
def test_chunks_fold_exactly_as_lines_do(manifest: list[bytes], size: int, batch: int) -> None:
    with mock.patch.object(fold_module, "BATCH", batch):  # buffers flushed inside chunks too
        one = line_by_line(manifest)
        assert in_chunks(manifest, size) == one
        assert in_chunks(manifest, len(manifest)) == one
        with generic_only():
            assert in_chunks(manifest, len(manifest)) == one


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MANIFESTS)
def test_chunks_fold_exactly_as_lines_do_with_attrs(manifest: list[bytes]) -> None:
    attrs = ["source-ref", "boxes", "class"]
    assert in_chunks(manifest, len(manifest), attrs) == line_by_line(manifest, attrs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MANIFESTS)
def test_capped_sections_fold_exactly_as_lines_do(manifest: list[bytes]) -> None:
    with (
        mock.patch.object(fold_module, "MAX_SECTIONS", 1),
        mock.patch.object(fold_module, "MAX_KEYS", 3),
    ):
        assert in_chunks(manifest, len(manifest)) == line_by_line(manifest)


@settings(max_examples=100, deadline=None)
@given(st.lists(MIXED.refs, min_size=1, max_size=80).map(lambda uris: uris + uris[::3]))
def test_refs_match_a_count_uri_by_uri(uris: list[Any]) -> None:
    manifest = [orjson.dumps({"a-ref": uri}) + b"\n" for uri in uris]
    ref = in_chunks(manifest, len(manifest)).refs["a-ref"]
    strings = [uri for uri in uris if isinstance(uri, str)]
    s3 = [uri for uri in strings if uri.startswith("s3://")]
    folders = Counter(map(folder_of, s3))
    assert (ref.values, ref.not_strings, ref.not_s3) == (
        len(uris),
        len(uris) - len(strings),
        len(strings) - len(s3),
    )
    assert ref.prefixes.items == dict(sorted(folders.items(), key=lambda kv: (-kv[1], kv[0])))
    buckets = Counter(uri[5:].partition("/")[0] for uri in s3)
    assert ref.buckets.items == dict(sorted(buckets.items(), key=lambda kv: (-kv[1], kv[0])))
    extensions = Counter(map(extension_of, s3))
    assert ref.extensions.items == dict(sorted(extensions.items(), key=lambda kv: (-kv[1], kv[0])))
    assert ref.distinct == len(set(strings))
    lines: dict[str, list[int]] = {}
    for line_no, uri in enumerate(uris, 1):
        if isinstance(uri, str):
            lines.setdefault(uri, []).append(line_no)
    repeated = sorted((found for found in lines.values() if len(found) > 1), key=itemgetter(1))
    assert (ref.repeated_uris, ref.repeat_lines) == (
        len(repeated),
        sum(len(r) - 1 for r in repeated),
    )
    assert [(r.count, r.lines) for r in ref.repeats] == [
        (len(r), tuple(r[:5])) for r in repeated[:20]
    ]


@pytest.mark.parametrize(
    ("uri", "extension"),
    [
        ("s3://b/a.jpg", "jpg"),
        ("s3://b/.jpg", NO_EXTENSION),
        ("s3://b/.d/x", NO_EXTENSION),
        ("s3://b.c", "c"),
        ("s3://b/x.", NO_EXTENSION),
        ("s3://b/X.JPG", "jpg"),
    ],
)
def test_extension_of(uri: str, extension: str) -> None:
    assert extension_of(uri) == extension


def test_a_type_key_written_with_escapes_makes_no_label() -> None:
    """As decode_metadata reads it: only a "type" written as such names a label kind."""
    meta = b'{"typ\\u0065":"groundtruth/image-classification","class-name":"cat"}'
    plain = b'{"type":"groundtruth/image-classification","class-name":"dog"}'
    manifest = [b'{"c":1,"c-metadata":%s}\n' % m for m in (meta, plain, meta, plain)]
    assert in_chunks(manifest, 4) == line_by_line(manifest)
    assert in_chunks(manifest, 4).labels["c"].classes.items == {"dog": 2}


# -- the column path is the one that runs -------------------------------------------


def test_a_clean_bounding_box_chunk_never_goes_line_by_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    def per_line(*args: Any) -> None:
        raise AssertionError("a clean chunk went through the per-line readers")

    monkeypatch.setattr(LabelFold, "add", per_line)
    monkeypatch.setattr(LabelFold, "read", per_line)
    monkeypatch.setattr(metadata, "decode_metadata", per_line)
    path = tmp_path / "boxes.manifest"
    made = [
        {
            "source-ref": f"s3://b/images/{i:04d}.jpg",
            "bounding-box": {
                "image_size": [{"width": 640, "height": 480, "depth": 3}],
                "annotations": [
                    {"class_id": i % 3, "top": 1, "left": 2, "width": 30, "height": 40}
                ],
            },
            "bounding-box-metadata": {
                "objects": [{"confidence": 0.5}],
                "class-map": {str(i % 3): "cat"},
                "type": "groundtruth/object-detection",
                "human-annotated": "yes",
                "creation-date": "2024-01-01T00:00:00",
                "job-name": "labeling-job/boxes",
            },
        }
        for i in range(3000)
    ]
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in made))
    label = augman.stats(str(path)).labels["bounding-box"]
    assert label.lines == 3000 and label.counts == {"boxes": 3000}
    assert label.classes.items == {"cat": 3000}
