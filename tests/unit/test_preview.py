"""augman.preview without a browser: which lines, which labels, thumbnails, the page's HTML."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import augman
from augman.previewing import labels
from augman.previewing.thumbnails import Thumb, Thumbnailer, Unavailable, mask_thumbnail

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MIRROR = f"s3://example-bucket/images={EXAMPLES / 'images'}"


def png(size: tuple[int, int], colour: Any = (0, 128, 0), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def cards(html: str) -> list[str]:
    return re.findall(r"<article .*?</article>", html, re.S)


# -- label kinds -------------------------------------------------------------------------


def meta(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": f"groundtruth/{kind}", **fields}


KIND_CASES = [
    pytest.param(
        3, meta("image-classification", **{"class-name": "cat", "confidence": 0.9}),
        "classification", [("cat", 0.9)], id="image-classification",
    ),
    pytest.param(
        "1", meta("text-classification", **{"class-name": "positive"}),
        "classification", [("positive", None)], id="text-classification",
    ),
    pytest.param(
        "1", meta("label-verification", **{"class-name": "good", "confidence": 0.5}),
        "verification", [("good", 0.5)], id="label-verification",
    ),
    pytest.param(
        [0, 2], meta("image-classification-multilabel", **{
            "class-map": {"0": "cat", "2": "bird"}, "confidence-map": {"0": 0.8, "2": 0.7}}),
        "multi-label", [("cat", 0.8), ("bird", 0.7)], id="multi-label",
    ),
    pytest.param(
        {"image_size": [{"width": 10, "height": 8}],
         "annotations": [{"class_id": 1, "left": 1, "top": 2, "width": 3, "height": 4}]},
        meta("object-detection", **{"class-map": {"1": "dog"}, "objects": [{"confidence": 0.6}]}),
        "bounding-box", [("dog", 0.6)], id="bounding-box",
    ),
    pytest.param(
        "s3://bkt/label.png", meta("semantic-segmentation", **{"internal-color-map": {
            "0": {"class-name": "BACKGROUND", "hex-color": "#ffffff", "confidence": 0.4},
            "1": {"class-name": "road", "hex-color": "#0000ff", "confidence": 0.4}}}),
        "segmentation", [("road", 0.4)], id="segmentation",
    ),
    pytest.param(
        {"annotations": {"entities": [{"label": "person", "startOffset": 0, "endOffset": 3}]}},
        meta("text-span", entities=[{"confidence": 0.7}]),
        "entities", [("person", 0.7)], id="named-entities",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("value", "metadata", "kind", "tags"), KIND_CASES)
def test_each_label_kind_is_read_from_its_metadata_type(
    value: Any, metadata: dict[str, Any], kind: str, tags: list[tuple[str, float | None]]
) -> None:
    label = labels.read("L", value, metadata)
    assert label.problem is None
    assert label.kind == kind
    assert [(t.name, t.confidence) for t in label.tags] == tags


def test_boxes_keep_their_image_size_and_edges() -> None:
    value, metadata = KIND_CASES[4].values[:2]
    label = labels.read("L", value, metadata)
    assert label.image_size == (10, 8)
    assert [(b.left, b.top, b.width, b.height) for b in label.boxes] == [(1, 2, 3, 4)]


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("class", 2, "classification"),
        ("class", "cat", "classification"),
        ("labels", [1, 4], "multi-label"),
        ("boxes", {"annotations": [], "image_size": []}, "bounding-box"),
        ("mask-ref", "s3://bkt/m.png", "segmentation"),
        ("ner", {"annotations": {"entities": []}}, "entities"),
        ("odd", {"x": 1}, "other"),
    ],
)
def test_attrs_without_metadata_are_read_by_their_shape(name: str, value: Any, kind: str) -> None:
    line = {"source-ref": "s3://bkt/i.jpg", name: value}
    (label,) = labels.labels_of(line, ["source-ref", name])
    assert label.kind == kind


def test_a_value_that_does_not_fit_its_type_is_a_problem_not_a_crash() -> None:
    label = labels.read("L", {"annotations": "no"}, meta("object-detection"))
    assert label.kind == "bounding-box" and label.problem is not None


def test_without_attrs_only_ground_truth_labels_are_drawn() -> None:
    line = {
        "source-ref": "s3://bkt/i.jpg",
        "class": 1,
        "note": "x",
        "class-metadata": meta("image-classification"),
    }
    assert [label.attribute for label in labels.labels_of(line, None)] == ["class"]


# -- thumbnails -------------------------------------------------------------------------


class Files:
    """A resolver over a dict of URIs to bytes; other URIs are missing."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects

    def fetch(self, uri: str) -> augman.Fetched:
        if uri not in self.objects:
            raise augman.RefError(uri, f"{uri}: no such object", exit_code=1)
        data = self.objects[uri]
        return augman.Fetched(len(data), [data])


