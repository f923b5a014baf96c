"""Every read model, so that the wiring in tracker/ can build, run and rebuild them all.

Add a read model with one line in `PROJECTIONS`; its `name` is the view's name (the CLI's
`tracker projections rebuild NAME`) and the prefix of its tables.

A projection may set `version` (default 1). Bump it when the view's content changes shape
(what a document or entry holds), so that stores built by older code are rebuilt: when the
views are opened, `clear_outdated_views` empties each view whose recorded version is older
(the projector then builds it again from the start of the log) and records the new one.
The versions are kept in a store of their own, `view_versions` (one tracking position per
view, so a version never goes back); a view that has content but no recorded version was
built before versions were kept: version 1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from eventsourcing.persistence import Tracking

from projections.calendar import CalendarProjection
from projections.dashboard import DashboardProjection
from projections.feed_index import FeedIndexProjection
from projections.goal_history import GoalHistoryProjection
from projections.plan_as_of import PlanAsOfProjection
from projections.relationships import RelationshipsProjection
from projections.roadmap import RoadmapProjection
from projections.store import ViewDatabase, ViewProjection, ViewTx
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


VERSIONS_STORE = "view_versions"
log = logging.getLogger(__name__)


def view_version(projection: type[ViewProjection]) -> int:
    """The version of a view's content shape (a projection's `version`, 1 if it sets none)."""
    return int(getattr(projection, "version", 1))


def clear_outdated_views(
    database: ViewDatabase, projections: Sequence[ViewProjection], app_name: str
) -> list[str]:
    """Empty each view built by an older version of its projection, record every view's
    version; the names of the views emptied. One process at a time, before projecting:
    the caller holds the setup lock (a second process then finds the versions recorded)."""
    versions = database.store(VERSIONS_STORE)
    emptied = []
    for projection in projections:
        name, version = projection.name, view_version(type(projection))
        stored = versions.max_tracking_id(f"version:{name}")
        if stored is None:  # recorded never: built before versions were kept, or empty
            stored = 1 if projection.view.max_tracking_id(app_name) is not None else version
        if stored < version:
            projection.view.clear()
            emptied.append(name)
        elif stored > version:
            log.warning("The %s view is of version %s, newer than this code's %s", name,
                        stored, version)  # fmt: skip
        versions.apply(Tracking(f"version:{name}", version), _recorded(name, version))
    return emptied


def _recorded(name: str, version: int) -> Callable[[ViewTx], None]:
    def record(tx: ViewTx) -> None:
        tx.put(name, {"version": version})  # readable by people; the position is what counts

    return record
