"""The plan timeline per mentee: every change in order, with what, which, who, when and why.

View "timeline" (see projections.store):
- entries of partition "mentee:<id>" (kind = one of `KINDS`, position = notification id):
  one per event, shared by everyone who may read the mentee's plan;
- private reflections and private check-in notes go to partition
  "mentee:<id>:private:<author>" instead, so no shared query can return them;
- "stream:<id>" documents route later events of a goal, proposal, check-in or mentorship
  to its mentee and keep the names shown in entries (goal title, milestone and option titles);
- growth documents (see projections.growth) updated by the same projection.

`timeline_for(store, mentee_id, viewer_id=...)` pages through the timeline in position order;
`timeline_items` gives the same page with each entry's document as its stored JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict, Unpack

from projections.growth import growth_key, update_growth
from projections.records import EventRecord
from projections.store import Doc, EntryText, ViewProjection, ViewStore, ViewTx, dump_doc

VIEW = "timeline"
MAX_PAGE = 500

# Event type -> (kind, what happened; {placeholders} are filled from the entry's names).
EVENTS: dict[str, tuple[str, str]] = {
    "Plan.Started": ("plan", "started the plan"),
    "Plan.SectionEdited": ("plan", "edited the section {section}"),
    "Plan.OptionAdded": ("option", "added the option {option}"),
    "Plan.OptionResearched": ("option", "researched the option {option}"),
    "Plan.OptionShortlisted": ("option", "shortlisted the option {option}"),
    "Plan.OptionDiscarded": ("option", "discarded the option {option}"),
    "Plan.SupporterAdded": ("support", "added {supporter} to the support network"),
    "Plan.SupporterRemoved": ("support", "removed {supporter} from the support network"),
    "Plan.Reflected": ("reflection", "wrote a reflection"),
    "Goal.Drafted": ("goal", "drafted the goal {goal}"),
    "Goal.Revised": ("goal", "revised the goal {goal}"),
    "Goal.Activated": ("goal", "activated the goal {goal}"),
    "Goal.Achieved": ("goal", "achieved the goal {goal}"),
    "Goal.Abandoned": ("goal", "abandoned the goal {goal}"),
    "Goal.Deferred": ("goal", "deferred the goal {goal}"),
    "Goal.Reopened": ("goal", "reopened the goal {goal}"),
    "Goal.MilestoneAdded": ("milestone", "added the milestone {milestone} to {goal}"),
    "Goal.MilestoneRescheduled": ("milestone", "moved the milestone {milestone} of {goal}"),
    "Goal.MilestoneCompleted": ("milestone", "completed the milestone {milestone} of {goal}"),
    "Goal.MilestoneDropped": ("milestone", "dropped the milestone {milestone} of {goal}"),
    "Goal.FeedbackGiven": ("feedback", "gave feedback on {goal}"),
    "Goal.AchievementRecognised": ("achievement", "recognised an achievement on {goal}"),
    "Proposal.Made": ("proposal", "proposed a change to {target}"),
    "Proposal.Accepted": ("proposal", "accepted a proposed change to {target}"),
    "Proposal.Declined": ("proposal", "declined a proposed change to {target}"),
    "Proposal.Withdrawn": ("proposal", "withdrew a proposed change to {target}"),
    "CheckIn.Scheduled": ("checkin", "scheduled a check-in"),
    "CheckIn.Rescheduled": ("checkin", "rescheduled a check-in"),
    "CheckIn.AgendaItemAdded": ("checkin", "added an item to a check-in's agenda"),
    "CheckIn.Answered": ("checkin", "answered the four questions"),
    "CheckIn.Held": ("checkin", "held a check-in"),
    "CheckIn.Cancelled": ("checkin", "cancelled a check-in"),
    "CheckIn.FeedbackRecorded": ("feedback", "recorded feedback at a check-in"),
    "CheckIn.LessonLearned": ("checkin", "recorded a lesson learned"),
    "CheckIn.ActionItemAssigned": ("action_item", "assigned an action item"),
    "CheckIn.ActionItemDone": ("action_item", "completed an action item"),
    "CheckIn.NoteWritten": ("note", "wrote a note"),
    "Mentorship.Invited": ("mentorship", "invited a mentor"),
    "Mentorship.Accepted": ("mentorship", "accepted the mentorship"),
    "Mentorship.Declined": ("mentorship", "declined the mentorship"),
    "Mentorship.AgreementChanged": ("mentorship", "changed the mentoring agreement"),
    "Mentorship.Ended": ("mentorship", "ended the mentorship"),
}
KINDS: tuple[str, ...] = tuple(sorted({kind for kind, _ in EVENTS.values()}))
CREATING_EVENTS = {
    "Plan.Started",
    "Goal.Drafted",
    "Proposal.Made",
    "CheckIn.Scheduled",
    "Mentorship.Invited",
}


def shared_partition(mentee_id: str) -> str:
    """The timeline partition everyone who may read the plan sees."""
    return f"mentee:{mentee_id}"


def private_partition(mentee_id: str, author_id: str) -> str:
    """The partition of one author's private entries on a mentee's timeline."""
    return f"mentee:{mentee_id}:private:{author_id}"


def new_stream(record: EventRecord) -> Doc:
    """The routing document a creating event starts: its mentee and the names it shows."""
    data = record.data
    stream: Doc = {"mentee_id": str(data["mentee_id"]), "aggregate": record.aggregate}
    if record.type == "Goal.Drafted":
        stream.update(title=(data.get("fields") or {}).get("title"), status=None, milestones={})
    elif record.type == "Plan.Started":
        stream.update(options={}, supporters={})
    elif record.type == "Proposal.Made":
        stream.update(target=data.get("target"), target_id=data.get("target_id"))
        stream.update(section=data.get("section"))
    return stream


def update_stream(stream: Doc, record: EventRecord) -> Doc:
    """Keep the names of goals, milestones, options and supporters current."""
    data, event = record.data, record.type
    if event == "Goal.Revised" and "title" in data.get("changes", {}):
        stream["title"] = data["changes"]["title"]
    elif event == "Plan.OptionAdded":
        stream["options"][data["option_id"]] = data["title"]
    elif event == "Plan.SupporterAdded":
        stream["supporters"][data["member_id"]] = data["name"]
    return stream


def _quoted(name: object) -> str:
    return f"\u201c{name}\u201d" if name else "(untitled)"


def subject_of(stream: Doc, record: EventRecord) -> Doc:
    """Which part of the plan the event is about: section, option, goal, proposal, ..."""
    data, aggregate = record.data, record.aggregate
    subject: Doc = {"kind": aggregate.lower(), "id": record.stream_id}
    if aggregate == "Plan":
        if "section" in data:
            subject.update(kind="section", name=data["section"])
        elif "option_id" in data:
            option_id = data["option_id"]
            subject.update(kind="option", id=option_id, title=stream["options"].get(option_id))
        elif "member_id" in data:
            member_id = data["member_id"]
            subject.update(kind="supporter", id=member_id, name=stream["supporters"].get(member_id))
    elif aggregate == "Goal":
        subject["title"] = stream.get("title")
        if data.get("milestone_id"):
            milestone_id = data["milestone_id"]
            milestone = stream.get("milestones", {}).get(milestone_id) or {}
            subject["milestone"] = {"id": milestone_id, "title": milestone.get("title")}
    elif aggregate == "Proposal":
        subject.update(target=stream.get("target"), target_id=stream.get("target_id"))
        subject["section"] = stream.get("section")
    return subject


def what_happened(template: str, subject: Doc) -> str:
    """The template filled with the subject's names."""
    target = (
        f"the section {subject.get('section')}"
        if subject.get("target") == "plan_section"
        else "a goal"
    )
    return template.format(
        section=subject.get("name"),
        option=_quoted(subject.get("title")),
        supporter=subject.get("name") or "someone",
        goal=_quoted(subject.get("title")),
        milestone=_quoted((subject.get("milestone") or {}).get("title")),
        target=target,
    )


