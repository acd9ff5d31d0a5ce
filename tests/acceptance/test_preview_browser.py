"""The preview page in a real browser: boxes and masks land where the labels say, offline.

Each test renders a page in headless Chromium (tests/browser.py) and reads pixels of
the screenshot with Pillow: the image is found by its colour, and the drawing is
checked at the places the annotation names, scaled as the page scaled the image.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

import augman
from tests.browser import dom, screenshot

ROOT = Path(__file__).resolve().parents[2]
Pixel = tuple[int, ...]


def _write_image(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def _region(shot: Image.Image, test: Callable[[Pixel], bool]) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of the large area of pixels that pass ``test``.

    Areas less than 15 pixels across (text, borders, legend swatches) are left out.
    """
    mask = Image.new("L", shot.size)
    pixels = zip(*[iter(shot.convert("RGB").tobytes())] * 3, strict=True)
    mask.putdata([255 if test(p) else 0 for p in pixels])
    box = mask.filter(ImageFilter.MinFilter(15)).getbbox()
    assert box is not None, "the image is not on the page"
    return (box[0] - 7, box[1] - 7, box[2] + 7, box[3] + 7)


def _is_red(p: Pixel) -> bool:
    return p[0] > 170 and p[1] < 100 and p[2] < 130


def _is_green(p: Pixel) -> bool:
    return p[1] > 150 and p[0] < 80 and p[2] < 80


def _near(
    shot: Image.Image, x: float, y: float, test: Callable[[Pixel], bool], reach: int = 3
) -> bool:
    return any(
        test(shot.getpixel((round(x) + dx, round(y) + dy)))  # type: ignore[arg-type]
        for dx in range(-reach, reach + 1)
        for dy in range(-reach, reach + 1)
    )


def test_a_box_is_drawn_where_the_annotation_says(tmp_path: Path) -> None:
    _write_image(tmp_path / "images" / "a.png", (400, 300), (0, 200, 0))
    line = {
        "source-ref": "s3://bucket/images/a.png",
        "boxes": {
            "image_size": [{"width": 400, "height": 300, "depth": 3}],
            "annotations": [{"class_id": 0, "left": 100, "top": 75, "width": 200, "height": 150}],
        },
        "boxes-metadata": {
            "type": "groundtruth/object-detection", "class-map": {"0": "cat"},
            "objects": [{"confidence": 0.9}],
        },
    }  # fmt: skip
    manifest = tmp_path / "m.manifest"
    manifest.write_text(json.dumps(line) + "\n")
    page = tmp_path / "p.html"
    augman.preview(str(manifest), page, mirrors=[f"s3://bucket/images={tmp_path / 'images'}"])

    shot = Image.open(screenshot(page, tmp_path / "shot.png")).convert("RGB")
    left, top, right, bottom = _region(shot, _is_green)
    scale = (right - left) / 400
    assert abs((bottom - top) / 300 - scale) < 0.02  # the image keeps its aspect ratio
    x0, y0, x1, y1 = (left + 100 * scale, top + 75 * scale, left + 300 * scale, top + 225 * scale)
    middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
    for x, y in [(x0, middle_y), (x1, middle_y), (middle_x, y1), (x0 + 0.9 * (x1 - x0), y0)]:
        assert _near(shot, x, y, _is_red), (x, y)
    for x, y in [
        (middle_x, middle_y),
        (left + 40 * scale, middle_y),
        (right - 40 * scale, middle_y),
    ]:
        assert not _near(shot, x, y, _is_red), (x, y)  # inside and outside the box: not drawn


def test_a_mask_covers_what_the_label_png_says(tmp_path: Path) -> None:
    _write_image(tmp_path / "images" / "a.png", (200, 100), (128, 128, 128))
    label = Image.new("L", (200, 100), 0)
    label.paste(1, (120, 0, 200, 100))  # class 1 on the right 80 columns
    label.save(tmp_path / "images" / "a-label.png")
    line = {
        "source-ref": "s3://bucket/images/a.png",
        "road-ref": "s3://bucket/images/a-label.png",
        "road-ref-metadata": {
            "type": "groundtruth/semantic-segmentation",
            "internal-color-map": {
                "0": {"class-name": "BACKGROUND", "hex-color": "#ffffff", "confidence": 0.8},
                "1": {"class-name": "road", "hex-color": "#0000ff", "confidence": 0.8},
            },
        },
    }
    manifest = tmp_path / "m.manifest"
    manifest.write_text(json.dumps(line) + "\n")
    page = tmp_path / "p.html"
    augman.preview(str(manifest), page, mirrors=[f"s3://bucket/images={tmp_path / 'images'}"])

    # The address sets the opacity slider to 100%: the mask's colour shows unblended.
    shot = Image.open(screenshot(page, tmp_path / "shot.png", hash="opacity=100")).convert("RGB")
    blue = _region(shot, lambda p: p[2] > 230 and p[0] < 30 and p[1] < 30)
    y, x = (blue[1] + blue[3]) // 2, blue[0] - 1
    while _is_grey(shot.getpixel((x - 1, y))):  # type: ignore[arg-type]
        x -= 1
    image_left, image_width = x, blue[2] - x
    assert abs((blue[0] - image_left) / image_width - 120 / 200) < 0.015  # where class 1 starts
    assert abs((blue[3] - blue[1]) / image_width - 100 / 200) < 0.015  # the image's whole height
    column = [shot.getpixel((image_left + 5, row)) for row in range(blue[1], blue[3])]
    assert all(_is_grey(p) for p in column)  # type: ignore[arg-type]  # left of it: no mask


def _is_grey(p: Pixel) -> bool:
    return all(118 <= c <= 138 for c in p)


def test_the_page_makes_no_request_and_its_filters_work(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    examples = ROOT / "examples"
    augman.preview(
        str(examples / "bounding-box.manifest"), page, attrs=["source-ref", "bounding-box"],
        mirrors=[f"s3://example-bucket/images={examples / 'images'}"],
    )  # fmt: skip
    text = page.read_text()
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text, re.I)
    assert text.count('src="data:image/') == 12

    dogs = dom(page, "class=dog")
    cards = re.findall(r'<article class="card[^"]*" id="line-(\d+)"[^>]*?( hidden="")?>', dogs)
    shown = {int(n) for n, hidden in cards if not hidden}
    with_dogs = {
        i + 1
        for i, ln in enumerate((examples / "bounding-box.manifest").open())
        if '"class_id":1' in ln
    }
    assert len(cards) == 12 and shown == with_dogs
    assert f"{len(with_dogs)} of 12 cards shown" in dogs


def test_the_readme_screenshot_is_the_bounding_box_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/preview.png; ``AUGMAN_UPDATE_GOLDEN=1`` makes it again."""
    monkeypatch.chdir(ROOT)
    page = tmp_path / "preview.html"
    examples = ROOT / "examples"
    augman.preview(
        "examples/bounding-box.manifest", page,
        mirrors=[f"s3://example-bucket/images={examples / 'images'}"],
    )  # fmt: skip
    shot = Image.open(screenshot(page, tmp_path / "shot.png", size=(1000, 640)))
    target = ROOT / "docs" / "preview.png"
    if os.environ.get("AUGMAN_UPDATE_GOLDEN") == "1":
        shot.convert("RGB").quantize(64).save(target, optimize=True)
    assert target.exists(), "run with AUGMAN_UPDATE_GOLDEN=1 to make docs/preview.png"
    assert Image.open(target).size == shot.size
    assert target.stat().st_size < 150_000
