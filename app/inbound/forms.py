from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(
        _l("Calendar e-mail or file"),
        validators=[FileRequired(_l("Choose an .eml or .ics file"))],
        description=_l("A forwarded invitation or reply saved as .eml, or an .ics file."),
        render_kw={"accept": ".eml,.ics,message/rfc822,text/calendar"},
    )
