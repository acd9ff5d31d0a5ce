"""augman.stats on hand-written and generated manifests: every figure, kind by kind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest

import augman
from augman.statistics.fold import StatsFold, label_pairs
from benchmarks.generate import generate
from tests.conftest import subprocess_env

STATS = Path(__file__).parent.parent / "data" / "stats"


def stats_of(name: str, attrs: list[str] | None = None) -> Any:
    return augman.stats(str(STATS / f"{name}.manifest"), attrs=attrs)


def bins(histogram: Any) -> dict[str, int]:
    return {label: n for label, n in histogram.bins if n}


def test_classification_counts_classes_by_name_confidence_and_who_labelled() -> None:
    label = stats_of("classification").labels["class"]
    assert label.kind == "classification" and label.lines == 10
    assert label.types.items == {"groundtruth/image-classification": 10}
    assert label.classes.items == {"cat": 6, "dog": 3, "bird": 1}
    assert bins(label.confidence) == {
        "0.4-0.5": 1, "0.5-0.6": 1, "0.6-0.7": 1, "0.7-0.8": 1, "0.8-0.9": 2, "0.9-1.0": 4,
    }  # fmt: skip
    assert label.human_annotated.items == {"yes": 9, "no": 1}
    assert label.jobs.items == {"labeling-job/animals": 10}
    assert (label.first_date, label.last_date) == (
        "2024-05-01T12:00:00.000000",
        "2024-05-10T12:00:00.000000",
    )


def test_classification_without_class_name_counts_the_label_value(write_manifest: Any) -> None:
    meta = {"type": "groundtruth/text-classification", "confidence": 0.5}
    lines = [orjson.dumps({"source": "text", "c": v, "c-metadata": meta}) for v in (1, "1", 2)]
    label = augman.stats(str(write_manifest(*lines))).labels["c"]
    assert label.classes.items == {"1": 2, "2": 1}


def test_multi_label_counts_label_set_sizes_and_classes_through_the_class_map() -> None:
    label = stats_of("multi-label").labels["scene"]
    assert label.kind == "multi-label" and label.class_unit == "labels"
    assert label.classes.items == {"sky": 4, "person": 3, "tree": 3, "water": 3}
    assert bins(label.histograms["labels_per_line"]) == {"0": 1, "1": 2, "2": 2, "3": 1, "4": 1}
    assert label.confidence.count == 13  # one per confidence-map entry


def test_bounding_boxes_per_image_per_class_and_relative_size() -> None:
    label = stats_of("bounding-box").labels["bounding-box"]
    assert label.kind == "bounding-box" and label.class_unit == "boxes"
    assert label.classes.items == {"dog": 9, "cat": 7}
    assert label.counts == {"boxes": 16}
    boxes = label.histograms["boxes_per_image"]
    assert bins(boxes) == {"0": 2, "1": 4, "2": 6} and boxes.mean == pytest.approx(16 / 12)
    area = label.histograms["box_area"]
    assert area.count == 16 and bins(area) == {"0.1-1%": 3, "1-5%": 4 + 5, "5-10%": 4}
    assert label.confidence.count == 16


def test_boxes_without_image_size_are_counted_not_sized(write_manifest: Any) -> None:
    value = {"annotations": [{"class_id": 0, "left": 0, "top": 0, "width": 5, "height": 5}]}
    meta = {"type": "groundtruth/object-detection", "class-map": {"0": "cat"}}
    path = write_manifest(orjson.dumps({"b": value, "b-metadata": meta}))
    label = augman.stats(str(path)).labels["b"]
    assert label.classes.items == {"cat": 1}
    assert label.counts == {"boxes": 1, "boxes_without_image_size": 1}
    assert label.histograms["box_area"].count == 0


def test_segmentation_counts_images_per_class_in_the_colour_map() -> None:
    stats = stats_of("segmentation")
    label = stats.labels["city-streets-ref"]  # line 4 spells it city-streets-metadata (the DG)
    assert label.kind == "segmentation" and label.lines == 4
    assert label.classes.items == {"BACKGROUND": 4, "car": 3, "road": 3, "pedestrian": 1}
    assert label.confidence.count == 4  # one per image
    assert set(stats.refs) == {"source-ref", "city-streets-ref"}


def test_mixed_manifest_has_one_section_per_label_and_skips_untyped_metadata() -> None:
    stats = stats_of("mixed")
    assert list(stats.labels) == ["class", "boxes"]  # not source-ref (its metadata has no type)
    assert stats.labels["boxes"].classes.items == {"chair": 4, "table": 2}
    assert stats.attributes["note"].types == {"null": 1}
    assert stats.attributes["flag"].types == {"boolean": 1}
    assert stats.refs["source-ref"].extensions.items == {"jpg": 4, "(none)": 1}


@pytest.mark.parametrize(
    ("kind", "labels"),
    [
        ("classification", {"class": "classification"}),
        ("bounding-box", {"bounding-box": "bounding-box"}),
        ("segmentation", {"city-streets-ref": "segmentation"}),
        (
            "mixed",
            {
                "class": "classification",
                "bounding-box": "bounding-box",
                "city-streets-ref": "segmentation",
            },
        ),
    ],
    ids=["classification", "bounding-box", "segmentation", "mixed"],
)
def test_generated_manifests_of_every_kind(
    tmp_path: Path, kind: str, labels: dict[str, str]
) -> None:
    made = generate(tmp_path / "g.manifest", 300, kind, seed=3, defect_rate=0.05)
    stats = augman.stats(str(made.path))
    assert {name: label.kind for name, label in stats.labels.items()} == labels
    duplicated = {line for line, d in made.defects.items() if d == "duplicate-key"}
    for label in stats.labels.values():  # a repeated key whose last value is null
        assert set(label.malformed_lines) <= duplicated
    invalid = sum(1 for d in made.defects.values() if d in ("invalid-json", "nan", "bom"))
    assert stats.invalid_lines == invalid
    assert stats.lines == 300 and stats.bytes == made.path.stat().st_size


def test_invalid_lines_are_counted_with_their_rule_and_not_sampled() -> None:
    stats = stats_of("invalid")
    assert (stats.lines, stats.valid_lines, stats.invalid_lines) == (8, 5, 3)
    assert [(bad.line, bad.code) for bad in stats.invalid_examples] == [
        (2, "AM101"), (3, "AM103"), (6, "AM102"),
    ]  # fmt: skip
    assert stats.samples == 5
    assert stats.findings == {"AM101": 1, "AM102": 1, "AM103": 1, "AM301": 1, "AM302": 1}
    assert stats.labels["boxes"].malformed == 1 and stats.labels["boxes"].malformed_lines == (5,)


def test_attrs_limit_the_report_and_count_lines_that_have_all_of_them() -> None:
    stats = stats_of("invalid", ["source-ref", "class"])
    assert list(stats.attributes) == ["source-ref", "class"]
    assert stats.attributes["source-ref"].present == 4 and stats.attributes["class"].present == 4
    assert stats.samples == 3 and stats.records == 6  # lines 1, 4 and 7
    assert list(stats.labels) == ["class"] and list(stats.refs) == ["source-ref"]
    assert stats.findings["AM201"] == 2  # the same rule validate applies
    assert "source-ref, class" in stats.counted


def test_an_attribute_no_line_has_is_reported_with_zero_coverage() -> None:
    stats = stats_of("classification", ["source-ref", "klass"])
    assert stats.attributes["klass"].present == 0 and stats.samples == 0


def test_refs_buckets_prefixes_extensions_and_repeats() -> None:
    ref = stats_of("classification").refs["source-ref"]
    assert (ref.values, ref.distinct) == (10, 9)
    assert ref.buckets.items == {"pets-bucket": 10}
    assert ref.prefixes.items == {"s3://pets-bucket/images/": 10}
    assert ref.extensions.items == {"jpg": 10}
    assert (ref.repeated_uris, ref.repeat_lines) == (1, 1)
    assert [(r.uri, r.count, r.lines) for r in ref.repeats] == [
        ("s3://pets-bucket/images/0002.jpg", 2, (3, 8))
    ]


def test_repeats_beyond_the_examples_are_still_counted() -> None:
    fold = StatsFold("m")
    line_no = 0
    for _copy in range(3):
        for i in range(30):
            line_no += 1
            fold.add(line_no, orjson.dumps({"source-ref": f"s3://b/{i}.jpg"}) + b"\n")
    ref = fold.finish().refs["source-ref"]
    assert (ref.distinct, ref.repeated_uris, ref.repeat_lines) == (30, 30, 60)
    assert len(ref.repeats) == 20  # EXAMPLES
    assert ref.repeats[0].uri == "s3://b/0.jpg"
    assert ref.repeats[0].count == 3 and ref.repeats[0].lines == (1, 31, 61)


def test_escaped_uris_are_decoded_before_comparing(write_manifest: Any) -> None:
    path = write_manifest('{"a-ref":"s3://b/k.jpg"}', '{"a-ref":"s3:\\/\\/b\\/k.jpg"}')
    assert augman.stats(str(path)).refs["a-ref"].repeated_uris == 1


@pytest.mark.parametrize(
    ("keys", "pairs"),
    [
        (("a", "a-metadata"), [("a", "a-metadata")]),
        (("a-ref", "a-metadata"), [("a-ref", "a-metadata")]),
        (("a-ref", "a-ref-metadata"), [("a-ref", "a-ref-metadata")]),
        (("b", "a-metadata"), []),
        (("-metadata",), []),
    ],
    ids=["plain", "dg-segmentation-spelling", "ref", "orphan-metadata", "bare-suffix"],
)
def test_label_pairs(keys: tuple[str, ...], pairs: list[tuple[str, str]]) -> None:
    assert label_pairs(keys) == pairs


def test_memory_does_not_grow_with_lines_that_repeat_uris(tmp_path: Path) -> None:
    # In a process of its own: threads other tests left (a hung fetch's daemon worker)
    # would allocate under tracemalloc too, and a single peak varies by some 60 kB.
    code = f"""
