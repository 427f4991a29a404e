"""Forms of the KPI dashboard: the date range (GET) and the targets an admin sets."""

import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, ValidationError

from spt.services.kpi_targets import TARGETS

MAX_DAYS = 10 * 366  # a longer range says nothing more and only costs queries
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
_NUMBER = re.compile(r"^\d{1,6}([.,]\d{1,2})?$")


class DutchDateField(DateField):
    """A date field whose parse error is Dutch and says the expected form."""

    def process_formdata(self, valuelist):
        """Parse the date; a value that is no date gets a Dutch message."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Geen geldige datum. Gebruik de vorm jjjj-mm-dd, "
                                    "bijvoorbeeld 2026-01-31."))) from error


class KpiPeriodForm(FlaskForm):
    """The date range of the dashboard and its exports; empty means the last 12 months."""

    class Meta:
        csrf = False

    van = DutchDateField(_l("Van"))
    tot = DutchDateField(_l("Tot en met"))

    def validate_van(self, field):
        """A date the KPIs can be about."""
        _in_range(field)

    def validate_tot(self, field):
        """A date the KPIs can be about; the range runs forwards and is at most ten years."""
        _in_range(field)
        first, last = self.van.data, field.data or date.today()
        if first and first > last:
            raise ValidationError(_l("De einddatum ligt voor de begindatum.") if field.data
                                  else _l("De begindatum ligt na vandaag."))
        if first and last - first > timedelta(days=MAX_DAYS):
            raise ValidationError(_l("Kies een periode van hoogstens tien jaar."))


def _in_range(field):
    # Far dates say nothing and year 9999 cannot take the extra day the period's end needs.
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Kies een datum tussen 2000 en 2100."))


def _number(form, field):
    text = (field.data or "").strip()
    if not text:
        return
    if not _NUMBER.match(text):
        raise ValidationError(_l("Vul een getal in, bijvoorbeeld 40 of 7,5."))
    if float(text.replace(",", ".")) > field.maximum:
        raise ValidationError(_l("Vul een getal van 0 tot en met %(max)s in.",
                                 max=f"{field.maximum:g}"))


class TargetField(StringField):
    """A target: empty (no target) or a number with at most two decimals, comma or dot."""

    def __init__(self, label, *, maximum: float, **kwargs):
        super().__init__(label, validators=[Length(max=12), _number], **kwargs)
        self.maximum = maximum

    def value(self) -> float | None:
        """The number typed, or None when left empty."""
        text = (self.data or "").strip()
        return float(text.replace(",", ".")) if text else None


class KpiTargetForm(FlaskForm):
    """One target per KPI chart."""

    def values(self) -> dict[str, float | None]:
        """The targets as numbers per key (None clears a target)."""
        return {t.key: self[t.key].value() for t in TARGETS}

    def fill(self, targets: dict[str, float]) -> None:
        """Show the stored targets, with a decimal comma."""
        for key, value in targets.items():
            if key in self:
                self[key].data = f"{value:g}".replace(".", ",")


for _target in TARGETS:
    setattr(KpiTargetForm, _target.key, TargetField(
        _target.label, maximum=_target.maximum,
        description=_l("In procenten, 0 tot en met 100.") if _target.percent else
        _l("Een aantal.")))
