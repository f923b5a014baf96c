"""Crypto-shredding on SQLite and PostgreSQL: a mentee's words are stored sealed with her key,
and once her account is erased they read as "[erased]" everywhere while the events stay."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain import CheckIn, DomainError, Goal, Mentorship, Plan, Proposal
from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.clock import ManualClock
from tracker.erasure import ERASED_TEXT, SubjectErased
from tracker.erasure.personal_text import EVENT_TEXT, SNAPSHOT_TEXT
from tracker.projecting import Projections
from tracker.settings import Settings

ANA, BEN, MENTOR = "mentee-ana", "mentee-ben", "mentor-maria"
# Words that appear nowhere but in what the story writes, to grep for.
ANA_WORDS = ("Zanzibar", "Quokka", "Xylophone", "Marzipan", "Jacaranda", "Nebula")
BEN_WORDS = "Kilimanjaro"


def write_anas_story(app: TrackerApplication, clock: ManualClock) -> str:
    """Ana's plan, a goal revised past the snapshot interval, a mentorship, a check-in."""
    app.start_plan(mentee_id=ANA, actor_id=ANA)
    app.edit_plan_section(
        ANA, section="vision_statement", fields={"statement": f"Teach in {ANA_WORDS[0]}"},
        reason="First go", actor_id=ANA,
    )  # fmt: skip
    app.reflect(ANA, text=f"Afraid of the {ANA_WORDS[1]}", private=True, actor_id=ANA)
    goal = app.draft_goal(
        ANA, kind="smarty", fields={"title": f"Play the {ANA_WORDS[2]}",
                                    "target_date": date(2026, 6, 30)}, actor_id=ANA,
    ).id  # fmt: skip
    for n in range(5):
        clock.advance(days=1)
        app.revise_goal(
            goal, changes={"specific": f"{ANA_WORDS[3]} {n}"}, reason="Sharper", actor_id=ANA
        )
    invited = app.invite_mentor(
        mentee_id=ANA, mentor_id=MENTOR, help_wanted=f"Help with {ANA_WORDS[4]}",
        duration="A year", frequency="Monthly", actor_id=ANA,
    )  # fmt: skip
    app.accept_invitation(
        invited.id, cadence_days=30, meeting_minutes=60, guidance="Careers", actor_id=MENTOR
    )
    check_in = app.schedule_check_in(invited.id, scheduled_for=date(2025, 2, 1), actor_id=ANA)
    app.write_note(check_in.id, text=f"{ANA_WORDS[5]} came up", private=False, actor_id=MENTOR)
    app.start_plan(mentee_id=BEN, actor_id=BEN)
    app.reflect(BEN, text=f"Climb {BEN_WORDS}", private=False, actor_id=BEN)
    return goal


def stored_bytes(app: TrackerApplication, goal_id: str) -> bytes:
    """The raw rows of the events table and of the goal's snapshots, as stored."""
    head = app.recorder.max_notification_id() or 0
    events = [n.state for n in app.recorder.select_notifications(start=1, limit=head + 1)]
    assert app.snapshots is not None
    snapshots = [s.state for s in app.snapshots.recorder.select_events(UUID(goal_id))]
    assert snapshots, "the story must reach a snapshot"
    return b"\n".join(events + snapshots)


def view_content(projections: Projections) -> str:
    """Everything every view holds, as text."""
    chunks = []
    for name in projections.names:
        store = projections.runner(name).store
        chunks.append(json.dumps(store.documents()))
        chunks.extend(json.dumps(entry.doc) for entry in store.all_entries())
    return "\n".join(chunks)


@pytest.fixture
def goal(app: TrackerApplication, clock: ManualClock, accounts: Accounts) -> str:
    """Ana's story is written and she has an account; returns her goal's id."""
    goal_id = write_anas_story(app, clock)
    accounts.create_account(ANA, display_name="Ana", email="ana@example.org", password=None)
    return goal_id


def test_no_personal_text_is_stored_in_clear_but_ids_dates_and_kinds_are(
    app: TrackerApplication, goal: str
) -> None:
    raw = stored_bytes(app, goal)
    for word in (*ANA_WORDS, BEN_WORDS):
        assert word.encode() not in raw
    assert b'"mentee_id":"mentee-ana"' in raw
    assert b'"actor_id":"mentor-maria"' in raw
    assert b'"_data_":"2026-06-30"' in raw
    assert b'"_data_":"smarty"' in raw
    assert app.get_goal(goal)["title"] == f"Play the {ANA_WORDS[2]}"


