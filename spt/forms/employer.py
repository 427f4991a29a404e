"""Employer forms: the organisation profile and the decisions on proposed candidates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from spt.forms.appointments import AppointmentFields
from spt.forms.catalogue import options
from spt.services.employer_candidates import DECLINE_REASONS, NOT_PLACED
from spt.vocabulary import ContractKind, Theme

REQUIRED = _l("Dit veld is verplicht.")
THEME_CHOICES = [("", _l("Kies een sector")), *Theme.choices("employer")]


# The truth about who reads a note: the AVG's right of access covers it.
NOTE_HELP = _l("Uw adviseur leest dit. De kandidaat ziet het niet in SPT Match, maar krijgt het "
               "als die haar of zijn gegevens opvraagt (inzagerecht, AVG). Schrijf feitelijk en "
               "respectvol.")

class OrganisationForm(FlaskForm):
    """The organisation profile: who the employer is and how many newcomers it can guide."""

    name = StringField(_l("Naam van de organisatie"),
                       validators=[DataRequired(REQUIRED), Length(max=200)])
    kvk_number = StringField(_l("KvK-nummer"), description=_l("8 cijfers; mag leeg blijven."),
                             validators=[Optional(), Regexp(r"^\d{8}$", message=_l(
                                 "Een KvK-nummer bestaat uit precies 8 cijfers."))])
    contact_name = StringField(_l("Contactpersoon"),
                               validators=[DataRequired(REQUIRED), Length(max=200)])
    phone = TelField(_l("Telefoonnummer"), validators=[Optional(), Length(max=40), Regexp(
        r"^\+?[0-9 ()-]{10,20}$", message=_l("Vul een telefoonnummer in, bijvoorbeeld "
                                             "020 123 4567."))])
    postcode = StringField(_l("Postcode van de vestiging"),
                           description=_l("Bijvoorbeeld 1012 AB of alleen de cijfers."),
                           validators=[DataRequired(REQUIRED), Length(max=10)])
    theme = SelectField(_l("Sector"), choices=options(THEME_CHOICES), default="")
    recognised_training_company = BooleanField(_l("Wij zijn een erkend leerbedrijf (SBB)"))
    sbb_number = StringField(_l("SBB-nummer (leerbedrijf-ID)"),
                             description=_l("Verplicht als u een erkend leerbedrijf bent."),
                             validators=[Optional(), Regexp(r"^\d{4,12}$", message=_l(
                                 "Een SBB-nummer bestaat uit 4 tot 12 cijfers."))])
    mentors = IntegerField(_l("Aantal praktijkopleiders en werkbegeleiders"), validators=[
        InputRequired(REQUIRED), NumberRange(0, 500, _l("Kies een aantal van 0 tot 500."))])
    mentor_capacity = IntegerField(
        _l("Begeleidingscapaciteit"),
        description=_l("Hoeveel nieuwe mensen uw begeleiders tegelijk kunnen begeleiden, "
                       "over al uw plekken samen."),
        validators=[InputRequired(REQUIRED),
                    NumberRange(1, 500, _l("Kies een aantal van 1 tot 500."))])

    def validate_sbb_number(self, field) -> None:
        """An erkend leerbedrijf names its SBB number."""
        if self.recognised_training_company.data and not (field.data or "").strip():
            raise ValidationError(_l("Vul het SBB-nummer in van uw erkenning als leerbedrijf."))

    def data_for_service(self) -> dict:
        """The fields as the employers service takes them."""
        data = {key: getattr(self, key).data for key in (
            "name", "kvk_number", "contact_name", "phone", "postcode", "theme",
            "recognised_training_company", "sbb_number", "mentors", "mentor_capacity")}
        for key in ("name", "contact_name", "phone", "postcode"):
            data[key] = (data[key] or "").strip()
        return data | {"kvk_number": data["kvk_number"] or None, "theme": data["theme"] or None}


def _version():
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(
        _l("Het formulier is verlopen. Laad de pagina opnieuw."))])


class AcceptForm(AppointmentFields):
    """Invite a proposed candidate to a kennismaking: when, where and with whom."""

    version = _version()


class DeclineForm(FlaskForm):
    """Decline a proposed candidate with a reason."""

    version = _version()
    reason = SelectField(_l("Reden"), choices=options([("", _l("Kies een reden")),
                                                       *DECLINE_REASONS.items()]),
                         default="", validators=[DataRequired(_l("Kies een reden."))])
    note = TextAreaField(_l("Toelichting"), validators=[Length(max=1000)],
                         description=NOTE_HELP)


class OutcomeForm(FlaskForm):
    """Report what became of a kennismaking or proefplaatsing."""

    version = _version()
    outcome = RadioField(_l("Uitkomst"), choices=options([
        ("proefplaatsing", _l("Proefplaatsing gestart")), ("geplaatst", _l("Geplaatst")),
        ("niet_geplaatst", _l("Niet geplaatst"))]), validators=[
        InputRequired(_l("Kies een uitkomst."))])
    contract_kind = SelectField(_l("Soort overeenkomst (bij geplaatst)"), choices=options(
        [("", _l("Kies een overeenkomst")), *ContractKind.choices("employer")]), default="")
    not_placed = SelectField(_l("Reden (bij niet geplaatst)"), choices=options(
        [("", _l("Kies een reden")), *((k, v[0]) for k, v in NOT_PLACED.items())]), default="")
    note = TextAreaField(_l("Toelichting"), validators=[Length(max=1000)], description=NOTE_HELP)
