"""Per-line and per-file rules: each manifest line becomes its top-level object or findings.

The hot path decodes only the top level of each line (``msgspec`` with values left
raw), then checks what is cheap to check on raw bytes. Work that depends only on
which keys a line has (missing attributes, their order, which keys are ``-ref``) is
done once per distinct key set ("shape") and cached. A line the fast path refuses is
diagnosed exactly by :mod:`augman.checking.jsonline`.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

import msgspec

from augman import jsontext
from augman.checking import didyoumean, jsonline
from augman.checking.findings import Finding, Severity
from augman.checking.rules import RULES
from augman.inputs.lines import LongLine
from augman.inputs.s3uri import MAX_URI_LENGTH, S3Uri, S3UriError
from augman.printable import printable, quoted, shortened

Top = Mapping[str, msgspec.Raw]
Emit = Callable[[Finding], None]

MAX_SHAPES = 10_000  # distinct key sets remembered; beyond this, coverage is not tracked
LINES_PER_SHAPE = 10  # line numbers remembered per key set, for AM203 messages
MAX_GOOD_BUCKETS = 32  # valid bucket names remembered for the bulk -ref check
EMPTY_VALUES = {b"null", b'""', b"[]", b"{}"}
MAX_EMPTY_BYTES = 64  # an empty array or object is written in at most this many bytes
SPACED_EMPTY = re.compile(rb"\[[ \t\r\n]+\]|\{[ \t\r\n]+\}")


def is_empty_value(raw: bytes) -> bool:
    """null, "", or an array or object with only whitespace in it: ``[ ]`` (up to 64 bytes)."""
    if len(raw) > MAX_EMPTY_BYTES:
        return False
    return raw in EMPTY_VALUES or SPACED_EMPTY.fullmatch(raw) is not None


decode_top = msgspec.json.Decoder(dict[str, msgspec.Raw]).decode  # values stay raw JSON
DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)


@dataclass
class Shape:
    """What follows from a line's key set alone, computed once per distinct set."""

    missing: tuple[tuple[str, str], ...]  # (attribute, message)
    order: str | None
    refs: tuple[str, ...]
    selected: tuple[str, ...]
    count: int = 0
    lines: list[int] = field(default_factory=list)
    compact_length: int = 0  # of the keys: see compact_length
    has_checks: bool = False

    def __post_init__(self) -> None:
        self.has_checks = bool(self.missing or self.order or self.selected or self.refs)


