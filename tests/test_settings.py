import pytest

from app import create_app
from app.settings import SettingsError, load_settings


def test_defaults_come_from_toml_files():
    settings = load_settings(environ={})
    assert settings.env == "development"
    assert settings.reminder_lead_days == (7, 2)
    assert (settings.database_connect_timeout, settings.database_statement_timeout) == (5, 15)
    assert settings.sqlalchemy_url.startswith("sqlite:///")


def test_environment_variables_override_files_with_types():
    settings = load_settings(
        environ={
            "ENTENTE_SMTP_PORT": "2525",
            "ENTENTE_SQL_ECHO": "yes",
            "ENTENTE_REMINDER_LEAD_DAYS": "[5, 1]",
            "ENTENTE_DATABASE_URL": "postgres://u:pw@db/entente",
        }
    )
    assert settings.smtp_port == 2525
    assert settings.sql_echo is True
    assert settings.reminder_lead_days == (5, 1)
    assert settings.sqlalchemy_url == "postgresql+psycopg://u:pw@db/entente"


def test_settings_are_frozen():
    settings = load_settings(environ={})
    with pytest.raises(AttributeError):
        settings.smtp_port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENTENTE_SMTP_PORT", "many"),
        ("ENTENTE_SQL_ECHO", "perhaps"),
        ("ENTENTE_DATABASE_CONNECT_TIMEOUT", "soon"),
        ("ENTENTE_DATABASE_STATEMENT_TIMEOUT", "-1"),
        ("ENTENTE_DATABASE_LOCK_TIMEOUT", "86400"),
    ],
)
def test_invalid_values_are_refused_with_the_setting_named(name, value):
    with pytest.raises(SettingsError, match=name.removeprefix("ENTENTE_").lower()):
        load_settings(environ={name: value})


def test_unknown_override_is_refused():
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings(environ={}, colour="blue")


def test_production_refuses_to_start_without_secret_and_database():
    with pytest.raises(SettingsError, match="ENTENTE_SECRET_KEY and ENTENTE_DATABASE_URL"):
        load_settings(environ={"ENTENTE_ENV": "production"})


def test_production_ignores_secrets_from_files_and_requires_a_long_key():
    with pytest.raises(SettingsError, match="at least 32"):
        load_settings(
            environ={
                "ENTENTE_ENV": "production",
                "ENTENTE_SECRET_KEY": "short",
                "ENTENTE_DATABASE_URL": "postgresql://db/entente",
            }
        )


def test_production_starts_with_secrets_from_the_environment(tmp_path):
    settings = load_settings(
        environ={
            "ENTENTE_ENV": "production",
            "ENTENTE_SECRET_KEY": "x" * 40,
            "ENTENTE_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        instance_path=str(tmp_path),
    )
    app = create_app(settings)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_repr_never_shows_secrets():
    settings = load_settings(
        environ={
            "ENTENTE_SECRET_KEY": "top-secret-value",
            "ENTENTE_DATABASE_URL": "postgresql://entente:hunter2@db/entente",
            "ENTENTE_SMTP_PASSWORD": "mail-pass",
        }
    )
    shown = repr(settings)
    assert "top-secret-value" not in shown
    assert "hunter2" not in shown
    assert "mail-pass" not in shown
    assert "entente:***@db" in shown
