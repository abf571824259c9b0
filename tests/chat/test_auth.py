"""Accounts: argon2 hashes, roles, the first-run demo account and the Chainlit password callback."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from apfa.db import session_scope
from chat import auth


@pytest.fixture
def db(sqlite_url):
    return sqlite_url


def test_created_user_verifies_with_the_right_password_only(unique_name, db):
    name = unique_name("ana")
    account = auth.create_user(name, "correct horse battery", "borrower", url=db)
    assert account == auth.Account(name, "borrower")
    assert auth.verify(name, "correct horse battery", url=db) == account
    assert auth.verify(name, "wrong password!", url=db) is None
    assert auth.verify(unique_name("nobody"), "correct horse battery", url=db) is None


def test_passwords_are_stored_as_argon2_hashes(unique_name, db):
    name = unique_name("ben")
    auth.create_user(name, "s3cret-passphrase", url=db)
    with session_scope(db) as session:
        stored = session.execute(
            text("SELECT password_hash FROM credentials WHERE identifier = :n"), {"n": name}
        ).scalar_one()
    assert stored.startswith("$argon2")
    assert "s3cret-passphrase" not in stored


@pytest.mark.parametrize("role", ["borrower", "advisor", "admin", "super_admin"])
def test_every_role_can_be_created_and_is_reported_on_login(unique_name, db, role):
    name = unique_name(role.replace("_", ""))
    auth.create_user(name, "long enough pw", role, url=db)
    account = auth.verify(name, "long enough pw", url=db)
    assert account.role == role
    assert (account.role in auth.STAFF_ROLES) is (role != "borrower")


def test_invalid_accounts_are_refused_with_a_reason(unique_name, db):
    name = unique_name("cat")
    auth.create_user(name, "first password", url=db)
    with pytest.raises(auth.AccountError, match="already exists"):
        auth.create_user(name, "another password", url=db)
    with pytest.raises(auth.AccountError, match="Unknown role"):
        auth.create_user(unique_name("dan"), "long enough pw", "loan_officer", url=db)
    with pytest.raises(auth.AccountError, match="at least 8"):
        auth.create_user(unique_name("eve"), "short", url=db)
    with pytest.raises(auth.AccountError, match="Account names"):
        auth.create_user("bad name; drop table", "long enough pw", url=db)


def test_set_password_replaces_the_old_one(unique_name, db):
    name = unique_name("fay")
    auth.create_user(name, "old password", url=db)
    auth.set_password(name, "new password", url=db)
    assert auth.verify(name, "old password", url=db) is None
    assert auth.verify(name, "new password", url=db) is not None
    with pytest.raises(auth.AccountError):
        auth.set_password(unique_name("ghost"), "new password", url=db)


def test_list_users_and_set_role(unique_name, db):
    borrower, advisor = unique_name("gil"), unique_name("hal")
    auth.create_user(borrower, "long enough pw", url=db)
    auth.create_user(advisor, "long enough pw", "advisor", url=db)
    auth.set_role(borrower, "admin", url=db)
    accounts = {account.name: account.role for account in auth.list_users(url=db)}
    assert accounts[borrower] == "admin"
    assert accounts[advisor] == "advisor"


def test_first_run_creates_a_demo_borrower_once(db):
    created = auth.ensure_first_run_account(url=db)
    assert created is not None
    name, password = created
    assert name == "demo"
    assert len(password) >= 12
    assert auth.verify(name, password, url=db) == auth.Account("demo", "borrower")
    assert auth.ensure_first_run_account(url=db) is None


def test_first_run_leaves_existing_accounts_alone(unique_name, db):
    auth.create_user(unique_name("ivy"), "long enough pw", url=db)
    assert auth.ensure_first_run_account(url=db) is None
    assert "demo" not in {account.name for account in auth.list_users(url=db)}


async def test_chainlit_callback_returns_a_user_carrying_the_role(unique_name, db, monkeypatch):
    import chainlit as cl

    name = unique_name("jo")
    auth.create_user(name, "long enough pw", "advisor", url=db)
    user = await auth.authenticate(f" {name} ", "long enough pw", url=db)
    assert isinstance(user, cl.User)
    assert user.identifier == name
    assert user.metadata == {"role": "advisor"}
    assert await auth.authenticate(name, "wrong password", url=db) is None
