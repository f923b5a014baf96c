"""What changed in a plan between two moments: added, removed, changed, section by section
and goal by goal. Pure functions of two plan states (see `projections.plan_state`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.plan_state import PlanState

# Bookkeeping that changes with every event; a reader asks what changed in the plan itself.
_NOISE = frozenset({"updated_at"})
COLLECTIONS = ("options", "support_network", "reflections", "proposals")


def diff_value(old: Any, new: Any) -> dict[str, Any]:
    """How one value changed: nested by key for mappings, appended items for grown lists."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return diff_entries(old, new)
    if isinstance(old, list) and isinstance(new, list) and new[: len(old)] == old:
        return {"appended": new[len(old) :]}
    return {"from": old, "to": new}


def diff_entries(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Keys added, removed and changed between two mappings (only the non-empty groups)."""
    result: dict[str, Any] = {
        "added": {k: v for k, v in new.items() if k not in old},
        "removed": {k: v for k, v in old.items() if k not in new},
        "changed": {
            k: diff_value(old[k], v)
            for k, v in new.items()
            if k in old and old[k] != v and k not in _NOISE
        },
    }
    return {group: items for group, items in result.items() if items}


def diff_collection(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Items (goals, options, ...) by id: added and removed whole, changed field by field."""
    changed = []
    for ident, item in new.items():
        before = old.get(ident)
        if before is None or before == item:
            continue
        changes = diff_entries(before, item)
        if changes:
            changed.append({"id": ident, **_label(item), "changes": changes})
    result = {
        "added": [{"id": k, **v} for k, v in new.items() if k not in old],
        "removed": [{"id": k, **v} for k, v in old.items() if k not in new],
        "changed": changed,
    }
    return {group: items for group, items in result.items() if items}


def _label(item: Mapping[str, Any]) -> dict[str, Any]:
    """A name a reader recognises the changed item by (a goal's title, an option's title)."""
    fields = item.get("fields")
    title = fields.get("title") if isinstance(fields, Mapping) else item.get("title")
    return {"title": title} if title is not None else {}


def without_private(state: PlanState, viewer_id: str) -> PlanState:
    """The state with private reflections of others left out (a shallow copy)."""
    reflections = {
        rid: r
        for rid, r in state["reflections"].items()
        if not r["private"] or r["author_id"] == viewer_id
    }
    return {**state, "reflections": reflections}


def diff_plans(before: PlanState, after: PlanState, viewer_id: str) -> dict[str, Any]:
    """The plan diff a viewer may read: sections, goals, options, network, proposals."""
    old, new = without_private(before, viewer_id), without_private(after, viewer_id)
    sections = {
        name: changes
        for name in sorted(set(old["sections"]) | set(new["sections"]))
        if (changes := diff_entries(old["sections"].get(name, {}), new["sections"].get(name, {})))
    }
    result: dict[str, Any] = {
        "mentee_id": after["mentee_id"],
        "from": {"position": before["position"], "at": before["at"]},
        "to": {"position": after["position"], "at": after["at"]},
        "sections": sections,
        "goals": diff_collection(old["goals"], new["goals"]),
    }
    for name in COLLECTIONS:
        key = "pending_proposals" if name == "proposals" else name
        result[key] = diff_collection(old[name], new[name])
    return result