def test_after_erasure_aggregates_snapshots_and_rebuilt_views_read_erased(
    app: TrackerApplication, goal: str, accounts: Accounts, projections: Projections
) -> None:
    for name in projections.names:
        projections.rebuild(name)
    before = view_content(projections)
    assert ANA_WORDS[0] in before
    assert ANA_WORDS[2] in before
    events_before = app.recorder.max_notification_id()

    assert accounts.erase(ANA) == 1

    assert app.recorder.max_notification_id() == events_before  # the events stay
    assert not any(word.encode() in stored_bytes(app, goal) for word in ANA_WORDS)
    loaded = app.get_goal(goal)  # from its snapshot plus the events after it
    assert (loaded["title"], loaded["specific"]) == (ERASED_TEXT, ERASED_TEXT)
    assert (loaded["target_date"], loaded["version"], loaded["status"]) == (
        date(2026, 6, 30), 6, "draft",
    )  # fmt: skip
    plan = app.get_plan(ANA, viewer_id=ANA)
    assert plan["sections"]["vision_statement"]["statement"] == ERASED_TEXT
    assert [r["text"] for r in plan["reflections"]] == [ERASED_TEXT]
    for name in projections.names:
        projections.rebuild(name)
    after = view_content(projections)
    assert not any(word in after for word in ANA_WORDS)
    assert ERASED_TEXT in after
    assert BEN_WORDS in after
    assert app.get_plan(BEN, viewer_id=BEN)["reflections"][0]["text"] == f"Climb {BEN_WORDS}"


def test_in_a_mentorship_only_her_own_words_are_erased(
    app: TrackerApplication, goal: str, accounts: Accounts
) -> None:
    (mentorship_id,) = {
        str(n.originator_id)
        for n in app.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("Mentorship.Invited")
    }
    accounts.erase(ANA)
    mentorship = app.get_mentorship(mentorship_id)
    assert mentorship["ask"]["help_wanted"] == ERASED_TEXT
    assert mentorship["agreement"]["guidance"] == "Careers"  # the mentor's words
    # Her mentor may still end it, in his words; nothing new of hers can be written.
    app.end_mentorship(mentorship_id, reason="She left", actor_id=MENTOR)
    assert app.get_mentorship(mentorship_id)["end_reason"] == "She left"
    with pytest.raises(SubjectErased):
        app.reflect(ANA, text="Back again", private=False, actor_id=ANA)
    with pytest.raises(SubjectErased):
        app.give_feedback(goal, text="Well done", source="mentor", actor_id=MENTOR)


def test_the_erased_key_is_gone_from_the_database(
    app: TrackerApplication, goal: str, accounts: Accounts, settings: Settings
) -> None:
    with accounts.tables.transaction() as cursor:
        cursor.execute(f"SELECT key FROM {accounts.keyring.table} WHERE mentee_id = ?", (ANA,))
        row = cursor.one()
    assert row is not None
    key = bytes(row[0])
    accounts.erase(ANA)
    with accounts.tables.transaction() as cursor:
        cursor.execute(
            f"SELECT key, erased FROM {accounts.keyring.table} WHERE mentee_id = ?", (ANA,)
        )
        assert [(k, e is not None) for k, e in cursor.all()] == [(None, True)]
    if settings.backend == "sqlite":
        path = Path(settings.eventsourcing_env()["SQLITE_DBNAME"])
        files = [path, path.with_name(path.name + "-wal")]
        assert not any(key in f.read_bytes() for f in files if f.exists())


def test_another_process_sees_the_erasure_within_its_recheck_interval(
    app: TrackerApplication,
    goal: str,
    accounts: Accounts,
    open_app: Callable[[], TrackerApplication],
) -> None:
    other = open_app()
    other.shredding.keyring.recheck_seconds = 0
    assert other.get_goal(goal)["title"] == f"Play the {ANA_WORDS[2]}"  # now cached there
    accounts.erase(ANA)
    assert other.get_goal(goal)["title"] == ERASED_TEXT


