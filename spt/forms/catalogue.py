"""Admin forms for the reference catalogue: skills, modules and career paths."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from spt.vocabulary import (
    CivilValue,
    Credential,
    EducationLevel,
    Nt2Level,
    SkillKind,
    Theme,
)

REQUIRED = _l("Dit veld is verplicht.")
SLUG = [DataRequired(REQUIRED), Length(max=100),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
               message=_l("Gebruik kleine letters, cijfers en streepjes, zoals 'vca-basis'."))]
SKILL_KINDS = SkillKind.choices("advisor")
CREDENTIALS = Credential.choices("advisor")
CIVIL_VALUES = CivilValue.choices("advisor")
LEVEL_CHOICES = [("", _l("geen")), *EducationLevel.choices("advisor")]


def options(pairs) -> list[SelectChoice]:
    """Choices for a select field from (value, label) pairs or bare values."""
    return [SelectChoice(*pair) if isinstance(pair, tuple) else SelectChoice(pair)
            for pair in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes that works without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def lines(text: str | None) -> list[str]:
    """Split a textarea into its non-empty, stripped lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SkillForm(FlaskForm):
    """Create or edit a skill of the techniek list."""

    slug = StringField(_l("Code"), validators=SLUG)
    label = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Soort"), choices=options(SKILL_KINDS))
    themes = MultiCheckboxField(_l("Thema's"), choices=options(Theme.choices("advisor")))
    synonyms = TextAreaField(_l("Synoniemen en vakjargon (één per regel)"),
                             validators=[Length(max=5000)])
    esco_uris = TextAreaField(_l("ESCO-URI's (één per regel)"), validators=[Length(max=5000)])


class ModuleForm(FlaskForm):
    """Create or edit an LLO module."""

    slug = StringField(_l("Code"), validators=SLUG)
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=200)])
    provider = StringField(_l("Aanbieder"), validators=[DataRequired(REQUIRED), Length(max=200)])
    credential = SelectField(_l("Wat levert het op"), choices=options(CREDENTIALS))
    civil_value = SelectField(_l("Civiele waarde"), choices=options(CIVIL_VALUES))
    level = SelectField(_l("Niveau"), choices=options(LEVEL_CHOICES))
    weeks = IntegerField(_l("Duur in weken"), validators=[
        DataRequired(REQUIRED), NumberRange(1, 260, _l("Kies een duur van 1 tot 260 weken."))])
    hours_per_week = IntegerField(_l("Uren per week"), validators=[
        DataRequired(REQUIRED), NumberRange(1, 60, _l("Kies 1 tot 60 uur per week."))])
    cost_eur = IntegerField(_l("Kosten in euro"), validators=[
        Optional(), NumberRange(0, 100_000, _l("Kies een bedrag van 0 tot 100.000 euro."))])
    location = StringField(_l("Plaats"), validators=[Length(max=100)])
    online = BooleanField(_l("Online te volgen"))
    start_moments = TextAreaField(_l("Startmomenten (één per regel)"),
                                  validators=[Length(max=1000)])
    min_nt2 = SelectField(_l("Minimaal taalniveau"),
                          choices=options([("", _l("geen")), *Nt2Level.choices()]))
    min_level = SelectField(_l("Minimaal niveau"), choices=options(LEVEL_CHOICES))
    themes = MultiCheckboxField(_l("Thema's"), choices=options(Theme.choices("advisor")))
    skills = TextAreaField(_l("Vaardigheden die je leert (codes, één per regel)"),
                           validators=[DataRequired(REQUIRED), Length(max=5000)])
    description = TextAreaField(_l("Beschrijving"), validators=[Length(max=2000)])


class CareerPathForm(FlaskForm):
    """Create or edit a loopbaanpad."""

    slug = StringField(_l("Code"), validators=SLUG)
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=200)])
    theme = SelectField(_l("Thema"), choices=options(Theme.choices("advisor")))
    description = TextAreaField(_l("Beschrijving"), validators=[Length(max=2000)])
    levels = MultiCheckboxField(_l("Niveaus"), choices=options(EducationLevel.choices("advisor")))
    entry_profiles = TextAreaField(_l("Instapprofielen (één per regel)"),
                                   validators=[Length(max=2000)])
    target_occupations = TextAreaField(_l("Doelberoepen: ESCO-URI's (één per regel)"),
                                       validators=[DataRequired(REQUIRED), Length(max=5000)])
    required_skills = TextAreaField(_l("Benodigde vaardigheden (codes, één per regel)"),
                                    validators=[Length(max=5000)])
    steps = TextAreaField(
        _l("Stappen (één per regel: soort | titel | module-code of soorten plek)"),
        description=_l("Soort is orientatie, module, plek of baan. Voorbeeld: "
                       "module | Zonnepanelen leggen | pv-installatie"),
        validators=[DataRequired(REQUIRED), Length(max=5000)])