import tracemalloc
from pathlib import Path

import augman
from augman.statistics import fold as statistics

statistics.BATCH = 256  # buffers are flushed every BATCH lines


def peak(lines):
    path = Path({str(tmp_path)!r}) / f"{{lines}}.manifest"
    line = b'{{"source-ref":"s3://b/%d.jpg","c":1}}\\n'
    path.write_bytes(b"".join(line % (i % 50) for i in range(lines)))
    tracemalloc.start()
    augman.stats(str(path))
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return top


peak(100)  # the first stats call imports modules and makes decoders: that is no growth
# the least of three: a peak also catches what the collector has not freed yet
print(min(peak(16_000) for _ in range(3)), min(peak(2_000) for _ in range(3)))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env()
    )
    assert done.returncode == 0, done.stderr
    large, small = map(int, done.stdout.split())
    assert large < small + 100_000, (large, small)


@pytest.mark.parametrize(
    ("uri", "bucket", "prefix", "extension"),
    [
        ("s3://b/k.jpg", "b", "s3://b/", "jpg"),
        ("s3://b/a/b/c.tar.GZ", "b", "s3://b/a/b/", "gz"),
        ("s3://b/a/noext", "b", "s3://b/a/", "(none)"),
        ("s3://b/a/.hidden", "b", "s3://b/a/", "(none)"),
        ("s3://b/a/trailing.", "b", "s3://b/a/", "(none)"),
        ("s3://b/a.d/file", "b", "s3://b/a.d/", "(none)"),
        ("s3://bucket-only", "bucket-only", "s3://bucket-only/", "(none)"),
    ],
    ids=["plain", "nested", "no-extension", "dotfile", "trailing-dot", "dot-in-folder", "no-key"],
)
def test_where_a_ref_points(uri: str, bucket: str, prefix: str, extension: str) -> None:
    from augman.statistics.columns import Column
    from augman.statistics.refstats import RefFold

    fold = RefFold("a-ref")
    fold.add_column(Column([1], [msgspec.Raw(b'"s3://other/x/y.png"')]))  # another folder first
    fold.add_column(Column([2], [msgspec.Raw(orjson.dumps(uri))]))
    ref = fold.freeze()
    assert ref.buckets.items.get(bucket) == (2 if bucket == "other" else 1)
    assert ref.prefixes.items.get(prefix) == 1
    assert ref.extensions.items.get(extension) == 1