def test_images_are_downscaled_and_failures_carry_their_reason() -> None:
    thumbnailer = Thumbnailer(
        Files({"s3://bkt/big": png((1000, 500)), "s3://bkt/bad": b"no image"}), 100
    )
    from augman.previewing.thumbnails import Carried, Job

    def outcome(uri: str) -> Any:
        fetched = thumbnailer.fetch(thumbnailer.ask(Job(uri)))
        assert isinstance(fetched.chunks, Carried)
        return fetched.chunks.outcome

    big = outcome("s3://bkt/big")
    assert isinstance(big, Thumb) and (big.width, big.height) == (1000, 500)
    assert Image.open(io.BytesIO(big.data)).size == (100, 50)
    missing, bad = outcome("s3://bkt/none"), outcome("s3://bkt/bad")
    assert isinstance(missing, Unavailable) and "no such object" in missing.reason
    assert isinstance(bad, Unavailable) and bad.reason.startswith("cannot decode")


def test_an_indexed_mask_takes_the_colour_map_and_its_background_is_clear() -> None:
    label = Image.new("L", (4, 2), 0)
    label.putpixel((3, 1), 1)
    out = io.BytesIO()
    label.save(out, "PNG")
    colours = {"0": ("BACKGROUND", "#ffffff"), "1": ("road", "#ff8000")}
    mask = Image.open(io.BytesIO(mask_thumbnail(out.getvalue(), 64, colours).data))
    assert mask.getpixel((3, 1)) == (255, 128, 0, 255)
    assert mask.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_an_rgb_mask_keeps_its_colours_and_clears_the_background() -> None:
    label = Image.new("RGB", (4, 2), (255, 255, 255))
    label.putpixel((0, 0), (0, 0, 255))
    out = io.BytesIO()
    label.save(out, "PNG")
    mask = Image.open(io.BytesIO(mask_thumbnail(out.getvalue(), 64, {}).data))
    assert mask.getpixel((0, 0)) == (0, 0, 255, 255)
    assert mask.getpixel((1, 1))[3] == 0  # type: ignore[index]


# -- the page -------------------------------------------------------------------------


def test_the_examples_give_one_card_per_line_with_every_image_inline() -> None:
    result = augman.preview(str(EXAMPLES / "bounding-box.manifest"), mirrors=[MIRROR])
    assert (result.cards, result.lines_read, result.unavailable) == (12, 12, 0)
    found = cards(result.html)
    assert len(found) == 12 and all('src="data:image/jpeg;base64,' in card for card in found)
    assert found[1].count("<rect ") == 2 and "line 2" in found[1]
    assert "s3://example-bucket/images/0001.jpg" in found[1]
    assert not re.search(r"(src|href)=\"(https?:)?//", result.html)


def test_findings_and_unreadable_lines_are_on_their_cards(
    write_manifest: Callable[..., Path],
) -> None:
    good = '{"source-ref":"s3://bkt/a.png","class":1,"class-metadata":{"type":"groundtruth/image-classification","class-name":"cat"}}'
    path = write_manifest(good, '{"source-ref":"s3://bkt/a.png"}', "{not json", good)
    result = augman.preview(
        str(path), attrs=["source-ref", "class"], resolver=Files({"s3://bkt/a.png": png((8, 8))})
    )
    first, missing, broken, _ = cards(result.html)
    assert 'data-f="0"' in first and "has-findings" not in first
    assert "AM201" in missing and "has-findings" in missing
    assert "AM101" in broken and "invalid JSON" in broken
    assert result.with_findings == 2


