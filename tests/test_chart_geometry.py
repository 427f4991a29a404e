"""The KPI chart geometry: nice axis ends, bar rectangles, stacking and the target line."""

import pytest

from spt.chart_geometry import Frame, draw, nice_ceiling, stacked_bars, ticks, wrap, y_of

FRAME = Frame(width=140, height=120, left=20, right=20, top=10, bottom=10)  # plot 100 x 100


@pytest.mark.parametrize(("value", "expected"), [
    (0, 1), (0.4, 1), (1, 1), (1.5, 2), (2, 2), (2.1, 2.5), (3, 5), (7, 10), (10, 10),
    (11, 20), (24, 25), (26, 50), (80, 100), (101, 200), (1234, 2000)])
def test_nice_ceiling_is_the_next_1_2_2_5_or_5_step(value, expected):
    assert nice_ceiling(value) == expected


def test_values_map_to_y_from_the_baseline_and_are_clamped_to_the_axis():
    assert y_of(0, 50, FRAME) == 110
    assert y_of(50, 50, FRAME) == 10
    assert y_of(25, 50, FRAME) == 60
    assert y_of(-3, 50, FRAME) == 110 and y_of(80, 50, FRAME) == 10


def test_ticks_run_evenly_from_zero_to_the_top():
    assert [(t.value, t.y) for t in ticks(20, FRAME, count=4)] == [
        (0, 110), (5, 85), (10, 60), (15, 35), (20, 10)]


def test_one_series_gives_one_bar_per_nonzero_category_in_its_slot():
    bars = stacked_bars([[10, 0, 5, None]], FRAME, 10, gap=0.2)
    assert [(b.value, b.x, b.y, b.width, b.height) for b in bars] == [
        (10, 22.5, 10, 20, 100), (5, 72.5, 60, 20, 50)]


def test_stacked_series_sit_on_top_of_each_other():
    bars = stacked_bars([[2, 1], [3, 0]], FRAME, 5, gap=0.0)
    first, second, third = bars
    assert (first.series, first.y, first.height) == (0, 70, 40)
    assert (second.series, second.y + second.height, second.height) == (1, 70, 60)
    assert (third.x, third.width, third.height) == (70, 50, 20)


def test_draw_scales_to_the_stack_and_target_and_centres_the_labels():
    drawing = draw(["jan", "feb"], [[4, 6], [3, 0]], target=12, frame=FRAME)
    assert drawing.top == 20
    assert drawing.target_y == 50
    assert [(label.text, label.x) for label in drawing.labels] == [("jan", 45), ("feb", 95)]
    assert len(drawing.bars) == 3


def test_draw_keeps_a_fixed_top_for_percentages_and_has_no_target_line_without_target():
    drawing = draw(["6 mnd", "12 mnd"], [[75, 50]], fixed_top=100, frame=FRAME)
    assert drawing.top == 100 and drawing.target_y is None
    assert [b.height for b in drawing.bars] == [75, 50]


def test_an_empty_chart_has_no_bars():
    drawing = draw([], [], frame=FRAME)
    assert drawing.bars == () and drawing.top == 1


@pytest.mark.parametrize(("text", "chars", "expected"), [
    ("Geplaatst", 20, ("Geplaatst",)),
    ("Voorgesteld aan werkgever", 16, ("Voorgesteld aan", "werkgever")),
    ("jan 2026", 7, ("jan", "2026")),
    ("Begeleidingscapaciteit", 8, ("Begelei…",)),
    ("een twee drie vier", 4, ("een", "twee", "dri…"))])
def test_labels_wrap_to_their_slot_in_at_most_three_lines(text, chars, expected):
    assert wrap(text, chars) == expected


def test_labels_wrap_to_the_width_of_a_bar_slot():
    drawing = draw(["Voorgesteld aan werkgever", "Geplaatst"], [[1, 1]])
    assert drawing.labels[0].lines == ("Voorgesteld aan werkgever",)
    narrow = draw(["Voorgesteld aan werkgever"] * 5, [[1] * 5])
    assert narrow.labels[0].lines == ("Voorgesteld aan", "werkgever")
