"""Lines in chunks: from files in fixed sizes, from pipes as they arrive."""

from __future__ import annotations

import io
import os
import threading

from augman.inputs.lines import arriving, chunks


def test_chunks_cut_items_into_lists() -> None:
    assert list(chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]


def test_arriving_lines_split_on_newlines_only_and_keep_an_unended_last_line() -> None:
    data = b"a\rb\n" + b"c\x0bd\n" * 5 + b"\ne"
    stream = io.BufferedReader(io.BytesIO(data), 4)
    got = [line for chunk in arriving(stream, size=2) for line in chunk]
    assert got == [b"a\rb\n", *[b"c\x0bd\n"] * 5, b"\n", b"e"]
    assert b"".join(got) == data


def test_arriving_chunks_respect_the_size() -> None:
    stream = io.BufferedReader(io.BytesIO(b"x\n" * 10))
    assert [len(chunk) for chunk in arriving(stream, size=4)] == [4, 4, 2]


def test_a_line_is_yielded_as_soon_as_it_arrived() -> None:
    read_end, write_end = os.pipe()
    seen = threading.Event()

    def write() -> None:
        os.write(write_end, b'{"a":1}\n{"a":')  # one whole line and the start of the next
        seen.wait(10)  # the rest only after the reader has had the first line
        os.write(write_end, b"2}\n")
        os.close(write_end)

    writer = threading.Thread(target=write)
    writer.start()
    with open(read_end, "rb") as stream:
        cut = arriving(stream)
        assert next(cut) == [b'{"a":1}\n']  # would hang if it waited for more lines
        seen.set()
        assert list(cut) == [[b'{"a":2}\n']]
    writer.join()
