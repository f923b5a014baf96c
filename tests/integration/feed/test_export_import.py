"""`tracker export` and `tracker import`, as an operator and a mentee use them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tracker.application import TrackerApplication, build_application
from tracker.cli import main
from tracker.feed import archive as archive_module
from tracker.feed import importer as importer_module
from tracker.projecting import Projections
from tracker.settings import Settings

ANA = "mentee-ana"


def run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--database-url", database_url, *args])


def ok(database_url: str, *args: str) -> str:
    result = run(database_url, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def target(target_url: str) -> Iterator[TrackerApplication]:
    app = build_application(Settings(database_url=target_url))
    yield app
    app.close()


def digests(app: TrackerApplication, url: str) -> dict[str, str]:
    """Every view rebuilt from the store's events, by its content hash."""
    projections = Projections(app, Settings(database_url=url))
    try:
        for name in projections.names:
            projections.rebuild(name)
        return {name: projections.runner(name).store.digest() for name in projections.names}
    finally:
        projections.close()


def log(app: TrackerApplication) -> list[tuple[int, str, int, str]]:
    found = app.recorder.select_notifications(start=1, limit=100_000)
    return [(n.id, str(n.originator_id), n.originator_version, n.topic) for n in found]


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_export_then_import_gives_identical_projections(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    file = tmp_path / "store.ndjson"
    said = ok(demo_url, "export", str(file), "--include-private")
    imported = ok(target_url, "import", str(file))

    assert f"Exported {len(log(demo_store))} events" in said
    assert "Imported" in imported
    assert "sha256 verified" in imported
    assert log(target) == log(demo_store)  # positions, streams, versions, types, order
    assert digests(target, target_url) == digests(demo_store, demo_url)
    manifest = lines(file)[-1]["manifest"]
    assert manifest["events"] == len(log(demo_store))
    assert manifest["last_position"] == demo_store.recorder.max_notification_id()


def test_short_windows_still_seal_every_text_and_read_it_back(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # Export and import forget keys and stream owners every WINDOW events: with windows
    # shorter than a stream, streams begun in an earlier window must still be sealed.
    monkeypatch.setattr(archive_module, "WINDOW", 7)
    monkeypatch.setattr(importer_module, "BATCH", 5)
    file = tmp_path / "store.ndjson"
    ok(demo_url, "export", str(file), "--include-private")
    ok(target_url, "import", str(file))

    source, copied = sealed(demo_store), sealed(target)
    assert sum(source) > 10
    assert copied == source
    assert digests(target, target_url) == digests(demo_store, demo_url)


def sealed(app: TrackerApplication) -> list[bool]:
    """Whether each stored event holds sealed text, in log order."""
    found = app.recorder.select_notifications(start=1, limit=100_000)
    return [b"\\u0000enc:v1:" in n.state for n in found]  # as stored: no cipher here


def test_private_text_stays_out_unless_asked_for(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    file = tmp_path / "store.ndjson"
    said = ok(demo_url, "export", str(file))
    ok(target_url, "import", str(file))

    header, *events, trailer = lines(file)
    private = [e for e in events if e["state"].get("private") is True]
    assert header["private_text"] == "withheld"
    assert private
    assert all(e["state"]["text"] is None for e in private)
    assert trailer["manifest"]["private_texts_withheld"] == len(private)
    assert f"Private text withheld from {len(private)}" in said
    assert "--include-private" in said
    plan = target.get_plan(ANA, viewer_id=ANA)
    assert any(r["private"] and r["text"] is None for r in plan["reflections"])


def test_a_mentees_archive_holds_her_streams_and_her_own_private_text(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    file = tmp_path / "ana.ndjson"
    ok(demo_url, "export", str(file), "--mentee", ANA, "--reader", ANA)
    ok(target_url, "import", str(file))

    header, *events, _ = lines(file)
    assert header["mentee"] == ANA
    assert header["private_text"] == f"withheld except by {ANA}"
    assert 0 < len(events) < len(log(demo_store))
    assert target.get_plan(ANA, viewer_id=ANA) == demo_store.get_plan(ANA, viewer_id=ANA)
    with pytest.raises(Exception, match="No plan"):
        target.get_plan("mentee-ben", viewer_id="mentee-ben")


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)  # the file is the subject
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b.replace(b"Ana", b"Anna", 1), "does not match its manifest's sha256"),
        (lambda b: b[: len(b) // 2], "damaged or truncated"),
        (lambda b: b[: b.rindex(b'{"manifest"')], "without its manifest: it is truncated"),
        (lambda b: b"", "not a tracker export"),
        (lambda b: b + b'{"position": 1}\n', "more after the manifest"),
    ],
)
def test_a_damaged_or_truncated_file_is_refused_and_nothing_written(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path, damage: Any, message: str,
) -> None:  # fmt: skip
    file = tmp_path / "store.ndjson"
    ok(demo_url, "export", str(file), "--include-private")
    file.write_bytes(damage(file.read_bytes()))

    result = run(target_url, "import", str(file))

    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was imported." in result.output
    assert target.recorder.max_notification_id() is None


def test_importing_twice_writes_nothing_the_second_time(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    file = tmp_path / "store.ndjson"
    ok(demo_url, "export", str(file))
    ok(target_url, "import", str(file))
    before = log(target)

    again = ok(target_url, "import", str(file))

    assert "already holds all" in again
    assert "nothing written" in again
    assert log(target) == before


def test_an_interrupted_import_resumes_where_it_stopped(
    demo_store: TrackerApplication, demo_url: str, target_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    file = tmp_path / "store.ndjson"
    ok(demo_url, "export", str(file), "--include-private")
    monkeypatch.setattr(importer_module, "BATCH", 100)
    app = build_application(Settings(database_url=target_url))
    inserted = app.recorder.insert_events
    calls: list[int] = []

    def fail_on_third(batch: Any, **kwargs: Any) -> Any:
        calls.append(len(batch))
        if len(calls) == 3:
            raise ConnectionError("the database went away")
        return inserted(batch, **kwargs)

    monkeypatch.setattr(app.recorder, "insert_events", fail_on_third)
    importer = importer_module.Importer(app, file)
    importer.verify()
    with pytest.raises(ConnectionError):
        importer.run()
    app.close()

    resumed = ok(target_url, "import", str(file))

    assert "(200 were there from an earlier import)" in resumed
    target = build_application(Settings(database_url=target_url))
    try:
        assert log(target) == log(demo_store)
    finally:
        target.close()


def test_a_store_with_other_events_is_refused(
    demo_store: TrackerApplication, demo_url: str, target: TrackerApplication,
    target_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    file = tmp_path / "store.ndjson"
    ok(demo_url, "export", str(file))
    target.start_plan(mentee_id="someone-else", actor_id="someone-else")

    result = run(target_url, "import", str(file))

    assert result.exit_code == 1
    assert "import needs an empty store" in result.output
    assert len(log(target)) == 1
