"""Label metadata a column at a time, decoded with the vocabulary the manifest has used so far.

Most of what decoding a metadata object costs is making its strings: the type,
the job name, the class names and ids of its class-map. Those take few values
over a whole manifest, so :class:`MetadataDecoder` decodes them as ``Literal``
types of the values seen so far: msgspec then hands out the one str object it
holds for each value instead of making a new one (and its hash is cached for the
counters). A value not seen before fails that decode; the values that failed are
decoded with the plain :class:`~augman.statistics.groundtruth.Metadata`, their
new words learnt, and the decoder rebuilt. Either way each value decodes to
equal strings, so what is counted does not depend on the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, cast

import msgspec

from augman.statistics.columns import OBJECT, Column
from augman.statistics.groundtruth import (
    METADATA,
    Colour,
    Metadata,
    decode_metadata,
    decode_typed,
)

VOCABULARY = 1000  # words learnt per field; a field with more stays a plain str
WORDS = ("type", "human", "job", "names", "ids")
Decoded = Metadata | dict[str, Any] | None


class MetadataDecoder:
    """Decodes columns of ``<label>-metadata`` values; one per manifest (it learns)."""

    def __init__(self) -> None:
        self.words: dict[str, set[str] | None] = {name: set() for name in WORDS}  # None: open
        self.fast: msgspec.json.Decoder[Metadata] | None = None

    def decode(self, column: Column) -> list[Decoded]:
        """Each value as :class:`Metadata`, as a dict when odd, or None when not a label's.

        A metadata object is a label's only if its bytes hold ``"type"`` as written
        (a key spelled with escapes does not count, as in ``decode_metadata``).
        """
        values, joined = column.values, column.joined
        if b'"type"' not in joined:
            return [None] * len(values)  # e.g. source-ref-metadata of 3D point-cloud frames
        typed = self._typed(column)
        escaped = b"\\" in joined
        if all(typed) and not escaped:
            column.known = OBJECT
            return cast("list[Decoded]", typed)  # no None in it
        return [_label(meta, value, escaped) for meta, value in zip(typed, values, strict=True)]

    def _typed(self, column: Column) -> list[Metadata | None]:
        if self.fast is None:
            decoded = decode_typed(METADATA, column.values, column.joined)
            self._learn(decoded)
            return decoded
        decoded = decode_typed(self.fast, column.values, column.joined, METADATA)
        if Metadata in set(map(type, decoded)):  # some held a word not learnt yet
            self._learn(meta for meta in decoded if type(meta) is Metadata)
        return decoded

    def _learn(self, metas: Iterable[Metadata | None]) -> None:
        found: dict[str, set[str]] = {name: set() for name in WORDS}
        for meta in metas:
            if meta is not None:
                _words_of(meta, found)
        grew = False
        for name, new in found.items():
            known = self.words[name]
            if known is not None and not new <= known:
                known |= new
                if len(known) > VOCABULARY:
                    self.words[name] = None
                grew = True
        if grew:
            self.fast = msgspec.json.Decoder(_fast_metadata(self.words))


def _words_of(meta: Metadata, found: dict[str, set[str]]) -> None:
    found["type"].add(meta.type)
    for name, word in (
        ("human", meta.human_annotated),
        ("job", meta.job_name),
        ("names", meta.class_name),
    ):
        if word is not None:
            found[name].add(word)
    for names in (meta.class_map, meta.class_map_3d):
        if names:
            found["ids"].update(names)
            found["names"].update(names.values())
    for colours in (meta.internal_color_map, meta.color_map):
        if isinstance(colours, dict):
            found["ids"].update(colours)
            found["names"].update(colour.class_name for colour in colours.values())


def _fast_metadata(words: dict[str, set[str] | None]) -> type[Metadata]:
    """:class:`Metadata` with its word fields typed as the words learnt (each a ``Literal``)."""

    def word(name: str) -> Any:
        known = words[name]
        # "" keeps a Literal of no words valid; taking "" as a word is right anyway
        return str if known is None else Literal[tuple(sorted(known | {""}))]  # type: ignore[misc]

    ids, names = word("ids"), word("names")
    colour = msgspec.defstruct(
        "Colour",
        [("class_name", names, msgspec.field(name="class-name"))],
        bases=(Colour,),
        gc=False,
    )
    colours = dict[ids, colour]  # type: ignore[valid-type]
    fast = msgspec.defstruct(
        "Metadata",
        [
            ("type", word("type")),
            ("human_annotated", word("human") | None, _named("human-annotated")),
            ("job_name", word("job") | None, _named("job-name")),
            ("class_name", names | None, _named("class-name")),
            ("class_map", dict[ids, names] | None, _named("class-map")),  # type: ignore[valid-type]
            ("class_map_3d", dict[ids, names] | None, _named("class_map")),  # type: ignore[valid-type]
            (
                "internal_color_map",
                colours | msgspec.UnsetType,
                msgspec.field(default=msgspec.UNSET, name="internal-color-map"),
            ),
            ("color_map", colours | None, _named("color-map")),
        ],
        bases=(Metadata,),
        gc=False,
    )
    return cast("type[Metadata]", fast)


def _named(name: str) -> Any:
    return msgspec.field(default=None, name=name)


def _label(meta: Metadata | None, value: Any, escaped: bool) -> Decoded:
    if meta is None:
        return decode_metadata(bytes(value))
    if escaped and b'"type"' not in bytes(value):
        return None  # its "type" key is spelled with escapes, which decode_metadata refuses
    return meta
