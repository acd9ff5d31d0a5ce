"""The text ``augman stats`` report: rich tables with bar charts at the console width."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from augman.printable import printable, shortened
from augman.statistics.fold import MAX_SECTIONS, AttributeStats, Stats
from augman.statistics.hyperparameters import for_label
from augman.statistics.labels import LabelStats
from augman.statistics.refstats import RefStats
from augman.statistics.tallies import MAX_KEYS, Counts, Histogram

ROWS = 20  # rows per table before "N more"
MAX_NAME = 60  # characters of a key, class name or URI shown; the middle of a longer one goes
_EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
_TITLES = {
    "boxes_per_image": "boxes per image",
    "labels_per_line": "labels per line",
    "box_area": "box area / image area",
}
Rows = Sequence[tuple[str, int]]


class TextStatsReporter:
    """Sections: summary, attributes, one per label attribute, one per ``-ref`` attribute."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def emit(self, stats: Stats) -> None:
        """Print the report; piped (not a terminal), its lines carry no padding at their ends."""
        if self.console.is_terminal:
            self._emit(stats)
            return
        with self.console.capture() as captured:
            self._emit(stats)
        text = "".join(line.rstrip() + "\n" for line in captured.get().splitlines())
        self.console.file.write(text)
        self.console.file.flush()

    def _emit(self, stats: Stats) -> None:
        print_ = self.console.print
        print_(Text(safe(stats.source, 200), style="bold underline"))
        print_(Padding(summary(stats), (0, 0, 0, 2), expand=False))
        print_(Text("\nAttributes", style="bold"))
        print_(Padding(attribute_table(stats), (0, 0, 0, 2), expand=False))
        for label in stats.labels.values():
            print_(Text(f"\n{label_heading(label)}", style="bold"))
            print_(
                Padding(label_section(label, self.console.width - 2), (0, 0, 0, 2), expand=False)
            )
        for ref in stats.refs.values():
            print_(Text(f"\n{ref_heading(ref)}", style="bold"))
            print_(Padding(ref_section(ref, self.console.width - 2), (0, 0, 0, 2), expand=False))


# -- summary ----------------------------------------------------------------------------


def summary(stats: Stats) -> RenderableType:
    lines = [
        Text(
            f"{plural(stats.lines, 'line')}, {plural(stats.bytes, 'byte')}: "
            f"{stats.valid_lines:,} valid, {stats.invalid_lines:,} invalid"
        )
    ]
    for bad in stats.invalid_examples:
        lines.append(Text(f"  line {bad.line}: {bad.code} {safe(bad.message, 200)}", style="red"))
    if stats.invalid_lines > len(stats.invalid_examples):
        lines.append(Text(f"  ... {stats.invalid_lines - len(stats.invalid_examples):,} more"))
    if stats.findings:
        counts = ", ".join(f"{code} {n:,}" for code, n in stats.findings.items())
        lines.append(Text(f"findings: {counts} (augman validate lists them)"))
    lines.append(samples_text(stats))
    return Group(*lines)


def samples_text(stats: Stats) -> Text:
    text = Text("num_training_samples = ")
    text.append(f"{stats.samples:,}", style="bold")
    text.append(f": {stats.counted}")
    if stats.records is not None:
        text.append(f"; {stats.records:,} records per epoch on the pipe")
    return text


# -- attributes ---------------------------------------------------------------------------


def attribute_table(stats: Stats) -> RenderableType:
    attributes = list(stats.attributes.values())
    if not attributes:
        return Text("no attributes (no valid lines)")
    table = _table(("attribute", "lines", "missing", "coverage", "types"))
    for attribute in attributes[:ROWS]:
        table.add_row(
            safe(attribute.name) + (" (ref)" if attribute.ref else ""),
            f"{attribute.present:,}",
            f"{stats.valid_lines - attribute.present:,}",
            _percent(attribute.present, stats.valid_lines),
            _types(attribute),
        )
    rendered: list[RenderableType] = [table]
    if len(attributes) > ROWS:
        rendered.append(Text(f"... {len(attributes) - ROWS:,} more attributes"))
    if stats.untracked_values:
        rendered.append(
            Text(
                f"{plural(stats.untracked_values, 'value')} not reported: over the caps of "
                f"{MAX_KEYS:,} keys and {MAX_SECTIONS} label or -ref attributes"
            )
        )
    return Group(*rendered)


