"""Data shown to people: control characters escaped, very long names shortened.

A manifest can hold any character in its keys and values (``"\\u001b[2J"`` decodes to
the escape sequence that clears a terminal), and a key can be megabytes long. Whatever
of the data goes into a message passes through here first, so it reaches a terminal
as visible text, never as a command to the terminal, and in a few lines.
"""

from __future__ import annotations

MAX_SHOWN = 80  # characters of a name shown in a message

# C0 controls, DEL and C1 controls (0x9b is CSI, an escape sequence on its own in some
# terminals) as \xNN; tab, newline and carriage return by their usual escapes.
_CONTROLS = {i: f"\\x{i:02x}" for i in (*range(32), *range(127, 160))} | {
    9: "\\t",
    10: "\\n",
    13: "\\r",
}
_CONTROLS_BUT_NEWLINES = {i: text for i, text in _CONTROLS.items() if i != 10}


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control character escaped (``newlines``: keep line breaks)."""
    return text.translate(_CONTROLS_BUT_NEWLINES if newlines else _CONTROLS)


def shortened(text: str, limit: int = MAX_SHOWN, ellipsis: str = "...") -> str:
    """``text`` cut in the middle to at most ``limit`` characters (both ends are telling)."""
    if len(text) <= limit:
        return text
    keep = limit - len(ellipsis)
    head = keep // 2
    return f"{text[:head]}{ellipsis}{text[len(text) - (keep - head) :]}"


def quoted(name: str, limit: int = MAX_SHOWN) -> str:
    """A key or other name from the data, quoted, escaped and shortened: ``'class'``."""
    return repr(shortened(name, limit))
