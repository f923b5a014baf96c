"""Checkpoints of the plan-as-of view that hold only what changed (see projections.plan_as_of).

A checkpoint entry's document is either whole, the plan state itself, or small:

    {"changed": {"base": <position of the whole checkpoint it builds on>,
                 "scalars": {<every top-level value of the state that is not a mapping>},
                 "items": {<collection>: {<id>: <item>, ...}, ...},
                 "whole": {<collection>: {<every item>}, ...}}}

`items` holds the items of a collection written since the whole checkpoint, in the order
first written (so new ones in the order they were made); a collection from which an item
may have been removed meanwhile is kept `whole` instead (a removal can change the order of
what is left). Every `FULL_EVERY`-th checkpoint of a mentee is whole, so what a small one
holds is bounded by FULL_EVERY checkpoint intervals, and "as of" reads at most two: the
checkpoint, as before, and the whole one it builds on.

Which item a record writes comes from its type (`TOUCHES`). A type the plan reducer handles
that is not listed makes the next checkpoint whole: a new handler in projections.plan_state
costs space until it is listed here, never correctness.
"""

from __future__ import annotations

from typing import Any

from projections.plan_state import HANDLERS, PlanState
from projections.records import EventRecord
from projections.store import Entry, ViewStore, ViewTx

FULL_EVERY = 8
CHANGED = "changed"

# Record type -> (collection, the data field naming the item or None for the stream id,
# whether the reducer may remove the item).
TOUCHES: dict[str, tuple[str, str | None, bool]] = {
    "Plan.SectionEdited": ("sections", "section", False),
    **{
        f"Plan.{name}": ("options", "option_id", False)
        for name in ("OptionAdded", "OptionResearched", "OptionShortlisted", "OptionDiscarded")
    },
    "Plan.SupporterAdded": ("support_network", "member_id", False),
    "Plan.SupporterRemoved": ("support_network", "member_id", True),
    "Plan.Reflected": ("reflections", "reflection_id", False),
    **{
        name: ("goals", None, False)
        for name in HANDLERS
        if name.startswith("Goal.")  # every Goal handler writes the goal of its stream
    },
    "Proposal.Made": ("proposals", None, False),
    **{
        f"Proposal.{name}": ("proposals", None, True)
        for name in ("Accepted", "Declined", "Withdrawn")
    },
}
SCALARS_ONLY = frozenset({"Plan.Started"})  # handled, but write no collection


def empty_changes() -> dict[str, Any]:
    """Nothing noted yet, and no whole checkpoint to build on."""
    return {"base": None, "since_whole": 0, "items": {}, "whole": [], "unknown": False}


class Changes:
    """What changed in one mentee's plan since her last whole checkpoint: a document of the
    view, read and written through the projection's transaction."""

    def __init__(self, tx: ViewTx, key: str) -> None:
        self.tx, self.key = tx, key
        self.doc = tx.get(key) or empty_changes()

    def note(self, record: EventRecord, state: PlanState) -> None:
        """Remember which item of the plan the record wrote (`state`: the plan after it)."""
        if record.type not in HANDLERS or record.type in SCALARS_ONLY:
            return
        touched = TOUCHES.get(record.type)
        if touched is None:
            self.doc["unknown"] = True
        else:
            collection, field, removes = touched
            item = record.stream_id if field is None else str(record.data[field])
            if removes:
                if collection not in self.doc["whole"]:
                    self.doc["whole"].append(collection)
            elif item in state.get(collection, {}):  # else the record changed nothing
                items = self.doc["items"].setdefault(collection, [])
                if item not in items:
                    items.append(item)
        self.tx.put(self.key, self.doc)

    def checkpoint(self, state: PlanState, position: int, full_every: int) -> dict[str, Any]:
        """The document of the checkpoint at `position` (whole or small); after a whole one,
        starts afresh."""
        doc = self.doc
        whole = doc["unknown"] or doc["base"] is None or doc["since_whole"] + 1 >= full_every
        if whole:
            checkpoint: dict[str, Any] = state
            doc["base"], doc["since_whole"] = position, 0
            doc["items"], doc["whole"], doc["unknown"] = {}, [], False
        else:
            checkpoint = {CHANGED: _changed(state, doc)}
            doc["since_whole"] += 1
        self.tx.put(self.key, doc)
        return checkpoint


def _changed(state: PlanState, doc: dict[str, Any]) -> dict[str, Any]:
    whole = {collection: state.get(collection, {}) for collection in doc["whole"]}
    items = {}
    for collection, ids in doc["items"].items():
        if collection in whole:
            continue
        # Noted once they exist, so new items are in the order they were made, and land
        # after the old ones as they do live (no item left a collection not kept whole).
        present = state.get(collection, {})
        items[collection] = {k: present[k] for k in ids}
    scalars = {k: v for k, v in state.items() if not isinstance(v, dict)}
    return {"base": doc["base"], "scalars": scalars, "items": items, "whole": whole}


def checkpoint_state(store: ViewStore, partition: str, checkpoint: Entry, kind: str) -> PlanState:
    """The plan state a checkpoint entry stands for (reading its whole base if small)."""
    changed = checkpoint.doc.get(CHANGED)
    if changed is None:
        return checkpoint.doc
    base = int(changed["base"])
    (whole,) = store.entries(partition, kinds=[kind], after=base - 1, upto=base)
    state = whole.doc
    _apply_changed(state, changed)
    return state


def _apply_changed(state: PlanState, changed: dict[str, Any]) -> None:
    state.update(changed["scalars"])
    state.update(changed["whole"])
    for collection, items in changed["items"].items():
        state.setdefault(collection, {}).update(items)
