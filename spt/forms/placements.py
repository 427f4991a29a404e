"""The placement form: every kind (vacature, WEP, BBL, stage, proefplaatsing) with its fields."""

import hashlib
import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
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

from spt.forms.catalogue import lines, options
from spt.forms.employer import THEME_CHOICES
from spt.vocabulary import EducationLevel, Instrument, Nt2Level, PlacementKind, PlacementStatus

REQUIRED = _l("Dit veld is verplicht.")
KIND_CHOICES = PlacementKind.choices("employer")
LEVEL_CHOICES = [("", _l("Geen eis")), *EducationLevel.choices("employer")]
INSTRUMENT_CHOICES = Instrument.choices("employer")
STATUS_CHOICES = PlacementStatus.choices("employer", only=(PlacementStatus.CONCEPT,
                                                           PlacementStatus.OPEN))
SKILLS_HELP = _l("Eén eis per regel, zoals u hem in een vacature schrijft, bijvoorbeeld "
                 "'zonnepanelen monteren', 'VCA VOL', 'rijbewijs C' of 'mbo-3 elektrotechniek'. "
                 "Wij laten zien wat elke regel wordt, voordat u opslaat.")
MAX_LINE = 300  # PlacementRequirement.text
MAX_CHOICES = 100


def _short_lines(_form, field) -> None:
    for number, line in enumerate(lines(field.data), start=1):
        if len(line) > MAX_LINE:
            raise ValidationError(_l("Regel %(n)d is langer dan %(max)d tekens. Zet elke eis op "
                                     "een eigen regel.", n=number, max=MAX_LINE))


def _readable_choices(_form, field) -> None:
    try:
        _parse_choices(field.data)
    except ValueError as error:
        raise ValidationError(_l("Uw keuzes konden wij niet lezen. Kies opnieuw; wat u "
                                 "schreef, staat er nog.")) from error


def _parse_choices(text: str | None) -> dict:
    """The choices of a preview: {"title": uri | "-", "lines": {line key: skill slug | "-"}}."""
    if not text:
        return {}
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("choices must be an object")
    title, chosen = data.get("title"), data.get("lines", {})
    if not (isinstance(chosen, dict) and len(chosen) <= MAX_CHOICES
            and (title is None or isinstance(title, str) and len(title) <= 200)
            and all(isinstance(k, str) and isinstance(v, str) and len(k) <= MAX_LINE
                    and len(v) <= 200 for k, v in chosen.items())):
        raise ValueError("unexpected choices")
    return {"title": title, "lines": chosen} if title else {"lines": chosen}


