"""Thumbnails: images and segmentation masks fetched, downscaled with Pillow, made inlinable.

:class:`Thumbnailer` is a :class:`~augman.refs.Resolver` for :func:`augman.refs.prefetch`:
each "URI" it is given is a token for a :class:`Job` (an image, or a mask with its
colours), and its fetch returns the finished thumbnail, so fetching, decoding and
downscaling all run on the prefetch's worker threads (Pillow releases the GIL while
it decodes and resizes) and only small thumbnails are held. A fetch never raises:
an object that cannot be fetched or decoded becomes an :class:`Unavailable` with
the reason, drawn on its card.
"""

from __future__ import annotations

import base64
import io
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image, ImageChops, UnidentifiedImageError

from augman.errors import AugmanError
from augman.refs.objects import Fetched, Resolver

MAX_OBJECT = 64 << 20  # bytes; a larger object is not previewed (Ground Truth's limit is 40 MB)
JPEG_QUALITY = 80
# A class index without a colour in the label's map gets one of these (index 0 stays clear).
SPARE_COLOURS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6")


@dataclass(frozen=True)
class Thumb:
    """A downscaled image as PNG or JPEG bytes, and the size of the original."""

    data: bytes
    mime: str
    width: int
    height: int

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Unavailable:
    """Why an object has no thumbnail: it could not be fetched, or not decoded."""

    reason: str


Outcome = Thumb | Unavailable


@dataclass(frozen=True)
class Job:
    """One object to thumbnail: an image, or a segmentation mask (``colours`` given)."""

    uri: str
    colours: Mapping[str, tuple[str, str]] | None = None
    mask: bool = False


class Carried(tuple[bytes, ...]):
    """The chunks of a Fetched that :class:`Thumbnailer` returns, carrying the outcome itself.

    A tuple (the thumbnail's bytes, or none): prefetch hands an object a resolver has
    read whole through as it is, where it would read any other iterable into bytes.
    """

    outcome: Outcome

    def __new__(cls, outcome: Outcome) -> Carried:
        carried = super().__new__(cls, (outcome.data,) if isinstance(outcome, Thumb) else ())
        carried.outcome = outcome
        return carried


class Thumbnailer:
    """Fetches each :class:`Job`'s object with ``resolver`` and returns its thumbnail."""

    def __init__(self, resolver: Resolver, size: int, max_object: int = MAX_OBJECT) -> None:
        self._resolver = resolver
        self._size = size
        self._max = max_object
        self._jobs: dict[str, Job] = {}
        self._tokens = itertools.count()
        self._lock = threading.Lock()

    def ask(self, job: Job) -> str:
        """The token that stands for ``job`` in the URIs handed to prefetch."""
        with self._lock:
            token = f"job:{next(self._tokens)}"
            self._jobs[token] = job
        return token

    def fetch(self, uri: str) -> Fetched:
        with self._lock:
            job = self._jobs.pop(uri)
        outcome = self._make(job)
        return Fetched(len(outcome.data) if isinstance(outcome, Thumb) else 0, Carried(outcome))

    def _make(self, job: Job) -> Outcome:
        try:
            fetched = self._resolver.fetch(job.uri)
            if fetched.length > self._max:
                _close(fetched)
                return Unavailable(f"{fetched.length:,} bytes: too large to preview")
            data = b"".join(fetched.chunks)
        except AugmanError as exc:
            return Unavailable(f"cannot fetch: {exc.message}")
        try:
            if job.mask:
                return mask_thumbnail(data, self._size, job.colours or {})
            return image_thumbnail(data, self._size)
        except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
            return Unavailable(f"cannot decode: {exc}")
        except Exception as exc:  # a damaged file can make Pillow raise almost anything
            return Unavailable(f"cannot decode: {type(exc).__name__}: {exc}")


def _close(fetched: Fetched) -> None:
    """Let go of an object that will not be read (a large one may hold a connection)."""
    close = getattr(fetched.chunks, "close", None)
    if callable(close):
        close()


def image_thumbnail(data: bytes, size: int) -> Thumb:
    """``data`` (any format Pillow reads) at most ``size`` pixels wide and high, as JPEG or PNG."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        image.thumbnail((size, size), reducing_gap=2.0)  # JPEG: decoded at a reduced scale
        clear = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        small = image.convert("RGBA" if clear else "RGB")
    out = io.BytesIO()
    if clear:
        small.save(out, "PNG", optimize=True)
        return Thumb(out.getvalue(), "image/png", width, height)
    small.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Thumb(out.getvalue(), "image/jpeg", width, height)


def mask_thumbnail(data: bytes, size: int, colours: Mapping[str, tuple[str, str]]) -> Thumb:
    """A label PNG as a transparent RGBA mask in its classes' colours.

    A one-channel PNG (mode L or P) holds a class index per pixel, coloured by the
    ``internal-color-map`` entry of that index. An RGB one (as Ground Truth writes
    them) holds the classes' colours already; its background colour becomes clear.
    """
    with Image.open(io.BytesIO(data)) as label:
        width, height = label.size
        scale = min(1.0, size / max(width, height, 1))
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        if label.mode in ("L", "P"):
            indices = Image.frombytes("L", label.size, label.tobytes())
            mask = _coloured(indices.resize(target, Image.Resampling.NEAREST), colours)
        else:
            rgb = label.convert("RGB").resize(target, Image.Resampling.NEAREST)
            mask = _cleared(rgb, _background(colours))
    out = io.BytesIO()
    mask.save(out, "PNG", optimize=True)
    return Thumb(out.getvalue(), "image/png", width, height)


def _coloured(indices: Image.Image, colours: Mapping[str, tuple[str, str]]) -> Image.Image:
    table = [(0, 0, 0, 0)] * 256
    for index in range(1, 256):
        table[index] = (*_rgb(SPARE_COLOURS[index % len(SPARE_COLOURS)]), 255)
    for key, (name, hex_colour) in colours.items():
        if key.isdigit() and int(key) < 256:
            clear = name.upper() == "BACKGROUND"
            table[int(key)] = (0, 0, 0, 0) if clear else (*_rgb(hex_colour), 255)
    bands = [indices.point([entry[band] for entry in table]) for band in range(4)]
    return Image.merge("RGBA", bands)


def _cleared(rgb: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    difference = ImageChops.difference(rgb, Image.new("RGB", rgb.size, background))
    alpha = difference.convert("L").point([0] + [255] * 255)
    mask = rgb.convert("RGBA")
    mask.putalpha(alpha)
    return mask


def _background(colours: Mapping[str, tuple[str, str]]) -> tuple[int, int, int]:
    """The colour of the BACKGROUND class (white, as Ground Truth paints it, when not given)."""
    for name, hex_colour in colours.values():
        if name.upper() == "BACKGROUND":
            return _rgb(hex_colour)
    return (255, 255, 255)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    text = hex_colour.lstrip("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    try:
        value = int(text[:6], 16)
    except ValueError:
        return (128, 128, 128)
    return (value >> 16, (value >> 8) & 0xFF, value & 0xFF)
