"""WTForms that check the shape of input; Dutch messages through Flask-Babel."""
