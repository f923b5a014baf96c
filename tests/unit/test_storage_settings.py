"""Storage is chosen by one setting: a SQLite file in instance/ unless TRACKER_DATABASE_URL
names PostgreSQL (or memory://). Read from a given environment, never the process's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.settings import Settings, SettingsError


def test_without_a_setting_the_store_is_a_sqlite_file_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///instance/tracker.sqlite"
    env = settings.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == "instance/tracker.sqlite"
    assert (tmp_path / "instance").is_dir()  # nothing to install, nothing to create by hand
    assert settings.backend == "sqlite"


def test_one_setting_selects_postgresql() -> None:
    url = "postgresql://tracker:s%40cret@db.example:5433/mentoring?schema=team_a"
    settings = Settings.from_env({"TRACKER_DATABASE_URL": url})
    env = settings.eventsourcing_env()
    assert settings.backend == "postgres"
    assert {
        key: env[key]
        for key in (
            "PERSISTENCE_MODULE",
            "POSTGRES_HOST",
            "POSTGRES_PORT",
            "POSTGRES_DBNAME",
            "POSTGRES_USER",
            "POSTGRES_PASSWORD",
            "POSTGRES_SCHEMA",
        )
    } == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": "db.example",
        "POSTGRES_PORT": "5433",
        "POSTGRES_DBNAME": "mentoring",
        "POSTGRES_USER": "tracker",
        "POSTGRES_PASSWORD": "s@cret",
        "POSTGRES_SCHEMA": "team_a",
    }


def test_the_test_servers_url_needs_nothing_more() -> None:
    env = Settings(database_url="postgresql://postgres@127.0.0.1:5432/test").eventsourcing_env()
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "127.0.0.1",
        "5432",
        "test",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("postgres", "")
    assert "POSTGRES_SCHEMA" not in env


def test_memory_is_the_in_memory_store() -> None:
    settings = Settings.from_env({"TRACKER_DATABASE_URL": "memory://"})
    assert settings.eventsourcing_env()["PERSISTENCE_MODULE"] == "eventsourcing.popo"


def test_an_unknown_scheme_is_refused_saying_what_is_supported() -> None:
    with pytest.raises(SettingsError, match="use sqlite:///path, postgresql://"):
        Settings.from_env({"TRACKER_DATABASE_URL": "mysql://localhost/tracker"}).eventsourcing_env()
