"""Forms to record a candidate's module enrolments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from spt.forms.catalogue import options

CHOOSE_DATE = _l("Kies een datum.")
CHOOSE_MODULE = _l("Kies een module uit de lijst.")


class StartEnrolmentForm(FlaskForm):
    """The candidate started a module."""

    module_id = IntegerField(_l("Module"), validators=[InputRequired(CHOOSE_MODULE),
                                                       NumberRange(1, 10**9, CHOOSE_MODULE)])
    started_on = DateField(_l("Gestart op"), validators=[InputRequired(CHOOSE_DATE)])


class FinishEnrolmentForm(FlaskForm):
    """A running module was completed or stopped (a stop needs a reason)."""

    outcome = SelectField(_l("Uitkomst"), choices=options(
        [("afgerond", _l("Afgerond")), ("gestopt", _l("Gestopt"))]))
    ended_on = DateField(_l("Datum"), validators=[InputRequired(CHOOSE_DATE)])
    reason = StringField(_l("Reden (bij gestopt)"), validators=[Length(max=500)])
