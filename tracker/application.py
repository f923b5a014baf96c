"""The tracker application: every use case, over one event store."""

from __future__ import annotations

from tracker.pools import recover_at_once
from tracker.services.checkins import CheckInUseCases
from tracker.services.goals import GoalUseCases
from tracker.services.mentorships import MentorshipUseCases
from tracker.services.plans import PlanUseCases
from tracker.services.proposals import ProposalUseCases
from tracker.services.queries import QueryUseCases
from tracker.settings import Settings


class TrackerApplication(
    MentorshipUseCases,
    PlanUseCases,
    GoalUseCases,
    ProposalUseCases,
    CheckInUseCases,
    QueryUseCases,
):
    """Use cases take plain values plus the actor and expected version; return plain data."""

    name = "tracker"


def build_application(settings: Settings, **kwargs: object) -> TrackerApplication:
    """The application wired to the configured storage."""
    app = TrackerApplication(
        env=settings.eventsourcing_env(),
        snapshot_interval=settings.snapshot_interval,
        **kwargs,  # type: ignore[arg-type]
    )
    recover_at_once(getattr(app.factory, "datastore", None))
    return app