def timeline_entry(stream: Doc, record: EventRecord) -> tuple[str, Doc]:
    """(kind, entry document) for one event: what changed, which part, who, why."""
    kind, template = EVENTS.get(record.type, ("other", record.type))
    subject = subject_of(stream, record)
    data = record.data
    doc: Doc = {
        "type": record.type,
        "what": what_happened(template, subject),
        "subject": subject,
        "actor_id": record.actor_id,
        "reason": data.get("reason") or data.get("rationale"),
        "changes": data.get("changes"),
        "data": data,
    }
    if data.get("proposal_id"):
        doc.update(proposal_id=data["proposal_id"], proposed_by=data.get("proposed_by"))
    return kind, doc


def is_private(record: EventRecord) -> bool:
    """Private reflections and private check-in notes are for their author alone."""
    return record.type in ("Plan.Reflected", "CheckIn.NoteWritten") and bool(
        record.data.get("private")
    )


class TimelineProjection(ViewProjection):
    """Writes one timeline entry per event and keeps the growth series current."""

    name = VIEW

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        stream_key = f"stream:{record.stream_id}"
        if record.type in CREATING_EVENTS:
            stream: Doc | None = new_stream(record)
        else:
            stream = tx.get(stream_key)
        if stream is None:
            return  # an event of a stream this view never saw created: nothing to route
        stream = update_stream(stream, record)
        mentee_id = str(stream["mentee_id"])
        update_growth(tx, mentee_id, stream, record)  # first: it keeps the milestones' names
        tx.put(stream_key, stream)
        kind, doc = timeline_entry(stream, record)
        if is_private(record):
            partition = private_partition(mentee_id, record.actor_id)
        else:
            partition = shared_partition(mentee_id)
        tx.append(partition, record.position, record.at, kind, doc)


