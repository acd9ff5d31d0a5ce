"""`augman.select` as a library: each step, their order, seeds, partitions, invalid lines."""

from __future__ import annotations

import gzip
import io
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import augman
from augman.errors import UsageError
from augman.selecting.pipeline import InvalidLineError, SelectResult, _sampled

HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def boxes(count: int, seed: int = 0, images: int | None = None) -> list[bytes]:
    """Bounding-box-like lines; ``images`` < ``count`` makes lines share a source-ref."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        image = rng.randrange(images) if images else n
        annotations = [{"class_id": rng.randrange(3), "left": rng.randrange(300)}
                       for _ in range(rng.randrange(3))]  # fmt: skip
        line = {
            "source-ref": f"s3://bucket/images/{image:05d}.jpg",
            "bounding-box": {"annotations": annotations},
            "bounding-box-metadata": {"confidence": round(rng.random(), 2)},
        }
        lines.append(orjson.dumps(line) + b"\n")
    return lines


def run(path: Path | str, **options: Any) -> tuple[bytes, SelectResult]:
    out = io.BytesIO()
    result = augman.select(str(path), out, **options)
    return out.getvalue(), result


def run_split(path: Path, split: str, **options: Any) -> tuple[dict[str, bytes], SelectResult]:
    names = [part.split("=")[0] for part in split.split(",")]
    outs = {name: io.BytesIO() for name in names}
    result = augman.select(str(path), outs, split=split, **options)
    return {name: out.getvalue() for name, out in outs.items()}, result


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write lines to a file in the current directory (so that findings say m.manifest:N)."""
    monkeypatch.chdir(tmp_path)

    def write(lines: list[bytes], name: str = "m.manifest") -> Path:
        path = Path(name)
        data = b"".join(lines)
        path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
        return path

    return write


# -- lines pass through byte for byte ----------------------------------------------------

ODD_LINES = [
    b'{"z": 1,    "a":\t"x" }\n',
    b'{"source-ref":"s3://bucket/caf\\u00e9.jpg","n":1.50e2}\n',
    '{"ключ": "значение", "emoji": "\U0001f600"}\n'.encode(),
    b'{"b": {"y": 2, "x": [ 1,2 ]}, "a": null}\r\n',
    b'{"a": 1, "a": 1}\n',
]


def test_default_output_is_the_input_byte_for_byte(manifest: Callable[..., Path]) -> None:
    data, result = run(manifest(ODD_LINES))
    assert data == b"".join(ODD_LINES)
    assert (result.lines_read, result.lines_written, result.skipped) == (5, 5, 0)


def test_a_last_line_without_newline_gets_one(manifest: Callable[..., Path]) -> None:
    data, _ = run(manifest([b'{"a": 1}\n', b'{"b": 2}']))
    assert data == b'{"a": 1}\n{"b": 2}\n'


def test_gzip_input_is_read(manifest: Callable[..., Path]) -> None:
    lines = boxes(50)
    data, _ = run(manifest(lines, name="m.manifest.gz"), head=7)
    assert data == b"".join(lines[:7])


def test_s3_input_is_read(s3: Any) -> None:
    lines = boxes(20)
    s3.create_bucket(Bucket="manifests")
    s3.put_object(Bucket="manifests", Key="m.manifest", Body=b"".join(lines))
    out = io.BytesIO()
    augman.select("s3://manifests/m.manifest", out, shuffle=True, s3_client=lambda: s3)
    assert sorted(out.getvalue().splitlines(keepends=True)) == sorted(lines)


# -- each step ------------------------------------------------------------------------------------


@pytest.mark.parametrize("head", [0, 1, 3, 39], ids=str)
def test_head_keeps_the_first_lines_and_stops_reading(
    manifest: Callable[..., Path], head: int
) -> None:
    lines = boxes(head + 1)
    data, result = run(manifest([*lines, b"not json\n"]), head=head)
    assert data == b"".join(lines[:head])
    assert result.lines_read == head  # the bad line after them is never read


def test_head_beyond_the_end_keeps_everything(manifest: Callable[..., Path]) -> None:
    lines = boxes(10)
    assert run(manifest(lines), head=100)[0] == b"".join(lines)


def test_where_keeps_matching_lines(manifest: Callable[..., Path]) -> None:
    lines = boxes(200)
    data, _ = run(manifest(lines), where='length("bounding-box".annotations) > `0`')
    expected = [ln for ln in lines if orjson.loads(ln)["bounding-box"]["annotations"]]
    assert data == b"".join(expected) and 0 < len(expected) < 200


