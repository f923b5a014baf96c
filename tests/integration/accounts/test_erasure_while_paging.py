"""A projector's page decoded before an erasure never lands after it, on SQLite and PostgreSQL.

An erasure deletes the mentee's key, then clears every view and rebuilds it. A projector
(another thread, or another process) that read and decoded a page with her key before the
clear must not commit it after: not when the view stands empty (position 0, where the page
may well have started), and not when the rebuild has brought the view's position back to
exactly where the page started. The interleaving is forced: the erasure, the clear and the
partial rebuild run right after the projector has decoded its page and before it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from eventsourcing.persistence import Notification

from projections.records import EventRecord
from projections.runner import PositionMoved, ViewRunner, catch_up_together
from projections.store import ViewState, ViewTx
from tests.integration.accounts.test_erasure import ANA, ANA_WORDS, view_content, write_anas_story
from tracker.accounts import Accounts
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.erasure import ERASED_TEXT
from tracker.projecting import Projections
from tracker.settings import Settings


@pytest.fixture
def goal(app: TrackerApplication, clock: ManualClock, accounts: Accounts) -> str:
    """Ana's story is written and she has an account; returns her goal's id."""
    goal_id = write_anas_story(app, clock)
    accounts.create_account(ANA, display_name="Ana", email="ana@example.org", password=None)
    return goal_id


class Refusals:
    """Counts the page transactions refused because their view moved or was cleared."""

    def __init__(self) -> None:
        self.count = 0

    def watch(self, runner: ViewRunner) -> None:
        original = runner.updater

        def updater(
            records: Sequence[EventRecord], expected: ViewState
        ) -> Callable[[ViewTx], None]:
            update = original(records, expected)

            def counted(tx: ViewTx) -> None:
                try:
                    update(tx)
                except PositionMoved:
                    self.count += 1
                    raise

            return counted

        runner.updater = updater  # type: ignore[method-assign]


def erase_after_decoding(runner: ViewRunner, erase: Callable[[], None]) -> list[bool]:
    """Run `erase` once, just after `runner` decodes its next page (before it commits);
    the list says whether each decoded page held Ana's words."""
    original = runner.records
    plaintext: list[bool] = []

    def records(notifications: Sequence[Notification]) -> list[EventRecord]:
        decoded = original(notifications)
        plaintext.append(any(word in repr(r.data) for r in decoded for word in ANA_WORDS))
        if len(plaintext) == 1:
            erase()
        return decoded

    runner.records = records  # type: ignore[method-assign]
    return plaintext


@pytest.mark.parametrize("rebuilt_to", ["empty", "page start"])
@pytest.mark.parametrize("together", [True, False], ids=["views together", "one view"])
def test_a_page_decoded_before_an_erasure_is_refused_and_her_words_never_reach_a_view(
    app: TrackerApplication,
    goal: str,
    accounts: Accounts,
    settings: Settings,
    projections: Projections,
    rebuilt_to: str,
    together: bool,
) -> None:
    # The projector (its own views' connections, as in another process) stands at `start`.
    projector = Projections(app, settings)
    try:
        runners = list(projector.runners.values())
        if not together:
            runners = [projector.runner("timeline")]
        start = 0 if rebuilt_to == "empty" else 3  # before most of her words were written
        catch_up_together(runners, upto=start)
        assert [runner.position() for runner in runners] == [start] * len(runners)
        refusals = Refusals()
        for runner in runners:
            refusals.watch(runner)
        rebuilders = [projections.runner(runner.name) for runner in runners]

        def erase() -> None:
            assert accounts.erase(ANA, compact=False) == 1  # her key is gone
            for rebuilder in rebuilders:
                rebuilder.store.clear()
            catch_up_together(rebuilders, upto=start)  # the rebuild, as far as the page start

        decoded = erase_after_decoding(runners[0], erase)
        catch_up_together(runners)

        catch_up_together(rebuilders)  # the rebuild ends
        content = view_content(projector)
        assert not any(word in content for word in ANA_WORDS)
        assert ERASED_TEXT in content
        assert decoded[0], "the projector's first page was decoded with her key"
        assert refusals.count == 1  # that page's commit was refused, and only that one
        assert decoded[1:] == [False]  # it read the page again, after the erasure
        head = app.recorder.max_notification_id()
        assert [runner.position() for runner in runners] == [head] * len(runners)
    finally:
        projector.close()


def test_a_projector_in_another_process_forgets_her_cached_key_when_it_finds_its_views_cleared(
    app: TrackerApplication,
    goal: str,
    accounts: Accounts,
    settings: Settings,
    projections: Projections,
    open_app: Callable[[], TrackerApplication],
) -> None:
    # The other process's projector decoded her words with her key, which its process keeps.
    other = Projections(open_app(), settings)
    try:
        runners = list(other.runners.values())
        start = 3
        catch_up_together(runners, upto=start)
        # The erasure, in this process: the key, then the clear and a rebuild under way.
        assert accounts.erase(ANA, compact=False) == 1
        rebuilders = list(projections.runners.values())
        for rebuilder in rebuilders:
            rebuilder.store.clear()
        catch_up_together(rebuilders, upto=start)
        # The other projector goes on (well within its keyring's recheck interval).
        catch_up_together(runners)
        catch_up_together(rebuilders)
        content = view_content(projections)
        assert not any(word in content for word in ANA_WORDS)
        assert ERASED_TEXT in content
    finally:
        other.close()
