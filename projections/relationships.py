"""Who stands in which relationship to each mentee: her mentors (by mentorship, with its
status) and the members of her support network with an account, with what she shares.

The access policy (tracker/access.py) decides from this view; it holds ids and statuses only,
never personal text. View "relationships" (see projections.store), documents:

- "mentee:<mentee>": {"mentorships": {<mentorship>: {"mentor_id", "status"}},
                      "supporters": {<member>: {"user_id", "parts": [...]}}}
- "mentor:<mentor>": {"mentorships": {<mentorship>: {"mentee_id", "status"}}}
- "supporter:<user>": {"plans": {<mentee>: {<member>: [parts]}}}
- "mentorship:<id>" and "stream:<plan id>": route later events to their mentee.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from projections.records import EventRecord
from projections.store import Doc, ViewProjection, ViewStore, ViewTx

VIEW = "relationships"
STATUS_AFTER: dict[str, str] = {
    "Mentorship.Accepted": "active",
    "Mentorship.Declined": "declined",
    "Mentorship.Ended": "ended",
}


@dataclass(frozen=True)
class MentorshipLink:
    """One mentorship of the mentee: with whom, and where it stands."""

    mentorship_id: str
    mentor_id: str
    status: str


@dataclass(frozen=True)
class MenteeRelationships:
    """Everything the access policy needs to know about one mentee's relationships."""

    mentee_id: str
    mentorships: tuple[MentorshipLink, ...] = ()
    shares: Mapping[str, frozenset[str]] = field(default_factory=dict)  # user id -> parts

    def mentorship(self, mentorship_id: str) -> MentorshipLink | None:
        """The mentorship with this id, if it is one of hers."""
        return next((m for m in self.mentorships if m.mentorship_id == mentorship_id), None)

    def statuses_of(self, mentor_id: str) -> set[str]:
        """The statuses of every mentorship between her and this mentor."""
        return {m.status for m in self.mentorships if m.mentor_id == mentor_id}

    def shared_with(self, user_id: str) -> frozenset[str]:
        """The parts of her plan she shares with this user (empty if none)."""
        return self.shares.get(user_id, frozenset())


class RelationshipsProjection(ViewProjection):
    """Keeps mentorships and shares by mentee, mentor and supporter."""

    name = VIEW

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Fold one mentorship or support-network event into the documents."""
        if record.aggregate == "Mentorship":
            self._mentorship(record, tx)
        elif record.type == "Plan.Started":
            tx.put(f"stream:{record.stream_id}", {"mentee_id": record.data["mentee_id"]})
        elif record.type in ("Plan.SupporterAdded", "Plan.SharedWithSupporter"):
            self._share(record, tx)
        elif record.type == "Plan.SupporterRemoved":
            self._remove_supporter(record, tx)

    def _mentorship(self, record: EventRecord, tx: ViewTx) -> None:
        key = f"mentorship:{record.stream_id}"
        if record.type == "Mentorship.Invited":
            link = {
                "mentee_id": record.data["mentee_id"],
                "mentor_id": record.data["mentor_id"],
                "status": "invited",
            }
        elif record.type in STATUS_AFTER and (found := tx.get(key)) is not None:
            link = {**found, "status": STATUS_AFTER[record.type]}
        else:
            return
        tx.put(key, link)
        mentee = _doc(tx, f"mentee:{link['mentee_id']}")
        mentee["mentorships"][record.stream_id] = {
            "mentor_id": link["mentor_id"],
            "status": link["status"],
        }
        tx.put(f"mentee:{link['mentee_id']}", mentee)
        mentor = _doc(tx, f"mentor:{link['mentor_id']}")
        mentor["mentorships"][record.stream_id] = {
            "mentee_id": link["mentee_id"],
            "status": link["status"],
        }
        tx.put(f"mentor:{link['mentor_id']}", mentor)

    def _share(self, record: EventRecord, tx: ViewTx) -> None:
        mentee_id = _plan_owner(record, tx)
        user_id = record.data.get("user_id")
        if mentee_id is None or not user_id:
            return
        member_id = str(record.data["member_id"])
        parts = list(record.data.get("parts", []))
        mentee = _doc(tx, f"mentee:{mentee_id}")
        mentee["supporters"][member_id] = {"user_id": user_id, "parts": parts}
        tx.put(f"mentee:{mentee_id}", mentee)
        supporter = _doc(tx, f"supporter:{user_id}")
        supporter["plans"].setdefault(mentee_id, {})[member_id] = parts
        tx.put(f"supporter:{user_id}", supporter)

    def _remove_supporter(self, record: EventRecord, tx: ViewTx) -> None:
        mentee_id = _plan_owner(record, tx)
        if mentee_id is None:
            return
        member_id = str(record.data["member_id"])
        mentee = _doc(tx, f"mentee:{mentee_id}")
        member = mentee["supporters"].pop(member_id, None)
        tx.put(f"mentee:{mentee_id}", mentee)
        if member is None:
            return
        supporter = _doc(tx, f"supporter:{member['user_id']}")
        plan = supporter["plans"].get(mentee_id, {})
        plan.pop(member_id, None)
        if not plan:
            supporter["plans"].pop(mentee_id, None)
        tx.put(f"supporter:{member['user_id']}", supporter)


def _plan_owner(record: EventRecord, tx: ViewTx) -> str | None:
    owner = tx.get(f"stream:{record.stream_id}")
    return None if owner is None else str(owner["mentee_id"])


def _doc(tx: ViewTx, key: str) -> Doc:
    """The document at `key`, or an empty one of the kind its prefix names."""
    found = tx.get(key)
    if found is not None:
        return found
    kind = key.split(":", 1)[0]
    if kind == "mentee":
        return {"mentorships": {}, "supporters": {}}
    if kind == "mentor":
        return {"mentorships": {}}
    return {"plans": {}}


# Queries ------------------------------------------------------------------------------------
def relationships_for(store: ViewStore, mentee_id: str) -> MenteeRelationships:
    """The mentee's mentorships and shares (none if the view has never heard of her)."""
    doc = store.get(f"mentee:{mentee_id}") or {"mentorships": {}, "supporters": {}}
    links = tuple(
        MentorshipLink(ident, str(m["mentor_id"]), str(m["status"]))
        for ident, m in sorted(doc["mentorships"].items())
    )
    shares: dict[str, frozenset[str]] = {}
    for member in doc["supporters"].values():
        user_id = str(member["user_id"])
        shares[user_id] = shares.get(user_id, frozenset()) | frozenset(member["parts"])
    return MenteeRelationships(mentee_id, links, shares)


def mentees_of(store: ViewStore, mentor_id: str) -> list[dict[str, Any]]:
    """The mentor's mentorships, with each mentee and status, ordered by mentee."""
    doc = store.get(f"mentor:{mentor_id}") or {"mentorships": {}}
    found = [{"mentorship_id": ident, **m} for ident, m in doc["mentorships"].items()]
    return sorted(found, key=lambda m: (m["mentee_id"], m["mentorship_id"]))


def plans_shared_with(store: ViewStore, user_id: str) -> dict[str, list[str]]:
    """Mentee id -> the parts of her plan she shares with this user (only non-empty shares)."""
    doc = store.get(f"supporter:{user_id}") or {"plans": {}}
    shared: dict[str, list[str]] = {}
    for mentee_id, members in sorted(doc["plans"].items()):
        parts = sorted({part for parts in members.values() for part in parts})
        if parts:
            shared[mentee_id] = parts
    return shared