def _types(attribute: AttributeStats) -> str:
    if len(attribute.types) == 1:
        return next(iter(attribute.types))
    return ", ".join(f"{name} {n:,}" for name, n in attribute.types.items())


# -- labels ---------------------------------------------------------------------------------


def label_heading(label: LabelStats) -> str:
    types = ", ".join(map(safe, label.types.items))
    return f"Label {safe(label.attribute)}: {types} ({label.kind}), {plural(label.lines, 'line')}"


def label_section(label: LabelStats, width: int) -> RenderableType:
    parts: list[RenderableType] = []
    if label.classes.items:
        parts.append(counts_chart(f"{label.class_unit} per class", label.classes, width))
    for name, histogram in label.histograms.items():
        if histogram.count:
            parts.append(histogram_chart(_TITLES.get(name, name), histogram, width))
    if label.confidence.count:
        parts.append(histogram_chart("confidence", label.confidence, width))
    parts.append(_label_facts(label))
    return Group(*parts)


def _label_facts(label: LabelStats) -> RenderableType:
    # key: value lines; human-annotated "no" means automated labeling (README says so)
    lines = [Text(f"human-annotated: {_inline(label.human_annotated, label.lines)}")]
    if label.jobs.items:
        lines.append(Text(f"jobs: {_inline(label.jobs, None)}"))
    if label.first_date:
        lines.append(Text(f"created: {safe(label.first_date)} to {safe(label.last_date or '')}"))
    for name, n in label.counts.items():
        lines.append(Text(f"{name.replace('_', ' ')}: {n:,}"))
    lines.extend(map(Text, hyperparameters_text(label)))
    if label.malformed:
        shown = _line_list(label.malformed_lines, label.malformed)
        lines.append(Text(f"malformed labels: {label.malformed:,} ({shown})", style="red"))
    return Group(*lines)


def hyperparameters_text(label: LabelStats) -> list[str]:
    """The hyperparameters a built-in algorithm needs for this label, one line each."""
    derived = for_label(label)
    lines = []
    if derived.num_classes is not None:
        lines.append(
            f"num_classes >= {derived.num_classes:,}: {plural(derived.class_ids, 'class id')} "
            f"used, the highest {derived.num_classes - 1:,}"
        )
    if derived.max_boxes is not None and derived.label_width is not None:
        boxes = "box" if derived.max_boxes == 1 else "boxes"
        lines.append(
            f"label_width >= {derived.label_width:,}: at most {derived.max_boxes:,} {boxes} "
            "on an image"
        )
    return lines


def _inline(counts: Counts, whole: int | None, limit: int = 5) -> str:
    items = list(counts.items.items())
    shown = [
        f"{safe(key)} {n:,}" + (f" ({_percent(n, whole)})" if whole else "")
        for key, n in items[:limit]
    ]
    if len(items) > limit:
        shown.append(f"{len(items) - limit:,} more")
    return ", ".join(shown)


# -- refs -------------------------------------------------------------------------------------


def ref_heading(ref: RefStats) -> str:
    return f"Refs {safe(ref.attribute)}: {ref.values:,} values, {ref.distinct:,} distinct"


def ref_section(ref: RefStats, width: int) -> RenderableType:
    parts: list[RenderableType] = []
    if ref.not_strings or ref.not_s3:
        parts.append(
            Text(f"not strings: {ref.not_strings:,}; not s3:// URIs: {ref.not_s3:,}", style="red")
        )
    for title, counts in (
        ("buckets", ref.buckets), ("top prefixes", ref.prefixes), ("extensions", ref.extensions),
    ):  # fmt: skip
        if counts.items:
            parts.append(counts_chart(title, counts, width))
    parts.append(repeats_text(ref))
    return Group(*parts)


