"""Every read model, so that the wiring in tracker/ can build, run and rebuild them all.

Add a read model with one line in `PROJECTIONS`; its `name` is the view's name (the CLI's
`tracker projections rebuild NAME`) and the prefix of its tables.
"""

from __future__ import annotations

from projections.calendar import CalendarProjection
from projections.dashboard import DashboardProjection
from projections.feed_index import FeedIndexProjection
from projections.goal_history import GoalHistoryProjection
from projections.plan_as_of import PlanAsOfProjection
from projections.relationships import RelationshipsProjection
from projections.roadmap import RoadmapProjection
from projections.store import ViewDatabase, ViewProjection
from projections.timeline import TimelineProjection

PROJECTIONS: tuple[type[ViewProjection], ...] = (
    TimelineProjection,
    PlanAsOfProjection,
    GoalHistoryProjection,
    RoadmapProjection,
    DashboardProjection,
    CalendarProjection,
    FeedIndexProjection,
    RelationshipsProjection,
)


def view_names() -> list[str]:
    """The names of all views, in registry order."""
    return [projection.name for projection in PROJECTIONS]


def projection_class(name: str) -> type[ViewProjection]:
    """The projection of view `name`; KeyError names the known views."""
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise KeyError(f"No view {name!r}; known views: {', '.join(view_names())}")


def build_projections(
    database: ViewDatabase, names: list[str] | None = None
) -> list[ViewProjection]:
    """A projection over its store for each view (or for the named ones)."""
    classes = PROJECTIONS if names is None else [projection_class(n) for n in names]
    return [cls(view=database.store(cls.name)) for cls in classes]
