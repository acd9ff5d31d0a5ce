"""The options of ``select``, parsed and cross-checked into one :class:`SelectPlan` value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from augman.errors import UsageError
from augman.inputs.ordering import Shard
from augman.selecting.projection import Projection
from augman.selecting.splits import Fraction, Split
from augman.selecting.where import Where


@dataclass(frozen=True)
class SelectPlan:
    """The parsed and cross-checked steps of one run."""

    where: Where | None = None
    projection: Projection | None = None
    fraction: Fraction | None = None
    sample: int | None = None
    shuffle: bool = False
    seed: int = 0
    shard: Shard | None = None
    split: Split | None = None
    split_key: str | None = None
    head: int | None = None


def make_plan(
    *,
    attrs: Sequence[str] | None = None,
    where: str | None = None,
    head: int | None = None,
    sample: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    shuffle: bool = False,
    shard: Shard | str | None = None,
    split: Split | str | None = None,
    split_key: str | None = None,
) -> SelectPlan:
    """Parse and cross-check the options; raise :class:`UsageError` for any that do not fit."""
    _exclusive(("sample", sample), ("fraction", fraction))
    _exclusive(("shard", shard), ("split", split))
    if split_key is not None and split is None:
        raise UsageError("--split-key needs --split", "e.g. --split train=0.8,validation=0.2")
    for name, value in (("head", head), ("sample", sample)):
        if value is not None and value < 0:
            raise UsageError(f"--{name} {value}: the number of lines cannot be negative")
    return SelectPlan(
        where=Where.parse(where) if where is not None else None,
        projection=_projection(attrs) if attrs is not None else None,
        fraction=Fraction(fraction, seed) if fraction is not None else None,
        sample=sample, shuffle=shuffle, seed=seed,
        shard=Shard.parse(shard) if isinstance(shard, str) else shard,
        split=Split.parse(split) if isinstance(split, str) else split,
        split_key=split_key, head=head,
    )  # fmt: skip


def _exclusive(*options: tuple[str, object]) -> None:
    given = [f"--{name}" for name, value in options if value is not None]
    if len(given) > 1:
        raise UsageError(f"{' and '.join(given)} cannot be used together")


def _projection(attrs: Sequence[str]) -> Projection:
    if not attrs or any(not attr for attr in attrs):
        raise UsageError(
            "--attrs needs one or more non-empty names", "e.g. --attrs source-ref,class"
        )
    if len(set(attrs)) != len(attrs):
        raise UsageError(f"--attrs {','.join(attrs)} names an attribute twice")
    return Projection(attrs)
