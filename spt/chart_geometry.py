"""The geometry of the KPI bar charts: numbers in, SVG coordinates out (pure, no Flask, no DB).

A chart has categories along the x axis and one or more series stacked in each category's bar.
The y axis starts at 0 and ends at a "nice" value (1, 2, 2.5 or 5 times a power of ten) above the
highest stack and the target, so the target line always falls inside the plot.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    """The size of the drawing and the margins around the plot area, in SVG units."""

    width: float = 640
    height: float = 260
    left: float = 48
    right: float = 16
    top: float = 16
    bottom: float = 64

    @property
    def plot_width(self) -> float:
        """The width of the plot area."""
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        """The height of the plot area."""
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> float:
        """The y of the value 0."""
        return self.height - self.bottom


@dataclass(frozen=True)
class Bar:
    """One segment of a bar: category and series index, value and rectangle."""

    category: int
    series: int
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    """A value on the y axis and its height."""

    value: float
    y: float


@dataclass(frozen=True)
class Label:
    """A category name under its bar, wrapped to the bar's slot (x is the bar's centre)."""

    text: str
    x: float
    y: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Drawing:
    """Everything a template needs to draw a chart."""

    frame: Frame
    top: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    target_y: float | None


CHAR_WIDTH = 6.8  # an average character at the 12px label size, to wrap labels to their slot
LINE_HEIGHT = 14


def wrap(text: str, chars: int, *, max_lines: int = 3) -> tuple[str, ...]:
    """Words in lines of at most chars characters; a cut word or last line ends in '…'."""
    chars = max(chars, 2)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word if len(word) <= chars else word[:chars - 1] + "…")
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], lines[max_lines - 1][:chars - 1] + "…"]
    return tuple(lines)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above value (1 for zero or less)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def y_of(value: float, top: float, frame: Frame) -> float:
    """The y coordinate of a value on a 0..top axis."""
    return frame.baseline - frame.plot_height * max(0.0, min(value, top)) / top


def ticks(top: float, frame: Frame, *, count: int = 4) -> tuple[Tick, ...]:
    """count + 1 evenly spaced ticks from 0 to top."""
    return tuple(Tick(top * i / count, y_of(top * i / count, top, frame))
                 for i in range(count + 1))


def stacked_bars(series: Sequence[Sequence[float | None]], frame: Frame, top: float, *,
                 gap: float = 0.25) -> tuple[Bar, ...]:
    """Bars per category, each series stacked on the one before; empty and zero values drawn not.

    series[s][c] is the value of series s in category c; a gap of 0.25 leaves a quarter of each
    category's slot empty.
    """
    categories = max((len(s) for s in series), default=0)
    if not categories:
        return ()
    slot = frame.plot_width / categories
    width = slot * (1 - gap)
    out = []
    for c in range(categories):
        base = 0.0
        for s, values in enumerate(series):
            value = values[c] if c < len(values) else None
            if not value or value <= 0:
                continue
            y_low, y_high = y_of(base, top, frame), y_of(base + value, top, frame)
            out.append(Bar(c, s, value, frame.left + slot * c + (slot - width) / 2, y_high, width,
                           y_low - y_high))
            base += value
    return tuple(out)


def draw(categories: Sequence[str], series: Sequence[Sequence[float | None]], *,
         target: float | None = None, fixed_top: float | None = None,
         frame: Frame | None = None) -> Drawing:
    """The drawing of a stacked bar chart with an optional horizontal target line."""
    frame = frame or Frame()
    stacks = [sum(v or 0 for v in column) for column in zip(*series, strict=False)] if series \
        else []
    top = fixed_top or nice_ceiling(max([*stacks, target or 0, 0]))
    slot = frame.plot_width / len(categories) if categories else 0
    lines = int(slot // CHAR_WIDTH)
    labels = tuple(Label(text, frame.left + slot * (i + 0.5), frame.baseline + 16,
                         wrap(text, lines, max_lines=int((frame.bottom - 8) // LINE_HEIGHT)))
                   for i, text in enumerate(categories))
    return Drawing(frame, top, stacked_bars(series, frame, top), ticks(top, frame), labels,
                   None if target is None else y_of(target, top, frame))
