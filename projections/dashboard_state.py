"""The pure part of the mentor dashboard: mentorships, check-ins, change summaries, and
the mentor's checklist (DOMAIN.md, "The mentor's action checklist"). No I/O, no clock:
"today" is always an argument.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from domain.values import CheckInStatus, GoalStatus, MentorshipStatus
from projections.plan_state import PlanState
from projections.records import EventRecord

Doc = dict[str, Any]
OPEN_GOALS = (GoalStatus.DRAFT.value, GoalStatus.ACTIVE.value)
DOCUMENTING = ("Answered", "FeedbackRecorded", "LessonLearned", "ActionItemAssigned")


# Mentorships -------------------------------------------------------------------------------
def mentorship_step(doc: Doc | None, record: EventRecord) -> Doc | None:
    """Fold one Mentorship.* record into the mentorship's document."""
    if record.name == "Invited":
        return {
            "mentee_id": record.data["mentee_id"],
            "mentor_id": record.data["mentor_id"],
            "status": MentorshipStatus.INVITED.value,
            "ask": {k: record.data[k] for k in ("help_wanted", "duration", "frequency")},
            "invited_at": record.at_iso,
            "since": None,
            "cadence_days": None,
        }
    if doc is None:
        return None
    if record.name in ("Accepted", "AgreementChanged"):
        doc["cadence_days"] = record.data["agreement"]["cadence_days"]
    if record.name == "Accepted":
        doc.update(status=MentorshipStatus.ACTIVE.value, since=record.at.date().isoformat())
    elif record.name == "Declined":
        doc["status"] = MentorshipStatus.DECLINED.value
    elif record.name == "Ended":
        doc["status"] = MentorshipStatus.ENDED.value
    return doc


# Check-ins ---------------------------------------------------------------------------------
def check_in_step(check_ins: Doc, record: EventRecord) -> None:
    """Fold one CheckIn.* record into the check-ins of its mentorship (id -> check-in)."""
    if record.name == "Scheduled":
        check_ins[record.stream_id] = {
            "mentor_id": record.data["mentor_id"],
            "scheduled_for": record.data["scheduled_for"],
            "status": CheckInStatus.SCHEDULED.value,
            "held_on": None,
            "documented": False,
            "action_items": {},
        }
        return
    check_in = check_ins.get(record.stream_id)
    if check_in is None:
        return
    name, data = record.name, record.data
    if name == "Rescheduled":
        check_in["scheduled_for"] = data["scheduled_for"]
    elif name == "Held":
        check_in.update(status=CheckInStatus.HELD.value, held_on=data["held_on"])
    elif name == "Cancelled":
        check_in["status"] = CheckInStatus.CANCELLED.value
    elif name == "ActionItemDone":
        check_in["action_items"][data["item_id"]].update(
            done=True, done_on=record.at.date().isoformat()
        )
    if name == "ActionItemAssigned":
        item = {k: data[k] for k in ("text", "owner_id", "due")}
        check_in["action_items"][data["item_id"]] = {**item, "done": False, "done_on": None}
    # Only what the dashboard's reader (the mentor) may see counts as documentation.
    shared_note = name == "NoteWritten" and (
        not data["private"] or record.actor_id == check_in["mentor_id"]
    )
    if name in DOCUMENTING or shared_note:
        check_in["documented"] = True


def next_check_in(check_ins: Doc, mentorship: Doc, today: date) -> dict[str, Any] | None:
    """The scheduled check-in soonest, else the last one held plus the agreed cadence."""
    scheduled = sorted(
        (c["scheduled_for"], ident)
        for ident, c in check_ins.items()
        if c["status"] == CheckInStatus.SCHEDULED.value
    )
    if scheduled:
        day, ident = scheduled[0]
        return {
            "date": day,
            "check_in_id": ident,
            "scheduled": True,
            "overdue": date.fromisoformat(day) < today,
        }
    cadence = mentorship["cadence_days"]
    last = last_held(check_ins)
    start = last["held_on"] if last else mentorship["since"]
    if cadence is None or start is None:
        return None
    due = date.fromisoformat(start) + timedelta(days=cadence)
    return {
        "date": due.isoformat(),
        "check_in_id": None,
        "scheduled": False,
        "overdue": due < today,
    }