def has_timeline(store: ViewStore, mentee_id: str) -> bool:
    """Whether the mentee has started a plan (the view saw her Plan.Started)."""
    return store.get(growth_key(mentee_id)) is not None


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a timeline page, its document still the stored JSON text (`doc()` reads
    it), so that a page can be passed on without decoding and encoding every entry."""

    position: int
    at: datetime
    kind: str
    text: str  # the entry document: type, what, subject, actor_id, reason, changes, data
    private: bool

    def doc(self) -> Doc:
        """The item as plain data: position, at, kind, the document's members, private."""
        head: Doc = {"position": self.position, "at": self.at.isoformat(), "kind": self.kind}
        return head | {**json.loads(self.text), "private": self.private}


class PageQuery(TypedDict, total=False):
    """Which page of a timeline to read, the keyword arguments of `timeline_items` that the
    functions passing them on to it take as they are."""

    kinds: Iterable[str] | None
    since: datetime | None
    until: datetime | None
    after: int | None
    limit: int


def timeline_items(
    store: ViewStore,
    mentee_id: str,
    viewer_id: str | None = None,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: int | None = None,
    limit: int = 100,
) -> tuple[list[TimelineItem], int | None]:
    """One page of a mentee's timeline, oldest first, and the position to continue after
    (None at the end).

    `kinds` keeps only those kinds (see KINDS); `since <= at < until`; `after` is the
    position to continue from (the previous page's `next_after`). The viewer's own private
    entries are merged in; nobody else's are ever read. Raises ValueError for an unknown
    kind or a limit outside 1..MAX_PAGE.
    """
    wanted = None if kinds is None else list(kinds)
    unknown = sorted(set(wanted or ()) - set(KINDS))
    if unknown:
        raise ValueError(f"Unknown timeline kind(s): {', '.join(unknown)}")
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
    own = None if not viewer_id else private_partition(mentee_id, viewer_id)
    partitions = [shared_partition(mentee_id), *([own] if own else [])]
    if since is None and until is None:
        found = store.entry_texts(partitions, wanted, after, limit + 1)
    else:
        found = _in_range(store, partitions, wanted, since, until, after, limit + 1)
    page = found[:limit]
    items = [TimelineItem(e.position, e.at, e.kind, e.text, e.partition == own) for e in page]
    return items, page[-1].position if len(found) > limit and page else None


def _in_range(
    store: ViewStore,
    partitions: list[str],
    kinds: list[str] | None,
    since: datetime | None,
    until: datetime | None,
    after: int | None,
    limit: int,
) -> list[EntryText]:
    """Up to `limit` entries of the partitions within [since, until), each partition's
    read with the store's date bounds (which `entry_texts` does not take)."""
    shared = store.entries(partitions[0], kinds, since, until, after, limit=limit)
    # Private entries past the shared page's last one cannot be on this page.
    upto = shared[-1].position if len(shared) == limit else None
    found = list(shared)
    for partition in partitions[1:]:
        found += store.entries(partition, kinds, since, until, after, upto, limit)
    found.sort(key=lambda e: (e.position, e.kind))
    return [
        EntryText(e.partition, e.position, e.kind, e.at, dump_doc(e.doc)) for e in found[:limit]
    ]


def timeline_for(
    store: ViewStore, mentee_id: str, viewer_id: str | None = None, **query: Unpack[PageQuery]
) -> Doc:
    """`timeline_items` as plain data: {"mentee_id", "entries": [...], "next_after": n}."""
    items, next_after = timeline_items(store, mentee_id, viewer_id, **query)
    return page_doc(mentee_id, items, next_after)


def page_doc(mentee_id: str, items: Iterable[TimelineItem], next_after: int | None) -> Doc:
    """A page of a mentee's timeline as plain data: {"mentee_id", "entries", "next_after"}."""
    entries = [item.doc() for item in items]
    return {"mentee_id": mentee_id, "entries": entries, "next_after": next_after}
