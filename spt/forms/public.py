"""The filters of the public career-path and module pages: GET query parameters, no CSRF."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import AnyOf

from spt.forms.catalogue import CIVIL_VALUES, options
from spt.forms.intake import LEVEL_CHOICES, THEME_CHOICES
from spt.services.public_catalogue import COST_LIMITS, FORMATS, Filters

COST_LABELS = {"gratis": _l("Gratis"), "tot-500": _l("Tot 500 euro"),
               "tot-1000": _l("Tot 1.000 euro"), "tot-2500": _l("Tot 2.500 euro")}
COSTS = [(key, COST_LABELS[key]) for key in COST_LIMITS]
FORMAT_LABELS = {"online": _l("Online"), "locatie": _l("Op locatie")}
FORMAT_CHOICES = [(key, FORMAT_LABELS[key]) for key in FORMATS]
LEVELS = [pair for pair in LEVEL_CHOICES if pair[0] not in ("", "geen")]
UNKNOWN = _l("Deze keuze kennen we niet. Kies een waarde uit de lijst.")


def _select(label, pairs, anything):
    values = [""] + [pair[0] if isinstance(pair, tuple) else pair for pair in pairs]
    # validate_choice off: AnyOf gives the Dutch message next to the field instead
    return SelectField(label, choices=options([("", anything), *pairs]), default="",
                       validate_choice=False, validators=[AnyOf(values, message=UNKNOWN)])


class PathFilterForm(FlaskForm):
    """Filter career paths by theme, level, region, cost and civiele waarde."""

    class Meta:
        csrf = False

    thema = _select(_l("Thema"), THEME_CHOICES, _l("Alle thema's"))
    niveau = _select(_l("Niveau"), LEVELS, _l("Alle niveaus"))
    regio = SelectField(_l("Regio"), choices=[], default="", validate_choice=False)
    kosten = _select(_l("Kosten"), COSTS, _l("Alle bedragen"))
    civiele_waarde = _select(_l("Civiele waarde"), CIVIL_VALUES, _l("Alle"))

    def set_regions(self, regions: list[str]) -> None:
        """The regions where modules are given, known only from the catalogue."""
        self.regio.choices = options([("", _l("Alle regio's")), *regions])
        self.regio.validators = [AnyOf(["", *regions], message=UNKNOWN)]

    def filters(self) -> Filters:
        """The filters of the fields that passed; a refused value filters nothing."""
        def value(name: str) -> str:
            field = getattr(self, name, None)
            return "" if field is None or field.errors else (field.data or "")

        return Filters(theme=value("thema"), level=value("niveau"), region=value("regio"),
                       format=value("vorm"), cost=value("kosten"),
                       civil_value=value("civiele_waarde"))

    def chosen(self) -> bool:
        """Whether any valid filter is set."""
        return self.filters() != Filters()


class ModuleFilterForm(PathFilterForm):
    """Filter modules: the path filters and online or on location."""

    vorm = _select(_l("Vorm"), FORMAT_CHOICES, _l("Online en op locatie"))

