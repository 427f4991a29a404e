"""Forms of the advisor workspace and the audit log filter."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from spt.forms.catalogue import MultiCheckboxField, options
from spt.services.workqueue import MANUAL_MATCH_TARGETS
from spt.vocabulary import CandidateStatus, MatchStatus, PlacementKind, Theme

REQUIRED = _l("Dit veld is verplicht.")
PAIR = re.compile(r"^\d{1,9}:\d{1,9}$")
ALL = ("", _l("alle"))


class NotesForm(FlaskForm):
    """Advisor-only notes about a candidate."""

    notes = TextAreaField(_l("Notities voor adviseurs"), validators=[Length(max=5000)],
                          description=_l("Bijvoorbeeld motivatie en begeleidingsbehoefte. "
                                         "Werkgevers zien dit niet. De kandidaat ziet het niet "
                                         "in SPT Match, maar krijgt het als die haar of zijn "
                                         "gegevens opvraagt (inzagerecht, AVG). Schrijf "
                                         "feitelijk en respectvol."))


class ProposeForm(FlaskForm):
    """Propose a pair; a choice below the top of the ranking needs a reason."""

    version = IntegerField(validators=[Optional(), NumberRange(0, 10**9)], default=0)
    note = TextAreaField(_l("Toelichting voor het dossier"), validators=[Length(max=500)])
    override_reason = TextAreaField(
        _l("Reden om af te wijken van de ranglijst"), validators=[Length(max=1000)],
        description=_l("Verplicht als er hoger gerangschikte plekken of kandidaten zijn, "
                       "of als een harde eis niet klopt."))


class MatchMoveForm(FlaskForm):
    """Move a match by hand; the version guards against someone else's change."""

    version = IntegerField(validators=[DataRequired(REQUIRED), NumberRange(1, 10**9)])
    status = SelectField(_l("Nieuwe status"), choices=options(
        MatchStatus.choices(only=MANUAL_MATCH_TARGETS)))
    reason = StringField(_l("Reden"), validators=[Length(max=500)])


class BulkMoveForm(FlaskForm):
    """Move selected candidates to a status, with a reason."""

    candidate_ids = SelectMultipleField(_l("Kandidaten"), coerce=int, validate_choice=False)
    # "candidate id:version" of every candidate the board showed, for the version check.
    versions = SelectMultipleField(validate_choice=False)
    status = SelectField(_l("Naar status"), choices=options(CandidateStatus.choices()))
    reason = StringField(_l("Reden"), validators=[DataRequired(REQUIRED), Length(max=500)])

    def validate_candidate_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Kies eerst een of meer kandidaten."))

    def validate_versions(self, field):
        if any(not PAIR.match(value or "") for value in field.data or []):
            raise ValidationError(_l("Laad de pagina opnieuw en probeer het nog eens."))

    def seen_versions(self) -> dict[int, int]:
        """The version of each candidate as the board showed it."""
        return dict(tuple(int(x) for x in value.split(":")) for value in self.versions.data or [])


class BoardFilterForm(FlaskForm):
    """Filters of the pipeline board (GET)."""

    class Meta:
        csrf = False

    theme = SelectField(_l("Thema"), choices=options([ALL, *Theme.choices()]),
                        validate_choice=False)
    region = SelectField(_l("Arbeidsmarktregio"), choices=[], validate_choice=False)
    kind = SelectField(_l("Soort plek"), choices=options([ALL, *PlacementKind.choices()]),
                       validate_choice=False)
    advisor = SelectField(_l("Adviseur"), choices=[], validate_choice=False)


class RoundForm(FlaskForm):
    """Start a match round for a region, theme and kinds of placement."""

    region = SelectField(_l("Arbeidsmarktregio"), choices=[])
    theme = SelectField(_l("Thema"), choices=options([ALL, *Theme.choices()]))
    kinds = MultiCheckboxField(_l("Soorten plek"), choices=options(PlacementKind.choices()))
    max_per_placement = IntegerField(
        _l("Hoogstens voorstellen per plek"), default=2,
        validators=[DataRequired(REQUIRED), NumberRange(1, 20, _l("Kies 1 tot 20."))])


class PairsForm(FlaskForm):
    """Pairs of a round to lock, exclude or accept ('kandidaat:plek')."""

    locked = SelectMultipleField(validate_choice=False)
    excluded = SelectMultipleField(validate_choice=False)
    accept = SelectMultipleField(validate_choice=False)
    # Buttons that choose for the advisor: every pair, or every pair at one employer.
    accept_all = BooleanField()
    accept_employer = IntegerField(validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in (self.locked, self.excluded, self.accept):
            if any(not PAIR.match(value or "") for value in field.data or []):
                field.errors = [*field.errors, _l("Ongeldige combinatie.")]
                ok = False
        return ok

    def pairs(self, field) -> list[tuple[int, int]]:
        """The chosen pairs as (candidate id, placement id)."""
        return [tuple(int(x) for x in value.split(":")) for value in field.data or []]


class PeriodForm(FlaskForm):
    """A date range (GET)."""

    class Meta:
        csrf = False

    van = DateField(_l("Van"), validators=[Optional()])
    tot = DateField(_l("Tot en met"), validators=[Optional()])


class AuditFilterForm(PeriodForm):
    """Filters of the audit log (GET)."""

    actor = StringField(_l("Wie (e-mail of nummer)"), validators=[Length(max=254)])
    action = StringField(_l("Actie"), validators=[Length(max=60)])
    subject_type = StringField(_l("Soort onderwerp"), validators=[Length(max=30)])
    subject_id = IntegerField(_l("Nummer onderwerp"), validators=[Optional(),
                                                                 NumberRange(0, 10**9)])
    pagina = IntegerField(validators=[Optional(), NumberRange(1, 10**6)], default=1)

