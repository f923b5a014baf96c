"""What one reader sees of a mentee's read models, within what the access policy lets him read.

The policy (tracker.access) says whether a reader may read a mentee's plan at all. The read
models hold everything about her, so their answers are cut down per reader here:

- proposals: hers and the proposer's until she accepts one; then it is part of her plan's
  history, credited, and every reader of the plan sees it (`tracker.access.sees_proposal`);
- check-ins and mentorships: a mentor sees those he is part of, not hers with other mentors.

She sees all of it. Private reflections and notes are left out by the views themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from projections.relationships import VIEW as RELATIONSHIPS
from projections.relationships import relationships_for
from projections.store import ViewStore
from projections.timeline import VIEW as TIMELINE
from projections.timeline import TimelineItem, shared_partition
from tracker.access import sees_proposal

Doc = dict[str, Any]
Stores = Callable[[str], ViewStore]  # a read model's store by view name
DECISIONS = {
    "Proposal.Accepted": "accepted",
    "Proposal.Declined": "declined",
    "Proposal.Withdrawn": "withdrawn",
}
# The events whose actor is the proposer (a decision is the mentee's, but a withdrawal his).
BY_PROPOSER = ("Proposal.Made", "Proposal.Withdrawn")
# How a stored timeline entry of the plan or a goal begins (projections.timeline writes
# "type" first): every reader of the plan sees those, so their text need not be read.
SEEN_BY_EVERY_READER = ('{"type":"Plan.', '{"type":"Goal.')


@dataclass(frozen=True)
class ProposalFacts:
    """Who made a proposal and what became of it."""

    proposed_by: str
    status: str


def proposals_made(timeline: ViewStore, mentee_id: str) -> dict[str, ProposalFacts]:
    """Every proposal made to the mentee's plan, by id: who made it, what became of it."""
    found: dict[str, ProposalFacts] = {}
    for entry in timeline.entries(shared_partition(mentee_id), kinds=["proposal"]):
        doc = entry.doc
        proposal_id = doc["subject"]["id"]
        if doc["type"] == "Proposal.Made":
            found[proposal_id] = ProposalFacts(str(doc["actor_id"]), "pending")
        elif doc["type"] in DECISIONS and proposal_id in found:
            found[proposal_id] = ProposalFacts(
                found[proposal_id].proposed_by, DECISIONS[doc["type"]]
            )
    return found


class Visibility:
    """One reader's view of one mentee's records; what it needs is read once, on first use."""

    def __init__(self, mentee_id: str, viewer_id: str, stores: Stores) -> None:
        self.mentee_id = mentee_id
        self.viewer_id = viewer_id
        self.owner = viewer_id == mentee_id
        self._stores = stores

    @cached_property
    def _proposals(self) -> dict[str, ProposalFacts]:
        return proposals_made(self._stores(TIMELINE), self.mentee_id)

    @cached_property
    def _own(self) -> tuple[frozenset[str], frozenset[str]]:
        """The reader's mentorships with her (whatever their status) and their check-ins."""
        links = relationships_for(self._stores(RELATIONSHIPS), self.mentee_id).mentorships
        ids = frozenset(m.mentorship_id for m in links if m.mentor_id == self.viewer_id)
        dashboard = self._stores("dashboard")
        check_ins = frozenset(c for m in ids for c in dashboard.get(f"check_ins:{m}") or {})
        return ids, check_ins

    def sees_proposal(self, proposal_id: str, proposed_by: str | None = None) -> bool:
        """Whether the reader sees this proposal (its proposer, if known, spares a lookup)."""
        if self.owner or proposed_by == self.viewer_id:
            return True
        facts = self._proposals.get(proposal_id)
        if facts is None:  # not in the timeline yet: only what the caller knows counts
            return proposed_by is not None and sees_proposal(
                self.viewer_id, self.mentee_id, proposed_by, "pending"
            )
        return sees_proposal(self.viewer_id, self.mentee_id, facts.proposed_by, facts.status)

    def sees_event(self, event_type: str, stream_id: str, actor_id: str | None) -> bool:
        """Whether the reader sees an event ('Goal.Revised') of the stream `stream_id`."""
        if self.owner:
            return True
        aggregate = event_type.split(".")[0]
        if aggregate == "Proposal":
            return self.sees_proposal(stream_id, actor_id if event_type in BY_PROPOSER else None)
        if aggregate == "Mentorship":
            return stream_id in self._own[0]
        if aggregate == "CheckIn":
            return stream_id in self._own[1]
        return True

    def sees_entry(self, entry: Doc) -> bool:
        """Whether the reader sees a timeline entry (projections.timeline)."""
        return self.sees_event(str(entry["type"]), str(entry["subject"]["id"]), entry["actor_id"])

    def sees_item(self, item: TimelineItem) -> bool:
        """`sees_entry` for an entry still in its stored JSON text, read only if it must be."""
        if self.owner or item.text.startswith(SEEN_BY_EVERY_READER):
            return True
        return self.sees_entry(item.doc())

    def plan(self, plan: Doc | None) -> Doc | None:
        """A plan as of a moment (projections.plan_as_of) with only the proposals he sees."""
        if plan is None or self.owner:
            return plan
        pending = [p for p in plan["pending_proposals"] if self.sees_listed(p)]
        return {**plan, "pending_proposals": pending}

    def diff(self, diff: Doc) -> Doc:
        """A plan diff (projections.plan_diff) with only the proposals he sees."""
        if self.owner:
            return diff
        groups = {
            group: kept
            for group, items in diff["pending_proposals"].items()
            if (kept := [p for p in items if self.sees_listed(p)])
        }
        return {**diff, "pending_proposals": groups}

    def sees_listed(self, proposal: Doc) -> bool:
        """Whether the reader sees a proposal as the views list it (with id and proposer)."""
        return self.sees_proposal(str(proposal["id"]), proposal.get("proposed_by"))
