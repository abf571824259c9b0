"""Settings refuse unsafe production configuration and pick safe local defaults."""

import pytest
from pydantic import ValidationError

from apfa.settings import Settings


def test_production_refuses_a_missing_or_placeholder_secret(monkeypatch):
    monkeypatch.setenv("APFA_ENV", "production")
    for secret in (None, "changeme", "short-secret"):
        if secret is None:
            monkeypatch.delenv("CHAINLIT_AUTH_SECRET", raising=False)
        else:
            monkeypatch.setenv("CHAINLIT_AUTH_SECRET", secret)
        with pytest.raises(ValidationError, match="CHAINLIT_AUTH_SECRET"):
            Settings(_env_file=None)


def test_production_accepts_a_real_secret(monkeypatch):
    monkeypatch.setenv("APFA_ENV", "production")
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "x" * 48)
    assert Settings(_env_file=None).session_secret() == "x" * 48


def test_development_generates_and_keeps_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET", raising=False)
    monkeypatch.setenv("APFA_DATA_DIR", str(tmp_path))
    first = Settings(_env_file=None).session_secret()
    assert len(first) >= 32
    assert Settings(_env_file=None).session_secret() == first


def test_sqlite_is_the_default_database(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("APFA_DATA_DIR", str(tmp_path))
    assert Settings(_env_file=None).effective_database_url.startswith("sqlite:///")
