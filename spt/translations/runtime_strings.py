"""Dutch strings that the code only translates from a variable, so extraction misses them.

`spt/templates/intake/_layout.html` and `step6.html` call `_(titles[n])` with the plain strings
of STEP_TITLES in spt/views/intake.py. Listing them here puts them in messages.pot and keeps
their English translations. Nothing imports this module; remove an entry once its source
marks the string with `_l()` itself.
"""

from flask_babel import lazy_gettext as _l

INTAKE_STEP_TITLES = (
    _l("Over jou"),
    _l("Werk en ervaring"),
    _l("Vaardigheden"),
    _l("Opleiding en certificaten"),
    _l("Wensen"),
    _l("Toestemming"),
)
