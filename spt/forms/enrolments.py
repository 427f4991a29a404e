"""Forms to record a candidate's module enrolments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from spt.forms.catalogue import options

CHOOSE_DATE = _l("Kies een datum.")


class StartEnrolmentForm(FlaskForm):
    """The candidate started a module."""

    module_id = IntegerField(_l("Module"), validators=[
        InputRequired(_l("Kies een module uit de lijst.")),
        NumberRange(1, 10**9, _l("Kies een module uit de lijst."))])
    started_on = DateField(_l("Gestart op"), validators=[InputRequired(CHOOSE_DATE)])


class FinishEnrolmentForm(FlaskForm):
    """A started module was completed or stopped."""

    version = IntegerField(validators=[InputRequired(), NumberRange(1, 10**9)])
    outcome = SelectField(_l("Uitkomst"), choices=options(
        [("afgerond", _l("Afgerond")), ("gestopt", _l("Gestopt"))]))
    ended_on = DateField(_l("Op"), validators=[InputRequired(CHOOSE_DATE)])