def test_an_image_that_cannot_be_had_is_a_card_with_the_reason(
    write_manifest: Callable[..., Path],
) -> None:
    path = write_manifest('{"source-ref":"s3://bkt/gone.jpg"}', '{"source-ref":"s3://bkt/bad.jpg"}')
    result = augman.preview(str(path), resolver=Files({"s3://bkt/bad.jpg": b"\xff\xd8 broken"}))
    gone, bad = cards(result.html)
    assert "no such object" in gone and "cannot decode" in bad
    assert result.unavailable == 2


def test_sample_draws_the_lines_select_draws(tmp_path: Path) -> None:
    lines = [json.dumps({"source": f"text {n}", "n": n}) for n in range(200)]
    path = tmp_path / "m.manifest"
    path.write_text("\n".join(lines) + "\n")
    out = io.BytesIO()
    augman.select(str(path), out, sample=7, seed=3)
    chosen = [json.loads(line)["n"] + 1 for line in out.getvalue().splitlines()]
    html = augman.preview(str(path), sample=7, seed=3).html
    assert [int(n) for n in re.findall(r'id="line-(\d+)"', html)] == chosen


def test_head_where_and_the_card_limit(tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_text("".join(json.dumps({"source": "t", "n": n}) + "\n" for n in range(50)))
    assert augman.preview(str(path), head=5).cards == 5
    odd = augman.preview(str(path), where="n > `45`")
    assert re.findall(r'id="line-(\d+)"', odd.html) == ["47", "48", "49", "50"]
    limited = augman.preview(str(path), limit=10)
    assert (limited.cards, limited.more, limited.lines_read) == (10, 40, 50)
    assert "40 more lines not shown" in limited.html


def test_text_is_escaped_and_entities_are_marked(write_manifest: Callable[..., Path]) -> None:
    line = {
        "source": "<b>Ada</b> & Bob",
        "ner": {
            "annotations": {"entities": [{"label": "<i>p</i>", "startOffset": 3, "endOffset": 6}]}
        },
        "ner-metadata": meta("text-span"),
    }
    result = augman.preview(str(write_manifest(json.dumps(line))))
    (card,) = cards(result.html)
    assert "<b>" not in card and "<i>" not in card
    assert (
        '&lt;b&gt;<mark style="--c:' in card
        and ">Ada<sub>&lt;i&gt;p&lt;/i&gt;</sub></mark>" in card
    )


def test_the_page_is_written_whole_to_out(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = augman.preview(str(EXAMPLES / "text.manifest"), out)
    assert out.read_text(encoding="utf-8") == result.html and result.output == str(out)


def test_images_come_from_s3(s3: Any, write_manifest: Callable[..., Path]) -> None:
    s3.create_bucket(Bucket="pics")
    s3.put_object(Bucket="pics", Key="a.png", Body=png((20, 10)))
    path = write_manifest('{"source-ref":"s3://pics/a.png"}', '{"source-ref":"s3://pics/none.png"}')
    result = augman.preview(str(path), s3_client=lambda: s3)
    here, gone = cards(result.html)
    assert "data:image/jpeg" in here and "aspect-ratio:20/10" in here
    assert "cannot fetch" in gone and result.unavailable == 1


def test_a_thousand_cards_are_quick(tmp_path: Path) -> None:
    line = (EXAMPLES / "bounding-box.manifest").read_text().splitlines()[1]
    path = tmp_path / "m.manifest"
    path.write_text((line + "\n") * 1000)
    started = time.perf_counter()
    result = augman.preview(str(path), mirrors=[MIRROR])
    assert result.cards == 1000 and result.unavailable == 0
    assert time.perf_counter() - started < 10


def test_an_object_too_large_to_preview_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(png((4, 4)) + b"\0" * 100)
    resolver = augman.S3Resolver([augman.Mirror.parse(f"s3://bkt/i={tmp_path}")], small_object=10)
    from augman.previewing.thumbnails import Carried, Job

    thumbnailer = Thumbnailer(resolver, 64, max_object=50)
    fetched = thumbnailer.fetch(thumbnailer.ask(Job("s3://bkt/i/big.png")))
    assert isinstance(fetched.chunks, Carried)
    assert isinstance(fetched.chunks.outcome, Unavailable)
    assert "too large to preview" in fetched.chunks.outcome.reason