class LineChecker:
    """Checks the lines of one manifest, in order, sending findings to ``emit``.

    ``attrs`` is AttributeNames (None: no attribute rules but AM203 coverage).
    ``check`` returns the line's top-level object (values raw) or None when the
    line is not a usable JSON object.
    """

    def __init__(
        self, source: str, emit: Emit, attrs: Sequence[str] | None = None, at_start: bool = True
    ) -> None:
        self.source = source
        self.bom_line = 1 if at_start else 0  # only a file's first line can carry a BOM
        self.emit = emit
        self.attrs = tuple(attrs) if attrs else None
        self.lines = 0
        self.objects = 0
        self.crlf_lines = 0
        self.first_crlf: int | None = None
        self.last_line = b""
        self.shapes: dict[tuple[str, ...], Shape] = {}
        self.shapes_complete = True
        self._good_prefix = b'"s3://"'  # matches no URI until a bucket is known good
        self.good_buckets: dict[str, None] = {}  # in the order found, for augman.checking.bulk
        self._quoted: dict[str, bytes] = {}

    # -- one line ----------------------------------------------------------------

    def check(self, line_no: int, line: bytes) -> Top | None:
        """Check one physical line (with its line ending); return its object or None.

        Lines must come in order; :meth:`finish` needs the last one.
        """
        if line.endswith(b"\r\n"):
            self._crlf(line_no)
        top: Top | None
        try:
            top = decode_top(line)
        except DECODE_ERRORS:
            top = self._diagnose(line_no, line)
            if top is None:
                return None
        else:
            if not line.isascii() and self._bad_utf8(line_no, line):
                return None
            # memchr for a backslash first: most lines have no escapes at all
            if b"\\" in line and self._bad_surrogate(line_no, line):
                return None
        self.objects += 1
        shape = self.shape_of(tuple(top))
        shape.count += 1
        if shape.count <= LINES_PER_SHAPE:
            shape.lines.append(line_no)
        if len(line) - shape.compact_length - sum(map(len, top.values())) >= 5:
            self._check_duplicates(line_no, line, top)
        if shape.has_checks:
            self._check_attributes(line_no, line, top, shape)
        return top

    def _check_attributes(self, line_no: int, line: bytes, top: Top, shape: Shape) -> None:
        for attr, message in shape.missing:
            self._emit(line_no, None, "AM201", message, attr)
        if shape.order:
            self._emit(line_no, None, "AM202", shape.order)
        for attr in shape.selected:
            raw = top[attr]
            if is_empty_value(bytes(raw)):
                column = self._column_of(line, attr)
                self._emit(line_no, column, "AM204", f"{attr} is {bytes(raw).decode()}", attr)
        for attr in shape.refs:
            self._check_ref(line_no, line, attr, top[attr])

    def _column_of(self, line: bytes, key: str, occurrence: int = 1) -> int | None:
        """The 1-based character column of the ``occurrence``-th top-level key ``key``."""
        offsets = jsonline.key_offsets(jsonline.body_of(line), key)
        if len(offsets) < occurrence:
            return None
        return len(line[: offsets[occurrence - 1]].decode("utf-8", "replace")) + 1

    def _emit(
        self,
        line: int | None,
        column: int | None,
        code: str,
        message: str,
        attribute: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        rule = RULES[code]
        severity = severity or rule.severity
        self.emit(Finding(self.source, line, column, code, severity, message, rule.hint, attribute))

    def _crlf(self, line_no: int) -> None:
        self.crlf_lines += 1
        if self.first_crlf is None:
            self.first_crlf = line_no

    # -- JSON-level problems --------------------------------------------------------

    def _diagnose(self, line_no: int, line: bytes) -> Top | None:
        if type(line) is LongLine:  # read past, not kept: its bytes are only its newline
            size = line.length - line.endswith(b"\n")  # the limit does not count the newline
            message = f"the line is {size:,} bytes, over the limit of {line.limit:,}"
            self._emit(line_no, None, "AM115", message)
            return None
        body = jsonline.body_of(line)
        if line_no == self.bom_line and body.startswith(jsonline.BOM):
            self._emit(1, 1, "AM105", "the file starts with a UTF-8 byte order mark (EF BB BF)")
            body = body[len(jsonline.BOM) :]
        result = jsonline.diagnose(body, final_without_newline=not line.endswith(b"\n"))
        if isinstance(result, jsonline.LineProblem):
            self._emit(line_no, result.column, result.code, result.message)
            return None
        if not isinstance(result, dict):
            kind = type(result).__name__.replace("NoneType", "null")
            self._emit(line_no, 1, "AM102", f"the line is a JSON {_json_type(kind)}, not an object")
            return None
        try:
            return decode_top(body)
        except DECODE_ERRORS:
            # orjson took it but it nests beyond what other parsers (msgspec) accept
            too_deep = jsonline.too_deep()
            self._emit(line_no, too_deep.column, too_deep.code, too_deep.message)
            return None

    def _bad_utf8(self, line_no: int, line: bytes) -> bool:
        problem = jsonline.utf8_problem(jsonline.body_of(line))
        if problem:
            self._emit(line_no, problem.column, problem.code, problem.message)
        return problem is not None

    def _bad_surrogate(self, line_no: int, line: bytes) -> bool:
        if b"\\ud" not in line and b"\\uD" not in line:
            return False
        at = jsontext.lone_surrogate(line)
        if at is None:
            return False
        escape = line[at : at + 6].decode("ascii", "replace")
        column = len(line[:at].decode("utf-8", "replace")) + 1
        self._emit(line_no, column, "AM106", f"unpaired UTF-16 surrogate escape {escape}")
        return True

    def _check_duplicates(self, line_no: int, line: bytes, top: Top) -> None:
        if b"\\" not in line and all(line.count(self._quote(key)) == 1 for key in top):
            return  # every key occurs once in the line: no key can be repeated
        for key, differ in jsonline.duplicate_keys(jsonline.body_of(line)):
            column = self._column_of(line, key, occurrence=2)
            if differ:
                message = f"key {quoted(key)} appears more than once with different values"
                self._emit(line_no, column, "AM112", message, key)
            else:
                message = f"key {quoted(key)} appears more than once (same value)"
                self._emit(line_no, column, "AM112", message, key, Severity.warning)

    def _quote(self, key: str) -> bytes:
        quoted = self._quoted.get(key)
        if quoted is None:
            quoted = self._quoted[key] = b'"' + key.encode() + b'"'
        return quoted

    # -- attributes ---------------------------------------------------------------------

    def shape_of(self, keys: tuple[str, ...]) -> Shape:
        """The (cached) shape of a line with these keys; its tallies are the caller's to update."""
        return self.shapes.get(keys) or self._new_shape(keys)

    def tally_clean(
        self,
        numbers: Sequence[int],
        keysets: Sequence[tuple[str, ...]],
        counts: Counter[tuple[str, ...]],
    ) -> None:
        """Count lines found clean in bulk (``counts``: of ``keysets``), as :meth:`check` would."""
        self.objects += len(keysets)
        for keys, n in counts.items():
            shape = self.shape_of(keys)
            if shape.count < LINES_PER_SHAPE:
                found = (number for number, k in zip(numbers, keysets, strict=True) if k == keys)
                shape.lines.extend(islice(found, LINES_PER_SHAPE - shape.count))
            shape.count += n

    def absorb(self, other: LineChecker, offset: int) -> None:
        """Add the tallies of a checker that read the next part of the file (``--jobs``).

        ``offset`` is the number of lines before that part; its findings are the caller's.
        """
        self.objects += other.objects
        self.crlf_lines += other.crlf_lines
        if self.first_crlf is None and other.first_crlf is not None:
            self.first_crlf = other.first_crlf + offset
        self.shapes_complete &= other.shapes_complete
        for keys, shape in other.shapes.items():
            into = self.shapes.setdefault(keys, dataclasses.replace(shape, count=0, lines=[]))
            into.count += shape.count
            room = max(0, LINES_PER_SHAPE - len(into.lines))
            into.lines.extend(n + offset for n in shape.lines[:room])

    def peek_shape(self, keys: tuple[str, ...]) -> Shape:
        """The shape of a line with these keys, without counting it as seen."""
        return self.shapes.get(keys) or _make_shape(keys, self.attrs)

    def _new_shape(self, keys: tuple[str, ...]) -> Shape:
        shape = _make_shape(keys, self.attrs)
        shape.compact_length = compact_length(keys)
        if len(self.shapes) < MAX_SHAPES:
            self.shapes[keys] = shape
        else:
            self.shapes_complete = False
        return shape

    # -- -ref values ---------------------------------------------------------------------

    def _check_ref(self, line_no: int, line: bytes, attr: str, raw: msgspec.Raw) -> None:
        data = bytes(raw)
        if (  # the common case, on bytes: '"s3://<the last good bucket>/<key not ending in />"'
            data.startswith(self._good_prefix)
            and data[-2] != 0x2F
            and len(self._good_prefix) < len(data) - 1 <= MAX_URI_LENGTH + 1
            and b"\\" not in data
        ):
            return
        if data[:1] != b'"':
            kind = _json_type(type(jsontext.loads(data)).__name__)
            message = f"{attr} is a JSON {kind}, not an S3 URI string"
            self._emit(line_no, self._column_of(line, attr), "AM301", message, attr)
            return
        text = jsontext.loads(data) if b"\\" in data else data[1:-1].decode("utf-8", "replace")
        try:
            uri = S3Uri.parse(text)
        except S3UriError as exc:
            self._emit(line_no, self._column_of(line, attr), exc.code, f"{attr}: {exc}", attr)
            return
        self._good_prefix = b'"s3://' + uri.bucket.encode() + b"/"
        if len(self.good_buckets) < MAX_GOOD_BUCKETS:
            self.good_buckets.setdefault(uri.bucket)

    # -- the whole file -------------------------------------------------------------------

    def finish(self, lines: int, last_line: bytes) -> None:
        """Emit the findings about the whole file, given its line count and last line."""
        self.lines, self.last_line = lines, last_line
        if self.lines == 0:
            self._emit(None, None, "AM114", "the manifest is empty (no lines)")
            return
        last = self.last_line
        if not last.endswith(b"\n") and last.strip() and not self._last_was_truncated():
            self._emit(self.lines, None, "AM110", "the last line has no newline at its end")
        if self.crlf_lines:
            message = f"{self.crlf_lines} of {self.lines} lines end in CRLF (first: line {self.first_crlf})"
            self._emit(self.first_crlf, None, "AM113", message)
        if self.attrs is None and self.shapes_complete:
            for finding in coverage_findings(self.source, self.shapes, self.objects):
                self.emit(finding)

    def _last_was_truncated(self) -> bool:
        try:
            jsontext.loads(self.last_line)
        except ValueError:  # orjson's and the standard library's JSONDecodeError
            return True
        return False


def compact_length(keys: tuple[str, ...]) -> int:
    """The length of an object with these keys written compactly, less its values' lengths.

    With the values' raw lengths added, a lower bound on any line that decodes to
    the object: a repeated key adds at least five bytes (``,"":0``), so a line
    shorter than that bound plus five cannot repeat a key.
    """
    return 1 + sum(map(len, keys)) + 4 * len(keys)


def _make_shape(keys: tuple[str, ...], attrs: tuple[str, ...] | None) -> Shape:
    refs = tuple(key for key in keys if key.endswith("-ref"))
    if attrs is None:
        return Shape((), None, refs, ())
    present = set(keys)
    missing = tuple(
        (attr, didyoumean.missing_message(attr, keys)) for attr in attrs if attr not in present
    )
    positions = [keys.index(attr) for attr in attrs if attr in present]
    order = None
    if positions != sorted(positions):
        written = ", ".join(sorted((a for a in attrs if a in present), key=keys.index))
        order = f"keys appear as {written}; AttributeNames lists {', '.join(attrs)}"
    selected = tuple(attr for attr in attrs if attr in present)
    return Shape(missing, order, refs, selected)


def coverage_findings(
    source: str, shapes: Mapping[tuple[str, ...], Shape], objects: int
) -> list[Finding]:
    """AM203: attributes present on at least 90% of the object lines but not all."""
    present: dict[str, int] = {}
    for keys, shape in shapes.items():
        for key in keys:
            present[key] = present.get(key, 0) + shape.count
    rule = RULES["AM203"]
    findings = []
    for key, count in present.items():
        if count == objects or count < 0.9 * objects:
            continue
        lacking = sorted(n for keys, s in shapes.items() if key not in keys for n in s.lines)
        shown = ", ".join(map(str, lacking[:LINES_PER_SHAPE]))
        more = objects - count - min(len(lacking), LINES_PER_SHAPE)
        tail = f" and {more} more" if more > 0 else ""
        name = printable(shortened(key))
        message = f"{name} is missing on {objects - count} of {objects} lines (lines {shown}{tail})"
        findings.append(
            Finding(source, lacking[0], None, "AM203", rule.severity, message, rule.hint, key)
        )
    return findings


def _json_type(python_type: str) -> str:
    return {
        "dict": "object", "list": "array", "str": "string", "int": "number",
        "float": "number", "bool": "boolean", "NoneType": "null", "null": "null",
    }.get(python_type, python_type)  # fmt: skip