def test_where_then_head_counts_matching_lines(manifest: Callable[..., Path]) -> None:
    lines = boxes(200)
    data, _ = run(manifest(lines), where='"bounding-box-metadata".confidence > `0.5`', head=5)
    expected = [ln for ln in lines if orjson.loads(ln)["bounding-box-metadata"]["confidence"] > 0.5]
    assert data == b"".join(expected[:5])


def test_attrs_project_in_the_given_order(manifest: Callable[..., Path]) -> None:
    data, _ = run(manifest([*ODD_LINES[:1], b'{"a": "y", "z": [1, 2]}\r\n']), attrs=["a", "z"])
    assert data == b'{"a":"x","z":1}\n{"a":"y","z":[1,2]}\n'


def test_where_sees_the_whole_line_before_projection(manifest: Callable[..., Path]) -> None:
    lines = [b'{"keep": true, "v": 1}\n', b'{"keep": false, "v": 2}\n']
    data, _ = run(manifest(lines), where="keep", attrs=["v"])
    assert data == b'{"v":1}\n'


def test_sample_draws_exactly_n_lines_in_input_order(manifest: Callable[..., Path]) -> None:
    lines = boxes(100)
    data, _ = run(manifest(lines), sample=10, seed=4)
    picked = data.splitlines(keepends=True)
    assert len(picked) == 10 and len(set(picked)) == 10
    assert [lines.index(ln) for ln in picked] == sorted(lines.index(ln) for ln in picked)


def test_sample_larger_than_the_input_keeps_everything(manifest: Callable[..., Path]) -> None:
    lines = boxes(5)
    assert run(manifest(lines), sample=50)[0] == b"".join(lines)


def test_sample_is_uniform() -> None:
    items = [(n, b"", b"") for n in range(1, 11)]
    counts = Counter(
        item[0] for seed in range(3000) for item in _sampled(iter(items), 3, seed, False)
    )
    for line_no in range(1, 11):
        assert counts[line_no] == pytest.approx(900, rel=0.12), counts


def test_fraction_keeps_a_seeded_share(manifest: Callable[..., Path]) -> None:
    path = manifest(boxes(1000))
    data, _ = run(path, fraction=0.25, seed=1)
    assert len(data.splitlines()) == pytest.approx(250, abs=50)
    assert run(path, fraction=0.25, seed=1)[0] == data
    assert run(path, fraction=0.25, seed=2)[0] != data


def test_shuffle_reorders_every_line_once(manifest: Callable[..., Path]) -> None:
    lines = boxes(100)
    data, _ = run(manifest(lines), shuffle=True, seed=9)
    assert data != b"".join(lines)
    assert sorted(data.splitlines(keepends=True)) == sorted(lines)


def test_shuffle_of_a_gzip_input_matches_the_plain_file(manifest: Callable[..., Path]) -> None:
    lines = boxes(60)
    plain = run(manifest(lines), shuffle=True, seed=3)[0]
    assert run(manifest(lines, name="m.manifest.gz"), shuffle=True, seed=3)[0] == plain


@pytest.mark.parametrize(
    "options",
    [{"sample": 10}, {"fraction": 0.3}, {"where": '"bounding-box-metadata".confidence > `0.5`'}],
    ids=["sample", "fraction", "where"],
)
def test_shuffle_changes_only_the_order(manifest: Callable[..., Path], options: Any) -> None:
    path = manifest(boxes(80))
    ordered = run(path, seed=5, **options)[0].splitlines()
    shuffled = run(path, seed=5, shuffle=True, **options)[0].splitlines()
    assert sorted(shuffled) == sorted(ordered) and shuffled != ordered


def test_shard_takes_every_nth_line_from_k(manifest: Callable[..., Path]) -> None:
    lines = boxes(10)
    assert run(manifest(lines), shard="1/3")[0] == b"".join(lines[1::3])


def test_shard_counts_the_lines_that_reach_it(manifest: Callable[..., Path]) -> None:
    lines = boxes(100)
    kept = [ln for ln in lines if orjson.loads(ln)["bounding-box"]["annotations"]]
    data, _ = run(manifest(lines), where='length("bounding-box".annotations) > `0`', shard="0/2")
    assert data == b"".join(kept[0::2])


def test_head_is_the_last_step(manifest: Callable[..., Path]) -> None:
    path = manifest(boxes(100))
    full = run(path, shuffle=True, seed=1, shard="1/2")[0].splitlines(keepends=True)
    assert run(path, shuffle=True, seed=1, shard="1/2", head=4)[0] == b"".join(full[:4])


# -- seeds ---------------------------------------------------------------------------------------------

