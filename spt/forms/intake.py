"""The six intake steps; each form checks shape only, with Dutch messages."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from spt.forms.catalogue import MultiCheckboxField, options
from spt.services import postcodes
from spt.services.errors import DomainError
from spt.vocabulary import (
    NATIVE_SPEAKER,
    NO_DIPLOMA,
    EducationLevel,
    Nt2Level,
    PlacementKind,
    Theme,
)

REQUIRED = _l("Dit veld is verplicht.")
THIS_YEAR = date.today().year
HEARD_VIA = [("", _l("Kies een antwoord")), ("uwv", _l("UWV of werk.nl")),
             ("gemeente", _l("Mijn gemeente")), ("school", _l("School of opleiding")),
             ("werkgever", _l("Een werkgever")), ("social", _l("Social media")),
             ("kennis", _l("Familie, vrienden of kennissen")), ("anders", _l("Anders"))]
GENDERS = [("", _l("Zeg ik liever niet")), ("v", _l("Vrouw")), ("m", _l("Man")),
           ("x", _l("Anders"))]
NATIVE = [("ja", _l("Ja")), ("nee", _l("Nee")), ("", _l("Zeg ik liever niet"))]
LEVEL_CHOICES = [("", _l("Kies je hoogste opleiding")), (NO_DIPLOMA, _l("Geen diploma")),
                 *EducationLevel.choices("candidate")]
FOREIGN = [("", _l("Nee, mijn diploma is Nederlands")),
           ("erkend", _l("Buitenlands diploma, erkend (bijvoorbeeld door IDW of Nuffic)")),
           ("niet-erkend", _l("Buitenlands diploma, niet (of nog niet) erkend"))]
LICENCES = ["AM", "B", "BE", "C", "CE", "D"]
THEME_CHOICES = Theme.choices("candidate")
KIND_CHOICES = PlacementKind.choices("candidate")
NT2_CHOICES = [("", _l("Kies je taalniveau")),
               (NATIVE_SPEAKER, _l("Nederlands is mijn moedertaal")),
               *Nt2Level.choices("candidate")]
MONITORING_ONLY = _l("Alleen voor statistiek. Het telt nooit mee bij het matchen.")
INTENT_CHOICES = [("switch", _l("Overstappen naar ander werk")),
                  ("stay", _l("Hetzelfde werk blijven doen")),
                  ("grow", _l("Doorgroeien in dit werk")),
                  ("", _l("Weet ik nog niet, of ik heb nog niet gewerkt"))]
SKILL_LEVELS = [("1", _l("Basis")), ("2", _l("Goed")), ("3", _l("Expert"))]


def _postcode_shape(_form, field) -> None:
    try:
        postcodes.parse(field.data)
    except DomainError as error:
        raise ValidationError(error.message) from error


class AboutForm(FlaskForm):
    """Step 1: over jou."""

    first_name = StringField(_l("Voornaam"), validators=[DataRequired(REQUIRED), Length(max=100)])
    last_name = StringField(_l("Achternaam"), validators=[DataRequired(REQUIRED), Length(max=100)])
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(REQUIRED), Length(max=254), Email(_l("Vul een geldig e-mailadres in."))])
    phone = TelField(_l("Telefoonnummer"), validators=[Optional(), Length(max=40), Regexp(
        r"^\+?[0-9 ()-]{10,20}$", message=_l("Vul een telefoonnummer in, zoals 06 1234 5678."))])
    postcode = StringField(_l("Postcode"), description=_l(
        "Wij gebruiken alleen de 4 cijfers om de reisafstand te bepalen."),
        validators=[DataRequired(REQUIRED), Length(max=10), _postcode_shape])
    birth_year = IntegerField(_l("Geboortejaar"), description=_l(
        "Werkgevers zien alleen een leeftijdsgroep, zoals 35-44 jaar."),
        validators=[InputRequired(_l("Vul je geboortejaar in, bijvoorbeeld 1990.")),
                    NumberRange(THIS_YEAR - 80, THIS_YEAR - 15,
                                _l("Vul een geboortejaar tussen %(a)d en %(b)d in.",
                                   a=THIS_YEAR - 80, b=THIS_YEAR - 15))])
    heard_via = SelectField(_l("Hoe heb je van ons gehoord?"), choices=options(HEARD_VIA),
                            validators=[Optional()])
    gender = SelectField(_l("Geslacht"), choices=options(GENDERS), validators=[Optional()],
                         description=MONITORING_ONLY)
    native_dutch = RadioField(_l("Is Nederlands je moedertaal?"), choices=options(NATIVE),
                              default="", validators=[Optional()], description=MONITORING_ONLY)


class SubForm(Form):
    """A nested form that speaks the visitor's language like FlaskForm does."""

    class Meta:
        def get_translations(self, form):
            return translations


class JobEntry(SubForm):
    """One previous job."""

    title = StringField(_l("Beroep of functie"), validators=[Optional(), Length(max=200)])
    years = IntegerField(_l("Aantal jaren"), validators=[
        Optional(), NumberRange(0, 50, _l("Vul 0 tot 50 jaar in."))])


