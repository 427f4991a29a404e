"""Small forms on the candidate's own pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField
from wtforms.validators import DataRequired, Length

from spt.forms.catalogue import options


class ConsentAnswerForm(FlaskForm):
    """Yes or no to an introduction to one employer."""

    answer = RadioField(_l("Mag de adviseur je voorstellen aan deze werkgever?"),
                        choices=options([("ja", _l("Ja")), ("nee", _l("Nee"))]),
                        validators=[DataRequired(_l("Kies ja of nee."))])


class DeleteAccountForm(FlaskForm):
    """Delete the account: confirm with the password."""

    password = PasswordField(_l("Je wachtwoord"), validators=[
        DataRequired(_l("Vul je wachtwoord in.")), Length(max=200)])
    confirm = BooleanField(_l("Ja, verwijder mijn account en mijn gegevens."), validators=[
        DataRequired(_l("Vink aan dat je je account wilt verwijderen."))])


class ConfirmForm(FlaskForm):
    """A confirmation button (withdrawing consent, undoing it)."""
