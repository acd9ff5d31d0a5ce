"""Where each node of a JSON document is in its text: JSON path → (line, column).

A request's findings name the node they are about by its JSON path
(``$.InputDataConfig[0].DataSource.S3DataSource.AttributeNames[2]``); editors,
GitHub annotations and SARIF want a line and a column in the file. The locator
walks the text once (it is a valid JSON document: it was parsed before) and
records where each node starts: a member at its key, an array item at its value.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = " \t\r\n"


def member_path(parent: str, key: str) -> str:
    """``$.a`` + ``b`` → ``$.a.b``; a key that is not an identifier in brackets: ``$['a b']``."""
    if _IDENTIFIER.fullmatch(key):
        return f"{parent}.{key}"
    return f"{parent}[{json.dumps(key, ensure_ascii=False)}]"


def item_path(parent: str, index: int) -> str:
    return f"{parent}[{index}]"


class Locator:
    """The 1-based line and column (in code points) of every node of ``text``."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.size = len(text.encode("utf-8", "surrogatepass"))
        self.lines = text.count("\n") + (not text.endswith("\n") and bool(text))
        self._newlines = [i for i, char in enumerate(text) if char == "\n"]
        self._offsets: dict[str, int] = {}
        self._pos = 0
        with contextlib.suppress(IndexError, ValueError):  # not JSON: keep what was found
            self._value("$", self._skip())

    def position(self, path: str) -> tuple[int, int] | None:
        """Where the node at ``path`` starts; else where its nearest located ancestor does."""
        while path:
            offset = self._offsets.get(path)
            if offset is not None:
                return self._line_col(offset)
            path = _parent(path)
        return None

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def _skip(self) -> int:
        text, pos = self._text, self._pos
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        self._pos = pos
        return pos

    def _value(self, path: str, start: int, at: int | None = None) -> None:
        self._offsets[path] = start if at is None else at
        char = self._text[start]
        if char == "{":
            self._object(path)
        elif char == "[":
            self._array(path)
        elif char == '"':
            self._string()
        else:
            while self._pos < len(self._text) and self._text[self._pos] not in ",]} \t\r\n":
                self._pos += 1

    def _object(self, path: str) -> None:
        self._pos += 1
        while self._text[self._skip()] != "}":
            key_at = self._pos
            key = json.loads(self._string())
            self._skip()
            self._pos += 1  # the colon
            self._value(member_path(path, key), self._skip(), key_at)
            if self._text[self._skip()] == ",":
                self._pos += 1
        self._pos += 1

    def _array(self, path: str) -> None:
        self._pos += 1
        index = 0
        while self._text[self._skip()] != "]":
            self._value(item_path(path, index), self._pos)
            index += 1
            if self._text[self._skip()] == ",":
                self._pos += 1
        self._pos += 1

    def _string(self) -> str:
        text, start = self._text, self._pos
        pos = start + 1
        while text[pos] != '"':
            pos += 2 if text[pos] == "\\" else 1
        self._pos = pos + 1
        return text[start : pos + 1]


_STEP = re.compile(r'\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\]')


def _parent(path: str) -> str:
    """``$.a.b[2]`` → ``$.a.b`` → ``$.a`` → ``$`` → ``""``."""
    if path == "$" or not path.startswith("$"):
        return ""
    steps = _STEP.findall(path, 1)
    return "$" + "".join(steps[:-1]) if steps else ""