def last_held(check_ins: Doc) -> dict[str, Any] | None:
    """The check-in held most recently, or None."""
    held = [(c["held_on"], ident) for ident, c in check_ins.items() if c["held_on"] is not None]
    if not held:
        return None
    day, ident = max(held)
    return {"check_in_id": ident, "held_on": day}


def overdue_action_items(check_ins: Doc, today: date) -> list[dict[str, Any]]:
    """Action items not done whose due date has passed, the most overdue first."""
    items = [
        {
            "id": item_id,
            "check_in_id": ident,
            **{k: item[k] for k in ("text", "owner_id", "due")},
            "days_overdue": (today - date.fromisoformat(item["due"])).days,
        }
        for ident, check_in in check_ins.items()
        for item_id, item in check_in["action_items"].items()
        if not item["done"] and date.fromisoformat(item["due"]) < today
    ]
    return sorted(items, key=lambda i: (-i["days_overdue"], i["text"]))


# The mentee's plan -------------------------------------------------------------------------
def idle_goals(plan: PlanState, today: date, idle_days: int) -> list[dict[str, Any]]:
    """Open goals nobody has touched for at least `idle_days` days, the longest idle first."""
    idle = []
    for ident, goal in plan["goals"].items():
        last = datetime.fromisoformat(goal["updated_at"]).date()
        days = (today - last).days
        if goal["status"] in OPEN_GOALS and days >= idle_days:
            title = goal["fields"]["title"]
            idle.append(
                {
                    "id": ident,
                    "title": title,
                    "status": goal["status"],
                    "last_activity": last.isoformat(),
                    "idle_days": days,
                }
            )
    return sorted(idle, key=lambda g: (-g["idle_days"], g["title"]))


def pending_proposals(plan: PlanState) -> list[dict[str, Any]]:
    """Proposals waiting for the mentee's decision, oldest first."""
    pending = [{"id": ident, **p} for ident, p in plan["proposals"].items()]
    return sorted(pending, key=lambda p: p["made_at"])


# What changed ------------------------------------------------------------------------------
def change_summary(record: EventRecord, subject: Doc | None) -> Doc | None:
    """A short line of what a record changed, for "since you last looked"; None if private.

    `subject` (from `subject_of` or `check_in_subject`) says what the change is about.
    Private reflections and private notes never enter the dashboard, whoever reads it.
    """
    if record.type in ("Plan.Reflected", "CheckIn.NoteWritten") and record.data.get("private"):
        return None
    data = record.data
    fields = data.get("changes") or data.get("answers") or {}
    summary: Doc = {
        "type": record.type,
        "actor_id": record.actor_id,
        "at": record.at_iso,
        "stream_id": record.stream_id,
        "subject": None,
        **(subject or {}),
        "fields": sorted(fields),
    }
    for key in ("reason", "section", "proposal_id", "proposed_by"):
        if data.get(key) is not None:
            summary[key] = data[key]
    return summary


def subject_of(record: EventRecord, plan: PlanState) -> Doc | None:
    """What a reader recognises a plan, goal or proposal change by: the goal's title
    (`subject_kind` "goal": the mentee's own words) or the plan section ("section": a name).

    Call it before folding the record into `plan`, while a decided proposal is still there.
    """
    data = record.data
    if record.type == "Goal.Drafted":
        return _subject(data["fields"]["title"], "goal")
    if record.aggregate == "Goal":
        return _subject(_goal_title(plan, record.stream_id), "goal")
    if record.aggregate == "Proposal":
        proposal = data if record.name == "Made" else plan["proposals"].get(record.stream_id)
        if proposal is None:
            return None
        title = _goal_title(plan, proposal["target_id"])
        if title is not None:
            return _subject(title, "goal")
        return _subject(proposal["section"], "section")
    return _subject(data.get("section"), "section")