class WorkForm(FlaskForm):
    """Step 2: werk en ervaring."""

    jobs = FieldList(FormField(JobEntry), min_entries=5, max_entries=10)
    intent = RadioField(_l("Wat wil je met je huidige of laatste werk?"),
                        choices=options(INTENT_CHOICES), default="", description=_l(
                            "Wil je overstappen, dan zoeken we vooral ander werk. Wat je al "
                            "kunt, telt dan nog steeds mee."))


class SkillEntry(SubForm):
    """One skill with a self-rated level."""

    skill = StringField(_l("Vaardigheid"), validators=[Optional(), Length(max=200)])
    level = SelectField(_l("Hoe goed?"), choices=options(SKILL_LEVELS), default="2")


class SkillsForm(FlaskForm):
    """Step 3: vaardigheden."""

    skills = FieldList(FormField(SkillEntry), min_entries=8, max_entries=20)


class EducationForm(FlaskForm):
    """Step 4: opleiding en certificaten (certificate choices come from the catalogue)."""

    level = SelectField(_l("Hoogste opleiding"), choices=options(LEVEL_CHOICES),
                        validators=[DataRequired(_l("Kies je hoogste opleiding."))])
    foreign_diploma = SelectField(_l("Buitenlands diploma?"), choices=options(FOREIGN),
                                  validators=[Optional()])
    education_field = StringField(_l("Richting van je opleiding"),
                                  validators=[Optional(), Length(max=200)])
    certificates = MultiCheckboxField(_l("Certificaten"), choices=[], validate_choice=True)
    driving_licences = MultiCheckboxField(_l("Rijbewijzen"), choices=options(LICENCES))


class WishesForm(FlaskForm):
    """Step 5: wensen."""

    themes = MultiCheckboxField(_l("Waar wil je werken?"), choices=options(THEME_CHOICES),
                                validators=[DataRequired(_l("Kies minstens één thema."))])
    themes_only = BooleanField(_l("Alleen dit: laat mij geen plekken in andere thema's zien"))
    kinds = MultiCheckboxField(_l("Wat zoek je?"), choices=options(KIND_CHOICES), validators=[
        DataRequired(_l("Kies minstens één soort plek."))])
    kinds_only = BooleanField(_l("Alleen dit: laat mij geen andere soort plekken zien"))
    hours_per_week = IntegerField(_l("Uren per week"), validators=[
        InputRequired(_l("Vul in hoeveel uur per week je wilt werken.")),
        NumberRange(4, 40, _l("Vul 4 tot 40 uur in."))])
    hours_strict = BooleanField(_l(
        "Alleen dit: ik wil precies zoveel uur werken (hooguit 4 uur meer of minder)"))
    available_from = DateField(_l("Vanaf wanneer kun je beginnen?"), validators=[
        InputRequired(_l("Vul een datum in, zoals 2027-02-01."))])
    max_km = IntegerField(_l("Hoe ver wil je reizen? (km, enkele reis)"), validators=[
        InputRequired(_l("Vul in hoeveel kilometer je wilt reizen.")),
        NumberRange(1, 150, _l("Vul 1 tot 150 km in."))])
    nt2_level = SelectField(_l("Hoe goed spreek je Nederlands?"), choices=options(NT2_CHOICES),
                            validators=[DataRequired(_l("Kies je taalniveau."))],
                            description=_l("A1 is beginner, B1 is zelfstandig, C2 is "
                                           "als een moedertaalspreker."))


class ConsentForm(FlaskForm):
    """Step 6: toestemming, each purpose its own choice."""

    privacy_read = BooleanField(_l("Ik heb de privacyverklaring gelezen."), validators=[
        DataRequired(_l("Lees de privacyverklaring en vink dit aan."))])
    consent_matching = BooleanField(_l(
        "SPT mag mijn gegevens gebruiken om mij te helpen aan werk of scholing. "
        "Daarbij helpt software die plekken rangschikt; een adviseur beslist."), validators=[
        DataRequired(_l("Zonder deze toestemming kunnen wij je niet helpen."))])
    consent_employers = BooleanField(_l(
        "Een adviseur mag mijn profiel zonder naam laten zien aan werkgevers."))
    consent_mail = BooleanField(_l(
        "Ik wil e-mail over nieuwe plekken die bij mij passen, met scholing die daarbij helpt."))
    consent_research = BooleanField(_l(
        "Mijn gegevens mogen zonder naam gebruikt worden voor onderzoek."))


class AccountForm(ConsentForm):
    """Step 6 for a visitor without an account: consent plus a password."""

    password = PasswordField(_l("Kies een wachtwoord"), validators=[
        DataRequired(REQUIRED),
        Length(min=12, max=200, message=_l("Kies een wachtwoord van minstens 12 tekens."))])
    confirm = PasswordField(_l("Herhaal wachtwoord"), validators=[
        DataRequired(REQUIRED), EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))])


STEP_FORMS = {1: AboutForm, 2: WorkForm, 3: SkillsForm, 4: EducationForm, 5: WishesForm}


class ResumeRequestForm(FlaskForm):
    """Ask for a new "ga verder" link for an intake begun with this address."""

    email = EmailField(_l("Het e-mailadres uit stap 1"), validators=[
        DataRequired(REQUIRED), Length(max=254), Email(_l("Vul een geldig e-mailadres in."))])


class ResumeForm(FlaskForm):
    """Confirm that this browser continues the intake of a mailed link."""
