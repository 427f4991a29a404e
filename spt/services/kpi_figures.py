"""The building blocks of the KPI tables: cells, tables, periods and small-cell suppression.

Every figure is split by women (gender 'v') and NT2 speakers, in aggregate only. A split cell whose
group (the count, or the denominator of a rate, or the observations of a median) is under
MIN_GROUP distinct people is suppressed; totals are always shown.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from spt.models import Candidate

MIN_GROUP = 10
GROUPS = (("total", _l("Totaal")), ("women", _l("Vrouwen")), ("nt2", _l("NT2")))


@dataclass(frozen=True)
class Cell:
    """One figure; `suppressed` when its group is too small to show."""

    value: float | int | None
    suppressed: bool = False
    percent: bool = False

    def display(self) -> str:
        """The figure as Dutch text ('n<10' when suppressed, '—' when there is none)."""
        if self.suppressed:
            return f"n<{MIN_GROUP}"
        if self.value is None:
            return "—"
        if self.percent:
            return f"{round(100 * self.value)}%"
        return str(self.value) if isinstance(self.value, int) else f"{self.value:.1f}".replace(
            ".", ",")

    def export(self):
        """The figure for a spreadsheet: a number, or text when suppressed or empty."""
        if self.suppressed or self.value is None:
            return self.display()
        return round(self.value, 4) if self.percent else self.value


@dataclass(frozen=True)
class Table:
    """A KPI table: a row label, then cells; `bar` is the column drawn as a chart."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)
    note: str = ""
    bar: int = 0
    target: Cell | None = None  # the admin's target ('doel') for the chart column

    def bar_max(self) -> float:
        """The largest value in the chart column (at least 1)."""
        values = [r[1][self.bar].value for r in self.rows
                  if not r[1][self.bar].suppressed and r[1][self.bar].value is not None]
        return max([1, *values])


@dataclass(frozen=True)
class Period:
    """A date range in UTC, start inclusive and end exclusive."""

    start: datetime
    end: datetime

    @classmethod
    def of(cls, first: date | None, last: date | None, today: date | None = None) -> "Period":
        """The days first..last inclusive; by default the last 365 days (12 months)."""
        last = last or today or date.today()
        first = first or last - timedelta(days=364)
        return cls(datetime.combine(first, time(), UTC),
                   datetime.combine(last + timedelta(days=1), time(), UTC))

    @property
    def last_day(self) -> date:
        """The last day included."""
        return (self.end - timedelta(days=1)).date()


def people_of(db: Session) -> dict[int, tuple[bool, bool]]:
    """Per candidate id: (is a woman, speaks NT2), the only personal facts the KPIs use."""
    return {cid: (gender == "v", bool(nt2)) for cid, gender, nt2 in db.exec(
        select(Candidate.id, Candidate.gender, Candidate.nt2_speaker))}


def _members(ids, people) -> list[list[int]]:
    ids = list(ids)
    return [ids, [i for i in ids if people.get(i, (0, 0))[0]],
            [i for i in ids if people.get(i, (0, 0))[1]]]


def counts(ids, people) -> list[Cell]:
    """Total, women and NT2 counts; a split suppressed when under MIN_GROUP distinct people."""
    groups = _members(ids, people)
    return [Cell(len(g), suppressed=k > 0 and len(set(g)) < MIN_GROUP)
            for k, g in enumerate(groups)]


def ratio(hits, base, people) -> list[Cell]:
    """Hits per base item for each group (ids may repeat); suppressed when the base is small.

    Small means fewer than MIN_GROUP distinct people, so one person's many rows never count
    as a group.
    """
    out = []
    for k, (group_hits, group_base) in enumerate(zip(_members(hits, people),
                                                     _members(base, people), strict=True)):
        value = len(group_hits) / len(group_base) if group_base else None
        out.append(Cell(value, suppressed=k > 0 and len(set(group_base)) < MIN_GROUP,
                        percent=True))
    return out


def medians(observations: dict[int, float], people) -> list[Cell]:
    """Median per group; suppressed when fewer than MIN_GROUP observations."""
    out = []
    for k, ids in enumerate(_members(observations, people)):
        value = float(median(observations[i] for i in ids)) if ids else None
        out.append(Cell(None if value is None else round(value, 1),
                        suppressed=k > 0 and len(ids) < MIN_GROUP))
    return out


def split_columns(*extra) -> list[str]:
    """The total, women and NT2 column titles, then any extra columns."""
    return [str(label) for _k, label in GROUPS] + [str(e) for e in extra]