def test_caps_keep_memory_bounded_and_say_what_was_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from augman.statistics import fold as statistics

    monkeypatch.setattr(statistics, "MAX_KEYS", 4)
    monkeypatch.setattr(statistics, "MAX_SECTIONS", 1)
    monkeypatch.setattr(statistics, "MAX_SHAPES", 1)  # later key sets are planned every time
    meta = {"type": "groundtruth/image-classification", "class-name": "x"}
    fold = StatsFold("m")
    for line_no in range(1, 4):
        record = {f"k{line_no}-ref": "s3://b/1.jpg", f"l{line_no}": 0, f"l{line_no}-metadata": meta}
        fold.add(line_no, orjson.dumps(record) + b"\n")
    stats = fold.finish()
    assert list(stats.attributes) == ["k1-ref", "l1", "l1-metadata", "k2-ref"]
    assert list(stats.refs) == ["k1-ref"] and list(stats.labels) == ["l1"]
    # line 2: its ref (over MAX_SECTIONS), 2 keys (over MAX_KEYS), its label; line 3: 3 keys, label
    assert stats.untracked_values == 1 + 2 + 1 + 3 + 1
    assert stats.valid_lines == stats.samples == 3


def test_class_names_follow_each_line_s_class_map(write_manifest: Any) -> None:
    def line(class_map: dict[str, str], *ids: int) -> bytes:
        boxes = [{"class_id": i, "left": 0, "top": 0, "width": 1, "height": 1} for i in ids]
        meta = {"type": "groundtruth/object-detection", "class-map": class_map}
        return orjson.dumps({"b": {"annotations": boxes}, "b-metadata": meta})

    path = write_manifest(
        line({"0": "cat"}, 0, 0),
        line({"0": "kitten"}, 0),  # renamed by a later job: counted under the new name
        line({}, 0, 1),  # no class-map: the last name given to 0; 1 was never named
    )
    label = augman.stats(str(path)).labels["b"]
    assert label.classes.items == {"cat": 2, "kitten": 2, "1": 1}