def repeats_text(ref: RefStats) -> RenderableType:
    if not ref.repeated_uris:
        return Text("repeated URIs: none (each URI is on one line)")
    lines = [
        Text(
            f"repeated URIs: {plural(ref.repeated_uris, 'URI')} on more than one line "
            f"({plural(ref.repeat_lines, 'line')} repeating an earlier one): "
            "a train/validation leak risk",
            style="yellow",
        )
    ]
    for repeat in ref.repeats:
        shown = _line_list(repeat.lines, repeat.count)
        lines.append(Text(f"  {safe(repeat.uri)}: {plural(repeat.count, 'line')} ({shown})"))
    if ref.repeated_uris > len(ref.repeats):
        lines.append(Text(f"  ... {plural(ref.repeated_uris - len(ref.repeats), 'more URI')}"))
    return Group(*lines)


# -- charts -------------------------------------------------------------------------------------


def counts_chart(title: str, counts: Counts, width: int) -> RenderableType:
    """The most frequent keys with count, share and a bar, then 'N more'."""
    rows = list(counts.items.items())
    total = counts.total
    parts: list[RenderableType] = [
        Text(title, style="italic"),
        bar_table(rows[:ROWS], total, width),
    ]
    if len(rows) > ROWS:
        rest = sum(n for _, n in rows[ROWS:])
        parts.append(Text(f"... {len(rows) - ROWS:,} more ({rest:,})"))
    if counts.untracked:
        parts.append(Text(f"... {counts.untracked:,} more under keys not tracked (over the cap)"))
    return Group(*parts)


def histogram_chart(title: str, histogram: Histogram, width: int) -> RenderableType:
    """The bins from the first to the last non-empty one, with a bar each."""
    rows = list(histogram.bins)
    filled = [i for i, (_, n) in enumerate(rows) if n]
    rows = rows[filled[0] : filled[-1] + 1] if filled else []
    mean = f", mean {histogram.mean:,.3g}" if histogram.mean is not None else ""
    parts: list[RenderableType] = [
        Text(f"{title} ({histogram.count:,} values{mean})", style="italic"),
        bar_table(rows, histogram.count, width),
    ]
    if histogram.outside:
        parts.append(Text(f"outside the bins: {histogram.outside:,}"))
    return Group(*parts)


def bar_table(rows: Rows, total: int, width: int) -> Table:
    """label, count, share and a bar scaled to the largest count, filling ``width``."""
    rows = [(safe(label), n) for label, n in rows]
    label_width = min(max((len(label) for label, _ in rows), default=1), max(width // 2, 20))
    count_width = max((len(f"{n:,}") for _, n in rows), default=1)
    bar_width = max(min(width - label_width - count_width - 6 - 3 * 2, width // 2), 4)
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column(width=label_width, no_wrap=True, overflow="ellipsis")
    table.add_column(justify="right", width=count_width, no_wrap=True)
    table.add_column(justify="right", width=6, no_wrap=True)
    table.add_column(width=bar_width, no_wrap=True, style="cyan")
    peak = max((n for _, n in rows), default=0)
    for label, n in rows:
        table.add_row(
            middle(label, label_width), f"{n:,}", _percent(n, total), bar(n, peak, bar_width)
        )
    return table


def bar(count: int, peak: int, width: int) -> str:
    """A bar of Unicode eighth blocks; any non-zero count shows at least a sliver."""
    if not peak or not count:
        return ""
    eighths = max(round(count / peak * width * 8), 1)
    full, rest = divmod(eighths, 8)
    return "█" * full + _EIGHTHS[rest]


def _table(columns: Sequence[str]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    for column in columns:
        numeric = column in ("lines", "missing", "coverage")
        table.add_column(column, justify="right" if numeric else "left", no_wrap=numeric)
    return table


def _percent(part: int, whole: int | None) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def safe(text: str, width: int = MAX_NAME) -> str:
    """Data made fit for a terminal: control characters escaped, at most ``width`` characters."""
    return middle(printable(text), width)


def middle(text: str, width: int) -> str:
    """``text`` in ``width`` characters: a longer one loses its middle, where a prefix or URI
    is least worth reading (its bucket and its last folder or file name stay)."""
    return shortened(text, width, "…")


def plural(n: int, word: str) -> str:
    """``1 line``, ``2 lines``, ``1,000 lines``."""
    return f"{n:,} {word}{'s' * (n != 1)}"


def _line_list(lines: Sequence[int], count: int) -> str:
    shown = ", ".join(map(str, lines))
    return f"line{'s' * (len(lines) != 1)} {shown}{', ...' if count > len(lines) else ''}"
