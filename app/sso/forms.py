"""The admin page that connects the single sign-on provider."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.web.forms import CheckboxesField, options

ROLE_CHOICES = [
    ("viewer", _l("Viewers")),
    ("editor", _l("Editors")),
    ("admin", _l("Administrators")),
]


class ProviderForm(FlaskForm):
    enabled = BooleanField(_l("Offer single sign-on on the sign-in page"))
    name = StringField(
        _l("Provider name"),
        validators=[Length(max=100)],
        description=_l('Shown on the button: "Sign in with …", e.g. "Defence Entra ID"'),
    )
    discovery_url = StringField(
        _l("Discovery URL"),
        validators=[Length(max=500)],
        description=_l(
            "The provider's issuer address or its /.well-known/openid-configuration address"
        ),
    )
    client_id = StringField(_l("Client ID"), validators=[Length(max=255)])
    client_secret = PasswordField(
        _l("Client secret"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Stored encrypted and never shown again; leave empty to keep it"),
    )
    role_claim = StringField(
        _l("Claim with the user's groups"), validators=[Length(max=100)], default="groups"
    )
    group_roles = TextAreaField(
        _l("Groups and roles"),
        validators=[Length(max=5000)],
        description=_l(
            'One "group = role" per line (role: viewer, editor or admin). The highest role '
            "applies at each sign-in; users in none of these groups get the default role. "
            "Empty: roles are set in Entente."
        ),
    )
    verified_claim = StringField(
        _l("Claim that says the e-mail address is verified"),
        validators=[Length(max=100)],
        default="email_verified",
        description=_l("email_verified for most providers; xms_edov for Entra ID"),
    )
    just_in_time = BooleanField(
        _l("Create an account at first sign-in for anyone the provider vouches for")
    )
    default_role = SelectField(_l("Default role"), choices=options(ROLE_CHOICES))
    password_off_roles = CheckboxesField(
        _l("Password sign-in is off for"),
        choices=options(ROLE_CHOICES),
        description=_l("They must use single sign-on; tick all three to hide the password form"),
    )
    provider_logout = BooleanField(_l("Signing out of Entente also signs out at the provider"))
