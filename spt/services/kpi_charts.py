"""The KPI charts: which table each chart draws, placements per month, and the admin's targets.

A chart never holds figures of its own: it names the rows and columns of a KPI table to draw, so
the table beside it is the source of truth for both.
"""

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from spt.chart_geometry import Drawing, draw
from spt.db import among
from spt.models import Match, Placement
from spt.services import exports, kpi_followup, kpi_targets, kpis, postcodes
from spt.services.kpi_figures import MIN_GROUP, Cell, Period, Table, people_of
from spt.vocabulary import MatchStatus as M

UNKNOWN = "—"


@dataclass(frozen=True)
class Chart:
    """A bar chart of a KPI table: the rows are the bars, the series columns are stacked.

    A percent chart draws only the rows whose cell is a share (retention leaves out its counts).
    """

    table: Table
    desc: str
    series: tuple[int, ...] = (0,)
    percent: bool = False

    @property
    def key(self) -> str:
        """The key of the table drawn."""
        return self.table.key

    def _rows(self) -> list[tuple[str, list]]:
        if not self.percent:
            return list(self.table.rows)
        return [row for row in self.table.rows if row[1][self.series[0]].percent]

    def categories(self) -> list[str]:
        """The bar labels."""
        return [label for label, _cells in self._rows()]

    def legend(self) -> list[str]:
        """The names of the stacked series (shown when there are several)."""
        return [self.table.columns[i] for i in self.series]

    def _number(self, cell: Cell) -> float | None:
        if cell.suppressed or cell.value is None:
            return None
        return 100 * cell.value if self.percent else cell.value

    def drawing(self) -> Drawing:
        """The chart's geometry, percentages on a 0..100 axis (or higher when above 100)."""
        values = [[self._number(cells[s]) for _label, cells in self._rows()]
                  for s in self.series]
        target = self._number(self.table.target) if self.table.target else None
        highest = max([v or 0 for column in values for v in column] + [target or 0])
        return draw(self.categories(), values, target=target,
                    fixed_top=100 if self.percent and highest <= 100 else None)

    def axis_text(self, value: float) -> str:
        """A tick value as Dutch text."""
        text = f"{value:g}".replace(".", ",")
        return f"{text}%" if self.percent else text


def month_starts(period: Period) -> list[date]:
    """The first day of every month the period touches."""
    first, last = period.start.date().replace(day=1), period.last_day
    months = []
    while first <= last:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def placements_per_month(db: Session, period: Period) -> list[Table]:
    """Matches reaching 'geplaatst' per month, split by theme and by labour-market region."""
    placed = {c.subject_id: c.at for c in kpis.changes(db, period, "match", (M.GEPLAATST,))}
    rows = db.exec(select(Match.id, Placement.theme, Placement.pc4).join(Placement)
                   .where(among(db, col(Match.id), placed))).all()
    months = month_starts(period)
    tables = []
    for key, title, group in (
            ("plaatsingen-thema", _l("Plaatsingen per maand per thema"),
             lambda theme, _pc4: theme or UNKNOWN),
            ("plaatsingen-regio", _l("Plaatsingen per maand per arbeidsmarktregio"),
             lambda _theme, pc4: getattr(postcodes.area(pc4), "region", UNKNOWN))):
        per: dict[tuple[date, str], int] = {}
        for match_id, theme, pc4 in rows:
            month = placed[match_id].date().replace(day=1)
            per[month, group(theme, pc4)] = per.get((month, group(theme, pc4)), 0) + 1
        names = sorted({name for _month, name in per})
        tables.append(Table(key, str(title), [str(_l("Totaal")), *names], [
            (format_date(month, "MMM yyyy"),
             [Cell(sum(per.get((month, n), 0) for n in names)),
              *(Cell(per.get((month, n), 0)) for n in names)]) for month in months]))
    return tables


def _with_target(table: Table, targets: dict[str, float], key: str, percent: bool) -> Table:
    if key not in targets:
        return table
    value = targets[key] / 100 if percent else targets[key]
    if not percent and value.is_integer():
        value = int(value)  # a count target reads '8', not '8,0'
    return replace(table, target=Cell(value, percent=percent))


def report_cover(period: Period, *, made: str) -> list[list[str]]:
    """The first lines of a rapportage: what it is, the period, when it was made, the rules."""
    return [[str(_l("Rapportage SPT Match"))],
            [str(_l("Periode")), str(_l("%(van)s tot en met %(tot)s",
                                        van=format_date(period.start.date(), "long"),
                                        tot=format_date(period.last_day, "long")))],
            [str(_l("Gemaakt op")), made],
            [str(_l("Kleine groepen")), str(_l(
                "Cijfers voor vrouwen en NT2-kandidaten zijn totalen; groepen kleiner dan "
                "%(n)d tonen we niet (n<%(n)d).", n=MIN_GROUP))],
            [str(exports.TARGET), str(_l("De regel 'Doel' in een tabel is het doel dat de "
                                     "beheerder heeft ingesteld."))]]


@dataclass(frozen=True)
class Dashboard:
    """The charts (each with its table) and the other KPI tables of a period."""

    period: Period
    charts: list[Chart]
    tables: list[Table]

    def all_tables(self) -> list[Table]:
        """Every table, charted ones first: what the exports and the rapportage hold."""
        return [c.table for c in self.charts] + self.tables


def dashboard(db: Session, period: Period) -> Dashboard:
    """The dashboard of a period: charts with their targets, then the other tables."""
    targets = kpi_targets.current(db)
    people = people_of(db)
    funnel = kpis.funnel(db, period, people)
    by_theme, by_region = placements_per_month(db, period)
    retention = kpi_followup.retention(db, period, people)
    capacity = kpis.mentor_capacity(db, people)
    charts = [
        Chart(_with_target(funnel, targets, "trechter", False),
              str(_l("Staafdiagram: aantal kandidaten dat elke fase bereikte in de periode."))),
        Chart(_with_target(by_theme, targets, "plaatsingen", False),
              str(_l("Gestapeld staafdiagram: plaatsingen per maand, per thema gestapeld.")),
              series=tuple(range(1, len(by_theme.columns)))),
        Chart(_with_target(by_region, targets, "plaatsingen", False),
              str(_l("Gestapeld staafdiagram: plaatsingen per maand, per regio gestapeld.")),
              series=tuple(range(1, len(by_region.columns)))),
        Chart(_with_target(retention, targets, "behoud", True),
              str(_l("Staafdiagram: procent nog aan het werk na 6 en na 12 maanden.")),
              percent=True),
        Chart(_with_target(capacity, targets, "capaciteit", True),
              str(_l("Staafdiagram: procent van de begeleidingscapaciteit in gebruik, per "
                     "werkgever.")), series=(4,), percent=True),
    ]
    return Dashboard(period, charts, kpis.details(db, period, people))