SEEDED = [
    {"shuffle": True}, {"sample": 20}, {"fraction": 0.5}, {"sample": 20, "shuffle": True},
    {"shuffle": True, "shard": "0/2"},
]  # fmt: skip


@pytest.mark.parametrize("options", SEEDED, ids=lambda o: ",".join(o))
def test_same_seed_same_bytes_other_seed_other_bytes(
    manifest: Callable[..., Path], options: Any
) -> None:
    path = manifest(boxes(200))
    first = run(path, seed=11, **options)[0]
    assert run(path, seed=11, **options)[0] == first
    assert run(path, seed=12, **options)[0] != first


def test_same_seed_same_split_other_seed_other_split(manifest: Callable[..., Path]) -> None:
    path = manifest(boxes(200))
    first = run_split(path, "a=0.5,b=0.5", seed=1)[0]
    assert run_split(path, "a=0.5,b=0.5", seed=1)[0] == first
    assert run_split(path, "a=0.5,b=0.5", seed=2)[0] != first


# -- partitions -------------------------------------------------------------------------------------------


@HYPOTHESIS
@given(
    count=st.integers(0, 60),
    shards=st.integers(1, 7),
    seed=st.integers(0, 5),
    shuffle=st.booleans(),
)
def test_shards_together_are_the_input_each_line_once(
    manifest: Callable[..., Path], count: int, shards: int, seed: int, shuffle: bool
) -> None:
    lines = boxes(count, seed)
    path = manifest(lines)
    together = []
    for k in range(shards):
        together += run(path, shard=f"{k}/{shards}", shuffle=shuffle, seed=seed)[0].splitlines(
            keepends=True
        )
    assert sorted(together) == sorted(lines)


split_specs = st.sampled_from(
    ["train=0.8,validation=0.2", "a=0.5,b=0.3,c=0.2", "only=1", "x=0.1,y=0.9"]
)


@HYPOTHESIS
@given(count=st.integers(0, 60), spec=split_specs, seed=st.integers(0, 5), shuffle=st.booleans())
def test_split_files_together_are_the_input_each_line_once(
    manifest: Callable[..., Path], count: int, spec: str, seed: int, shuffle: bool
) -> None:
    lines = boxes(count, seed)
    parts, result = run_split(manifest(lines), spec, seed=seed, shuffle=shuffle)
    together = [ln for data in parts.values() for ln in data.splitlines(keepends=True)]
    assert sorted(together) == sorted(lines)
    assert result.parts == {name: len(data.splitlines()) for name, data in parts.items()}


@HYPOTHESIS
@given(
    count=st.integers(1, 80), images=st.integers(1, 20), spec=split_specs, seed=st.integers(0, 9)
)
def test_split_key_keeps_equal_keys_on_one_side(
    manifest: Callable[..., Path], count: int, images: int, spec: str, seed: int
) -> None:
    lines = boxes(count, seed, images=images)
    parts, _ = run_split(manifest(lines), spec, seed=seed, split_key="source-ref")
    side: dict[str, str] = {}
    for name, data in parts.items():
        for line in data.splitlines():
            ref = orjson.loads(line)["source-ref"]
            assert side.setdefault(ref, name) == name
    assert sum(len(data.splitlines()) for data in parts.values()) == count


def test_split_follows_the_fractions(manifest: Callable[..., Path]) -> None:
    _, result = run_split(manifest(boxes(2000)), "train=0.8,validation=0.2")
    assert result.parts["train"] == pytest.approx(1600, abs=80)
    assert result.parts["train"] + result.parts["validation"] == result.lines_written == 2000


def test_split_key_may_be_a_projected_away_attribute(manifest: Callable[..., Path]) -> None:
    lines = boxes(30, images=5)
    parts, _ = run_split(
        manifest(lines), "a=0.5,b=0.5", split_key="source-ref", attrs=["bounding-box"]
    )
    assert all(
        line.startswith(b'{"bounding-box":') for d in parts.values() for line in d.splitlines()
    )


# -- invalid lines -----------------------------------------------------------------------------------------

INVALID = [
    (b"{bad\n", "m.manifest:2:2", "AM101"),
    (b"[1, 2]\n", "m.manifest:2:1", "AM102"),
    (b"\n", "m.manifest:2:1", "AM103"),
    (b'{"a": NaN}\n', "m.manifest:2:7", "AM107"),
    (b'{"a": 1, "a": 2}\n', "m.manifest:2:10", "AM112"),
    (b'{"source-ref": 5}\n', "m.manifest:2:2", "AM301"),
]