def check_in_subject(scheduled_for: str) -> Doc:
    """A check-in change's subject: "check-in of <ISO date>", and the date itself as data
    (`check_in_date`), for a reader to show in its own way."""
    return {
        "subject": f"check-in of {scheduled_for}",
        "subject_kind": "check_in",
        "check_in_date": scheduled_for,
    }


def _subject(text: object, kind: str) -> Doc | None:
    return None if text is None else {"subject": str(text), "subject_kind": kind}


def _goal_title(plan: PlanState, goal_id: str) -> str | None:
    goal = plan["goals"].get(goal_id)
    return None if goal is None else str(goal["fields"]["title"])


# The mentor's checklist (DOMAIN.md) --------------------------------------------------------
CHECKLIST = (
    ("vision_statement", "Help the mentee develop a personal vision statement"),
    ("goals_set", "Guide the mentee in setting one or two REAL or SMARTY goals"),
    ("roadmap", "Co-create a detailed career roadmap"),
    ("support_network", "Connect the mentee with at least one additional resource"),
    ("regular_check_ins", "Establish regular progress review meetings"),
    ("sessions_documented", "Maintain thorough documentation of all sessions"),
    ("achievements_recognised", "Recognise achievements and adjust plans as needed"),
)


def checklist(plan: PlanState, check_ins: Doc, today: date) -> list[dict[str, Any]]:
    """Each item of the mentor's checklist for one mentee: done or not, and why."""
    status = {**_plan_items(plan), **_check_in_items(check_ins, today)}
    return [
        {"item": item, "label": label, "done": status[item][0], "detail": status[item][1]}
        for item, label in CHECKLIST
    ]


def _plan_items(plan: PlanState) -> dict[str, tuple[bool, str]]:
    goals = plan["goals"].values()
    active = sum(g["status"] == GoalStatus.ACTIVE.value for g in goals)
    achieved = sum(g["status"] == GoalStatus.ACHIEVED.value for g in goals)
    with_milestones = sum(bool(g["milestones"]) for g in goals if g["status"] != "abandoned")
    network = len(plan["support_network"])
    recognised, waiting = _achievements(plan)
    vision = plan["sections"].get("vision_statement", {}).get("statement")
    return {
        "vision_statement": (bool(vision), "written" if vision else "not written yet"),
        "goals_set": (active + achieved >= 1, f"{active} active, {achieved} achieved"),
        "roadmap": (with_milestones >= 1, f"{with_milestones} goals with milestones"),
        "support_network": (network >= 1, f"{network} in the network"),
        "achievements_recognised": (
            recognised >= 1 and waiting == 0,
            f"{recognised} recognised, {waiting} waiting",
        ),
    }


def _check_in_items(check_ins: Doc, today: date) -> dict[str, tuple[bool, str]]:
    held = [c for c in check_ins.values() if c["held_on"] is not None]
    upcoming = any(
        c["status"] == CheckInStatus.SCHEDULED.value
        and date.fromisoformat(c["scheduled_for"]) >= today
        for c in check_ins.values()
    )
    documented = sum(c["documented"] for c in held)
    return {
        # Regular: two meetings held, or one held and the next one in the diary.
        "regular_check_ins": (
            len(held) >= 2 or (len(held) == 1 and upcoming),
            f"{len(held)} held, next {'scheduled' if upcoming else 'not scheduled'}",
        ),
        "sessions_documented": (
            bool(held) and documented == len(held),
            f"{documented} of {len(held)} held check-ins documented",
        ),
    }


def _achievements(plan: PlanState) -> tuple[int, int]:
    """(achievements recognised, completed milestones and achieved goals not yet recognised)."""
    recognised = waiting = 0
    for goal in plan["goals"].values():
        named = {a["milestone_id"] for a in goal["achievements"]}
        recognised += len(goal["achievements"])
        waiting += sum(
            m["status"] == "completed" and ident not in named
            for ident, m in goal["milestones"].items()
        )
        # An achievement without a milestone recognises the achieved goal itself.
        waiting += goal["status"] == GoalStatus.ACHIEVED.value and None not in named
    return recognised, waiting