class PlacementForm(FlaskForm):
    """Create or edit a placement; the service checks the rules that need the database."""

    idempotency_key = HiddenField()
    # The version the form was filled from: saving over someone else's change gives a 409.
    version = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(0, 10**9)])
    kind = RadioField(_l("Soort plek"), choices=options(KIND_CHOICES),
                      validators=[InputRequired(_l("Kies de soort plek."))])
    status = RadioField(_l("Wanneer zichtbaar"), choices=options(STATUS_CHOICES),
                        default="concept", validators=[InputRequired(_l("Kies een status."))])
    title = StringField(_l("Functietitel"), description=_l(
        "Bijvoorbeeld 'monteur zonnepanelen'. Wij herkennen er een beroep uit."),
        validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Een dag uit het leven"), description=_l(
        "Wat doet iemand op een gewone werkdag? Waar, met wie, met welk gereedschap?"),
        validators=[Length(max=4000)])
    essential_skills = TextAreaField(_l("Eisen: wat echt nodig is"),
                                     description=SKILLS_HELP,
                                     validators=[Length(max=3000), _short_lines])
    optional_skills = TextAreaField(_l("Wensen: wat mooi meegenomen is"),
                                    description=SKILLS_HELP,
                                    validators=[Length(max=3000), _short_lines])
    # what the employer saw before saving: a digest of the texts and choices, and the choices
    checked = HiddenField()
    choices = HiddenField(_l("Keuzes"), validators=[Length(max=20000), _readable_choices])
    level = SelectField(_l("Niveau"), choices=options(LEVEL_CHOICES), default="")
    crebo = StringField(_l("Crebonummer van de opleiding"), description=_l(
        "5 cijfers; verplicht bij een BBL-leerbaan en een stage."),
        validators=[Optional(), Regexp(r"^\d{5}$", message=_l(
            "Een crebonummer bestaat uit precies 5 cijfers."))])
    theme = SelectField(_l("Sector"), choices=options(THEME_CHOICES), default="")
    postcode = StringField(_l("Postcode van de werkplek"), description=_l(
        "Bijvoorbeeld 1012 AB of alleen de cijfers."),
        validators=[DataRequired(REQUIRED), Length(max=10)])
    hours_per_week = IntegerField(_l("Uren per week"), validators=[
        InputRequired(REQUIRED), NumberRange(1, 60, _l("Kies 1 tot 60 uur per week."))])
    start_date = DateField(_l("Startdatum"), validators=[Optional()])
    duration_weeks = IntegerField(_l("Duur in weken"), description=_l("Leeg bij een vaste baan."),
                                  validators=[Optional(), NumberRange(
                                      1, 260, _l("Kies een duur van 1 tot 260 weken."))])
    seats = IntegerField(_l("Aantal plekken"), default=1, validators=[
        InputRequired(REQUIRED), NumberRange(1, 50, _l("Kies 1 tot 50 plekken."))])
    min_nt2 = SelectField(_l("Minimaal taalniveau Nederlands"),
                          choices=options([("", _l("Geen eis")), *Nt2Level.choices()]), default="")
    requires_driving_licence = BooleanField(_l("Rijbewijs B nodig"))
    requires_vca = BooleanField(_l("VCA-certificaat nodig"))
    training_offered = BooleanField(_l("Wij bieden opleiding of scholing aan"))
    instrument = SelectField(_l("Regeling"), choices=options(INSTRUMENT_CHOICES),
                             default=Instrument.GEEN.value)
    meeloopdag = BooleanField(_l("Een meeloopdag is mogelijk"))

    def data_for_service(self) -> dict:
        """The fields as the placements service takes them."""
        data = {field.name: field.data for field in self
                if field.name not in ("csrf_token", "checked")}
        data |= {"title": (self.title.data or "").strip(),
                 "description": (self.description.data or "").strip(),
                 "essential_skills": lines(self.essential_skills.data),
                 "optional_skills": lines(self.optional_skills.data),
                 "crebo": (self.crebo.data or "").strip() or None,
                 "postcode": (self.postcode.data or "").strip(),
                 "choices": self.chosen()}
        for key in ("level", "theme", "min_nt2", "idempotency_key"):
            data[key] = data[key] or None
        return data

    def chosen(self) -> dict:
        """The "Bedoelt u ...?" choices made so far (empty when unreadable)."""
        try:
            return _parse_choices(self.choices.data)
        except ValueError:
            return {}

    def press(self, pressed) -> bool:
        """Add a pressed "Bedoelt u ...?" button (request.form) to the choices; whether one was."""
        choices = self.chosen()
        if "choose_title" in pressed:
            choices["title"] = pressed["choose_title"][:200]
        elif "choose_line" in pressed:
            key, _sep, slug = pressed["choose_line"].rpartition("|")
            choices.setdefault("lines", {})[key[:MAX_LINE]] = slug[:200]
        else:
            return False
        self.choices.data = json.dumps(choices)
        return True

    def fingerprint(self) -> str:
        """A digest of the title, the lines and the choices, as the employer last saw them."""
        seen = [(self.title.data or "").strip(), lines(self.essential_skills.data),
                lines(self.optional_skills.data), self.chosen()]
        return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()[:32]

    def show(self, choices: dict) -> None:
        """Keep the choices that were applied and mark this exact text as seen."""
        self.choices.data = json.dumps(choices) if choices else ""
        self.checked.data = self.fingerprint()

    def seen(self) -> bool:
        """Whether the employer saw what this exact text and these choices become."""
        return bool(self.checked.data) and self.checked.data == self.fingerprint()