@pytest.mark.parametrize(("bad", "location", "code"), INVALID, ids=lambda v: str(v)[:12])
def test_an_invalid_line_stops_the_run(
    manifest: Callable[..., Path], bad: bytes, location: str, code: str
) -> None:
    with pytest.raises(InvalidLineError) as caught:
        run(manifest([b'{"a": 1}\n', bad, b'{"a": 3}\n']))
    assert str(caught.value).startswith(f"{location}: {code} ")
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(("bad", "location", "code"), INVALID, ids=lambda v: str(v)[:12])
def test_skip_leaves_invalid_lines_out_and_lists_them(
    manifest: Callable[..., Path], bad: bytes, location: str, code: str
) -> None:
    data, result = run(manifest([b'{"a": 1}\n', bad, b'{"a": 3}\n']), on_error="skip")
    assert data == b'{"a": 1}\n{"a": 3}\n'
    assert (result.lines_read, result.lines_written, result.skipped) == (3, 2, 1)
    assert (result.findings[0].location, result.findings[0].code) == (location, code)


def test_warnings_do_not_make_a_line_invalid(manifest: Callable[..., Path]) -> None:
    lines = [b'{"a": 1}\r\n', b'{"a": 1, "a": 1}\n', b'{"a": null}']
    data, result = run(manifest(lines))
    assert data == b'{"a": 1}\r\n{"a": 1, "a": 1}\n{"a": null}\n' and result.skipped == 0


@pytest.mark.parametrize(
    "option", [{"attrs": ["a", "b"]}, {"split_key": "b"}], ids=["attrs", "split-key"]
)
def test_a_missing_attribute_is_am201(manifest: Callable[..., Path], option: Any) -> None:
    lines = [b'{"a": 1, "b": 2}\n', b'{"a": 1, "B": 2}\n']
    run_it = run_split if "split_key" in option else run
    args = ("a=1",) if "split_key" in option else ()
    with pytest.raises(
        InvalidLineError, match=r"m.manifest:2: AM201 missing attribute 'b'; did you mean 'B'\?"
    ):
        run_it(manifest(lines), *args, **option)
    _, result = run_it(manifest(lines), *args, on_error="skip", **option)
    assert result.skipped == 1 and result.findings[0].code == "AM201"


def test_a_line_left_out_by_where_is_not_projected(manifest: Callable[..., Path]) -> None:
    lines = [b'{"a": 1, "b": 2}\n', b'{"a": 0}\n']
    data, _ = run(manifest(lines), where="b", attrs=["a", "b"])
    assert data == b'{"a":1,"b":2}\n'


def test_skip_reports_at_most_max_findings_but_counts_all(manifest: Callable[..., Path]) -> None:
    data, result = run(manifest([b"x\n"] * 30 + [b"{}\n"]), on_error="skip", max_findings=5)
    assert data == b"{}\n"
    assert (result.skipped, len(result.findings), result.findings_total) == (30, 5, 30)


def test_an_empty_manifest_selects_nothing(manifest: Callable[..., Path]) -> None:
    assert run(manifest([]), shuffle=True)[0] == b""


# -- options that do not fit ------------------------------------------------------------------------------


def test_writers_by_name_need_a_split(manifest: Callable[..., Path]) -> None:
    with pytest.raises(UsageError, match="no split was asked for"):
        augman.select(str(manifest(boxes(3))), {"train": io.BytesIO()})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sample": 3, "fraction": 0.5}, "--sample and --fraction cannot be used together"),
        ({"shard": "0/2", "split": "a=1"}, "--shard and --split cannot be used together"),
        ({"split_key": "source-ref"}, "--split-key needs --split"),
        ({"head": -1}, "cannot be negative"),
        ({"sample": -2}, "cannot be negative"),
        ({"attrs": ["a", "a"]}, "names an attribute twice"),
        ({"attrs": []}, "one or more non-empty names"),
        ({"shard": "3/3"}, "K must be in 0..N-1"),
        ({"shard": "x"}, "is not K/N"),
        ({"where": "a["}, "--where"),
        ({"fraction": 2.0}, "between 0 and 1"),
        ({"on_error": "ignore"}, "not one of: stop, skip"),
        ({"split": "a=0.5,b=0.5"}, "out must map each part name"),
    ],
    ids=["sample+fraction", "shard+split", "key-without-split", "head", "sample", "attrs-twice",
         "attrs-empty", "shard-range", "shard-syntax", "where", "fraction", "on-error", "split-out"],
)  # fmt: skip
def test_options_that_do_not_fit_are_usage_errors(
    manifest: Callable[..., Path], options: Any, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        run(manifest(boxes(3)), **options)
