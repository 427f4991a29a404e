"""Forms for registration, login and passwords."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

REQUIRED = _l("Dit veld is verplicht.")
EMAIL = [DataRequired(REQUIRED), Length(max=254), Email(_l("Vul een geldig e-mailadres in."))]
NEW_PASSWORD = [
    DataRequired(REQUIRED),
    Length(min=12, max=200, message=_l("Kies een wachtwoord van minstens 12 tekens.")),
]


class LoginForm(FlaskForm):
    """Log in with e-mail and password."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(REQUIRED),
                                                           Length(max=200)])


class RegisterForm(FlaskForm):
    """Create a candidate account."""

    email = EmailField(_l("E-mailadres"), validators=EMAIL)
    password = PasswordField(_l("Wachtwoord"), validators=NEW_PASSWORD,
                             description=_l("Minstens 12 tekens. Een zin van een paar woorden "
                                            "is sterk en makkelijk te onthouden."))
    confirm = PasswordField(_l("Herhaal wachtwoord"), validators=[
        DataRequired(REQUIRED), EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))])


class EmployerRegisterForm(RegisterForm):
    """Create an employer account with its organisation."""

    organisation = StringField(_l("Naam organisatie"),
                               validators=[DataRequired(REQUIRED), Length(max=200)])
    contact_name = StringField(_l("Naam contactpersoon"),
                               validators=[DataRequired(REQUIRED), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    """Change the password; other sessions end."""

    current_password = PasswordField(_l("Huidig wachtwoord"),
                                     validators=[DataRequired(REQUIRED), Length(max=200)])
    new_password = PasswordField(_l("Nieuw wachtwoord"), validators=NEW_PASSWORD)
    confirm = PasswordField(_l("Herhaal nieuw wachtwoord"), validators=[
        DataRequired(REQUIRED), EqualTo("new_password", _l("De wachtwoorden zijn niet gelijk."))])


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link."""

    email = EmailField(_l("E-mailadres"), validators=EMAIL)


class ResetForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = PasswordField(_l("Nieuw wachtwoord"), validators=NEW_PASSWORD)
    confirm = PasswordField(_l("Herhaal nieuw wachtwoord"), validators=[
        DataRequired(REQUIRED), EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))])