def test_a_key_read_while_her_erasure_commits_is_not_kept_after_it(
    app: TrackerApplication, goal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader (the projector, a feed page) that read her key just before her erasure
    committed may use it for what it is reading, but must not keep it: kept, it opened
    her text again in this process after the erasure (seen under load, in a feed page)."""
    keyring = app.shredding.keyring
    key_id = keyring.key_for_writing(ANA).key_id
    keyring.forget()  # nothing cached: the next read reads the table
    transaction = keyring.tables.transaction

    @contextmanager
    def erased_just_after(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with transaction(*args, **kwargs) as cursor:
            yield cursor
        monkeypatch.setattr(keyring.tables, "transaction", transaction)  # once
        keyring.erase(ANA)  # commits, and forgets, between the read and the caching

    monkeypatch.setattr(keyring.tables, "transaction", erased_just_after)
    assert keyring.cipher_for_reading(key_id) is not None  # read before the erasure
    assert keyring.cipher_for_reading(key_id) is None
    assert app.get_goal(goal)["title"] == ERASED_TEXT


def test_an_aggregate_read_while_her_erasure_commits_is_not_cached_after_it(
    app: TrackerApplication, goal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A goal decoded with her key just before her erasure committed must not go into the
    aggregate cache after the erasure emptied it: the next read would show her words."""
    app.shredding.keyring.forget()  # no key, no aggregate cached: the next read decodes
    repository: Any = app.repository
    rebuild = repository._reconstruct_aggregate  # eventsourcing's, then it caches the result

    def erased_just_after(*args: Any, **kwargs: Any) -> Any:
        aggregate = rebuild(*args, **kwargs)
        monkeypatch.setattr(repository, "_reconstruct_aggregate", rebuild)  # once
        app.shredding.keyring.erase(ANA)  # commits, and empties the caches, before the put
        return aggregate

    monkeypatch.setattr(repository, "_reconstruct_aggregate", erased_just_after)
    assert app.get_goal(goal)["title"] == f"Play the {ANA_WORDS[2]}"  # decoded before it
    assert app.get_goal(goal)["title"] == ERASED_TEXT
    assert ANA_WORDS[3] not in json.dumps(app.get_goal(goal), default=str)


def test_text_shaped_like_a_sealed_text_cannot_be_typed(app: TrackerApplication) -> None:
    # Sealed texts start with NUL, which no text may contain, so nobody can forge one.
    app.start_plan(mentee_id=ANA, actor_id=ANA)
    sly = "\x00enc:v1:0000000000000000:AAAA"
    with pytest.raises(DomainError, match="control characters"):
        app.reflect(ANA, text=sly, private=False, actor_id=ANA)
    assert app.get_plan(ANA, viewer_id=ANA)["reflections"] == []
    lookalike = "enc:v1:0000000000000000:AAAA"
    app.reflect(ANA, text=lookalike, private=False, actor_id=ANA)
    assert app.get_plan(ANA, viewer_id=ANA)["reflections"][0]["text"] == lookalike


def test_with_shredding_off_text_is_stored_in_clear_and_both_kinds_read_back(
    database_url: str, clock: ManualClock
) -> None:
    off = Settings(database_url=database_url, extra_env={"TRACKER_CRYPTO_SHREDDING": "off"})
    app = build_application(off, clock=clock)
    try:
        app.start_plan(mentee_id=ANA, actor_id=ANA)
        app.reflect(ANA, text=f"Plain {ANA_WORDS[0]}", private=False, actor_id=ANA)
        head = app.recorder.max_notification_id() or 0
        raw = b"".join(n.state for n in app.recorder.select_notifications(start=1, limit=head))
        assert ANA_WORDS[0].encode() in raw
    finally:
        app.close()
    app = build_application(Settings(database_url=database_url), clock=clock)
    try:
        app.reflect(ANA, text=f"Sealed {ANA_WORDS[1]}", private=False, actor_id=ANA)
        texts = [r["text"] for r in app.get_plan(ANA, viewer_id=ANA)["reflections"]]
        assert texts == [f"Plain {ANA_WORDS[0]}", f"Sealed {ANA_WORDS[1]}"]
    finally:
        app.close()


def test_every_event_and_snapshot_of_the_domain_says_which_text_is_personal() -> None:
    for aggregate in (Plan, Goal, Proposal, Mentorship, CheckIn):
        assert aggregate.__name__ in SNAPSHOT_TEXT
        for name, value in vars(aggregate).items():
            if isinstance(value, type) and name not in ("Event", "Created"):
                assert value.__qualname__ in EVENT_TEXT, value.__qualname__


def test_a_process_that_never_read_a_stream_finds_its_owner_from_the_creating_event(
    app: TrackerApplication, goal: str, open_app: Callable[[], TrackerApplication]
) -> None:
    revised = list(app.events.get(UUID(goal)))[-1]
    assert not hasattr(revised, "mentee_id")
    other = open_app()
    assert other.mapper.owner_of(revised) == ANA  # type: ignore[attr-defined]
    sealed = other.mapper.to_stored_event(revised)
    assert ANA_WORDS[3].encode() not in sealed.state
    assert vars(app.mapper.to_domain_event(sealed))["changes"] == revised.changes


def test_a_reader_starting_mid_stream_opens_the_text_without_its_creating_event(
    app: TrackerApplication, goal: str, open_app: Callable[[], TrackerApplication]
) -> None:
    head = app.recorder.max_notification_id() or 0
    notifications = app.recorder.select_notifications(start=1, limit=head)
    revised = next(n for n in notifications if n.topic.endswith("Goal.Revised"))
    fresh = open_app()  # has read nothing yet: like a projector resuming at this position
    assert vars(fresh.mapper.to_domain_event(revised))["changes"] == {
        "specific": f"{ANA_WORDS[3]} 0"
    }
