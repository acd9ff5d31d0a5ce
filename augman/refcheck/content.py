"""Image headers read with Pillow: the format and size, or why the bytes are no image.

Only the first :data:`HEADER_BYTES` of an object are read. When that is the whole
object, it is decoded completely, so a truncated image is found; when it is not, only
the header is parsed (a cut in the middle of a large image is not seen).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class Picture:
    """An image header: Pillow's format name and the size in pixels."""

    format: str
    width: int
    height: int


def read_header(data: bytes, complete: bool) -> tuple[Picture | None, str | None]:
    """``(picture, None)`` for a readable image, ``(None, why)`` for anything else."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning and the like
            with Image.open(io.BytesIO(data)) as image:
                picture = Picture(str(image.format), *image.size)
                if complete:
                    image.load()
    except UnidentifiedImageError:
        return None, "not an image Pillow recognises"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        if not complete:
            return None, None  # the header runs past the bytes read: cannot tell
        return None, f"a damaged or truncated image ({exc})"
    return picture, None
