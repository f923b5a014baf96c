"""Who may do what: the authorization policy, from relationships, in the application service.

The policy answers "may actor A do operation O on mentee M's resource R?" from the
relationships read model (projections/relationships.py) and nothing else:

- the mentee owns her plan: she alone changes it, decides on proposals, invites mentors;
- a mentor in an ACTIVE mentorship reads her plan, goals, proposals and their check-ins,
  gives feedback, recognises achievements and proposes changes, but never applies them;
  a proposal is a conversation between her and the mentor who made it: her other mentors
  see it only once she accepted it (then it is part of her plan's history, credited);
  when the mentorship ends he loses all of that (he may still read the mentorship record
  he was part of) and she keeps all history;
- a support-network member with an account sees only the parts she shares with him
  (`Plan.share_with_supporter`), and may give feedback on her goals if she shares them;
- a token carries scopes: `read:events` (the event feed, for integrators) is the only way to
  the feed; `read:plan` / `write:plan` bound what a user's token may do;
- an admin manages accounts and reads nothing private for being an admin.

`decide` is pure. `AccessControl` fetches the relationships and guards the application:
`guard_read` when a use case loads an aggregate (a resource the actor may not see is "not
found", so guessing ids tells nothing) and `guard_events` before events are saved (each
event's operation, and its actor must be the one signed in). Use cases run as the actor set
with `acting_as(...)`; the web layer sets it from the session or token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any

from domain import CheckIn, Goal, Mentorship, NotAllowed, Plan, Proposal
from domain.values import ProposalStatus
from projections.relationships import MenteeRelationships
from tracker.errors import NotFound

READ_PLAN_SCOPE, WRITE_PLAN_SCOPE, READ_EVENTS_SCOPE = "read:plan", "write:plan", "read:events"
MANAGE_ACCOUNTS_SCOPE = "manage:accounts"  # signed-in admins only; never on a token
TOKEN_SCOPES: dict[str, str] = {
    READ_PLAN_SCOPE: "read the plans, goals, proposals and check-ins you may see",
    WRITE_PLAN_SCOPE: "do, through the API, what you may do in the app",
    READ_EVENTS_SCOPE: "read the whole event feed (integrators; granted by an operator)",
}
SESSION_SCOPES = frozenset({READ_PLAN_SCOPE, WRITE_PLAN_SCOPE, MANAGE_ACCOUNTS_SCOPE})


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (scopes None) or a token with its scopes."""

    user_id: str
    admin: bool = False
    scopes: frozenset[str] | None = None

    def has_scope(self, scope: str) -> bool:
        """Whether this session or token may be used for `scope`."""
        return scope in (SESSION_SCOPES if self.scopes is None else self.scopes)


class Role(Enum):
    """What the actor is to the mentee whose resource it is."""

    OWNER = "the mentee"
    MENTOR = "her mentor in an active mentorship"
    INVITED_MENTOR = "the mentor she invited"
    FORMER_MENTOR = "a mentor whose mentorship ended or was declined"
    SUPPORTER = "a supporter she shares this with"
    ADMIN = "an admin"


class Operation(Enum):
    """What the actor wants to do; the value completes "may ..."."""

    READ_PLAN = "read this part of the plan"
    CHANGE_PLAN = "change the plan and its goals"
    READ_PROPOSAL = "read proposals"
    PROPOSE = "propose changes"
    DECIDE_PROPOSAL = "accept or decline proposals"
    WITHDRAW_PROPOSAL = "withdraw proposals"
    GIVE_FEEDBACK = "give feedback on goals"
    RECOGNISE_ACHIEVEMENT = "recognise achievements"
    READ_MENTORSHIP = "read the mentorship"
    INVITE_MENTOR = "invite a mentor"
    RESPOND_TO_INVITATION = "accept or decline the invitation"
    CHANGE_MENTORSHIP = "change or end the mentorship"
    READ_CHECK_IN = "read check-ins"
    TAKE_PART_IN_CHECK_IN = "take part in check-ins"
    READ_EVENTS = "read the event feed"
    MANAGE_ACCOUNTS = "manage accounts"


Op = Operation  # short, so the matrix reads as a table
# The matrix: the roles that may do each operation (tests/unit/test_access.py walks it all).
ALLOWED: dict[Operation, frozenset[Role]] = {
    Op.READ_PLAN: frozenset({Role.OWNER, Role.MENTOR, Role.SUPPORTER}),
    Op.CHANGE_PLAN: frozenset({Role.OWNER}),
    Op.READ_PROPOSAL: frozenset({Role.OWNER, Role.MENTOR}),
    Op.PROPOSE: frozenset({Role.MENTOR}),
    Op.DECIDE_PROPOSAL: frozenset({Role.OWNER}),
    Op.WITHDRAW_PROPOSAL: frozenset({Role.MENTOR}),
    Op.GIVE_FEEDBACK: frozenset({Role.OWNER, Role.MENTOR, Role.SUPPORTER}),
    Op.RECOGNISE_ACHIEVEMENT: frozenset({Role.OWNER, Role.MENTOR}),
    Op.READ_MENTORSHIP: frozenset(
        {Role.OWNER, Role.MENTOR, Role.INVITED_MENTOR, Role.FORMER_MENTOR}
    ),
    Op.INVITE_MENTOR: frozenset({Role.OWNER}),
    Op.RESPOND_TO_INVITATION: frozenset({Role.INVITED_MENTOR}),
    Op.CHANGE_MENTORSHIP: frozenset({Role.OWNER, Role.MENTOR}),
    Op.READ_CHECK_IN: frozenset({Role.OWNER, Role.MENTOR}),
    Op.TAKE_PART_IN_CHECK_IN: frozenset({Role.OWNER, Role.MENTOR}),
    Op.READ_EVENTS: frozenset(),  # by scope alone: see SCOPE_ONLY
    Op.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
}
SCOPE_ONLY = frozenset({Op.READ_EVENTS})
REQUIRED_SCOPE: dict[Operation, str] = {
    **dict.fromkeys((Op.READ_PLAN, Op.READ_PROPOSAL, Op.READ_MENTORSHIP), READ_PLAN_SCOPE),
    Op.READ_CHECK_IN: READ_PLAN_SCOPE,
    Op.READ_EVENTS: READ_EVENTS_SCOPE,
    Op.MANAGE_ACCOUNTS: MANAGE_ACCOUNTS_SCOPE,
}  # every other operation writes: WRITE_PLAN_SCOPE
# The reading an operation presupposes: who cannot even read it is told "not found".
READ_OF: dict[Operation, Operation] = {
    **dict.fromkeys((Op.CHANGE_PLAN, Op.PROPOSE, Op.GIVE_FEEDBACK), Op.READ_PLAN),
    Op.RECOGNISE_ACHIEVEMENT: Op.READ_PLAN,
    **dict.fromkeys((Op.DECIDE_PROPOSAL, Op.WITHDRAW_PROPOSAL), Op.READ_PROPOSAL),
    **dict.fromkeys((Op.RESPOND_TO_INVITATION, Op.CHANGE_MENTORSHIP), Op.READ_MENTORSHIP),
    Op.INVITE_MENTOR: Op.READ_PLAN,
    Op.TAKE_PART_IN_CHECK_IN: Op.READ_CHECK_IN,
}
STATUS_ROLE = {"active": Role.MENTOR, "invited": Role.INVITED_MENTOR}
FEEDBACK_SOURCE_ROLE = {"mentee": Role.OWNER, "mentor": Role.MENTOR, "support": Role.SUPPORTER}


@dataclass(frozen=True)
class Resource:
    """Whose it is, and, where it matters, which mentorship and which part of the plan."""

    mentee_id: str
    mentorship_id: str | None = None  # check-ins and mentorships belong to one mentorship
    part: str | None = None  # a part of the plan (see domain.plan.SHAREABLE_PARTS)
    between: str | None = None  # hers and this one person's alone (a proposal not accepted)


@dataclass(frozen=True)
class Decision:
    """The answer; `hidden` means the actor may not even know the resource exists."""

    allowed: bool
    reason: str = ""
    hidden: bool = False


ALLOW = Decision(True)


def roles_of(
    actor: Actor, resource: Resource | None, relationships: MenteeRelationships | None
) -> frozenset[Role]:
    """What the actor is to the resource's mentee, from her relationships."""
    roles = {Role.ADMIN} if actor.admin else set()
    if resource is None:
        return frozenset(roles)
    if actor.user_id == resource.mentee_id:
        return frozenset({*roles, Role.OWNER})
    if relationships is None or resource.between not in (None, actor.user_id):
        return frozenset(roles)
    if resource.mentorship_id is not None:
        link = relationships.mentorship(resource.mentorship_id)
        statuses = {link.status} if link and link.mentor_id == actor.user_id else set()
    else:
        statuses = relationships.statuses_of(actor.user_id)
    roles |= {STATUS_ROLE.get(status, Role.FORMER_MENTOR) for status in statuses}
    shared = relationships.shared_with(actor.user_id)
    if shared and (resource.part is None or resource.part in shared):
        roles.add(Role.SUPPORTER)
    return frozenset(roles)


def decide(
    actor: Actor,
    operation: Operation,
    resource: Resource | None = None,
    relationships: MenteeRelationships | None = None,
) -> Decision:
    """May `actor` do `operation` on `resource`, given the mentee's relationships?"""
    roles = roles_of(actor, resource, relationships)
    scope = REQUIRED_SCOPE.get(operation, WRITE_PLAN_SCOPE)
    may_read = bool(roles & ALLOWED[READ_OF.get(operation, operation)])
    hidden = resource is not None and not may_read
    if operation not in SCOPE_ONLY and not roles & ALLOWED[operation]:
        who = " or ".join(sorted(role.value for role in ALLOWED[operation]))
        return Decision(False, f"Only {who} may {operation.value}.", hidden)
    if not actor.has_scope(scope):
        return Decision(False, f"This needs the scope {scope}, which was not granted.", hidden)
    return ALLOW


def resource_of(aggregate: Any) -> Resource:
    """The resource an aggregate of the domain is."""
    mentee_id = str(aggregate.mentee_id)
    if isinstance(aggregate, CheckIn):
        return Resource(mentee_id, mentorship_id=aggregate.mentorship_id)
    if isinstance(aggregate, Mentorship):
        return Resource(mentee_id, mentorship_id=str(aggregate.id))
    if isinstance(aggregate, Goal):
        return Resource(mentee_id, part="goals")
    if isinstance(aggregate, Proposal):
        return Resource(
            mentee_id, between=proposal_between(aggregate.proposed_by, aggregate.status)
        )
    return Resource(mentee_id)


def proposal_between(proposed_by: str, status: object) -> str | None:
    """Whom, besides the mentee, a proposal is for: its proposer until she accepts it, then
    (None) everyone who reads her plan, since it is part of the plan's history, credited."""
    accepted = getattr(status, "value", status) == ProposalStatus.ACCEPTED.value
    return None if accepted else proposed_by


def sees_proposal(viewer_id: str, mentee_id: str, proposed_by: str, status: object) -> bool:
    """Whether one who may read the mentee's proposals sees this one (`proposal_between`)."""
    between = proposal_between(proposed_by, status)
    return viewer_id == mentee_id or between in (None, viewer_id)


READ_AGGREGATE: dict[type[Any], Operation] = {
    Plan: Op.READ_PLAN,
    Goal: Op.READ_PLAN,
    Proposal: Op.READ_PROPOSAL,
    Mentorship: Op.READ_MENTORSHIP,
    CheckIn: Op.READ_CHECK_IN,
}
EVENT_OPERATION: dict[str, Operation] = {
    "Goal.FeedbackGiven": Op.GIVE_FEEDBACK,
    "Goal.AchievementRecognised": Op.RECOGNISE_ACHIEVEMENT,
    "Proposal.Made": Op.PROPOSE,
    "Proposal.Accepted": Op.DECIDE_PROPOSAL,
    "Proposal.Declined": Op.DECIDE_PROPOSAL,
    "Proposal.Withdrawn": Op.WITHDRAW_PROPOSAL,
    "Mentorship.Invited": Op.INVITE_MENTOR,
    "Mentorship.Accepted": Op.RESPOND_TO_INVITATION,
    "Mentorship.Declined": Op.RESPOND_TO_INVITATION,
    "Mentorship.AgreementChanged": Op.CHANGE_MENTORSHIP,
    "Mentorship.Ended": Op.CHANGE_MENTORSHIP,
}
AGGREGATE_OPERATION = {
    "Plan": Op.CHANGE_PLAN,
    "Goal": Op.CHANGE_PLAN,
    "CheckIn": Op.TAKE_PART_IN_CHECK_IN,
}


def event_operation(event_type: str) -> Operation | None:
    """The operation an event of `event_type` ('Goal.Revised') is; None if unknown."""
    return EVENT_OPERATION.get(event_type) or AGGREGATE_OPERATION.get(event_type.split(".")[0])


class AccessDenied(NotAllowed):
    """The actor may see the resource but not do this to it (HTTP 403)."""


_ACTOR: ContextVar[Actor | None] = ContextVar("tracker_actor", default=None)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Run use cases as `actor` (the web layer wraps each request in this)."""
    token = _ACTOR.set(actor)
    try:
        yield actor
    finally:
        _ACTOR.reset(token)


def current_actor() -> Actor | None:
    """The actor set by `acting_as`, if any."""
    return _ACTOR.get()


RelationshipsOf = Callable[[str], MenteeRelationships]


class AccessControl:
    """The policy applied to the application, with relationships from the read model."""

    def __init__(self, relationships: RelationshipsOf) -> None:
        self.relationships = relationships

    def roles(self, actor: Actor, resource: Resource | None) -> frozenset[Role]:
        """`roles_of`, fetching the mentee's relationships only if the actor is not her."""
        if resource is None or actor.user_id == resource.mentee_id:
            return roles_of(actor, resource, None)
        return roles_of(actor, resource, self.relationships(resource.mentee_id))

    def decide(
        self, actor: Actor, operation: Operation, resource: Resource | None = None
    ) -> Decision:
        """`decide` with the mentee's relationships, fetched only if the actor is not her."""
        if resource is None or actor.user_id == resource.mentee_id:
            return decide(actor, operation, resource, None)
        return decide(actor, operation, resource, self.relationships(resource.mentee_id))

    def require(self, operation: Operation, resource: Resource | None = None) -> Actor:
        """The current actor, if allowed; else AccessDenied (NotFound when hidden)."""
        actor = signed_in()
        _enforce(self.decide(actor, operation, resource), "record", resource)
        return actor

    def guard_read(self, aggregate: Any, what: str, ident: object) -> None:
        """A loaded aggregate the actor may not read is reported as not found."""
        operation = READ_AGGREGATE.get(type(aggregate), Op.READ_PLAN)
        _enforce(self.decide(signed_in(), operation, resource_of(aggregate)), what, ident)

    def guard_events(self, aggregates: Iterable[Any]) -> None:
        """Every pending event is allowed to its actor, who must be the one signed in."""
        actor = signed_in()
        for aggregate in aggregates:
            resource = resource_of(aggregate)
            for event in aggregate.pending_events:
                self._guard_event(actor, event, resource)

    def _guard_event(self, actor: Actor, event: Any, resource: Resource) -> None:
        event_type = type(event).__qualname__
        if getattr(event, "actor_id", None) != actor.user_id:
            raise AccessDenied(f"{actor.user_id} cannot act in someone else's name.")
        operation = event_operation(event_type)
        if operation is None:
            raise AccessDenied(f"No rule allows {event_type}.")
        decision = self.decide(actor, operation, resource)
        if not decision.allowed:
            raise AccessDenied(decision.reason)
        if operation == Op.GIVE_FEEDBACK:
            # Feedback says whose it is (mentee, mentor, support): it must be the giver's part.
            source = str(getattr(event.source, "value", event.source))
            needed = FEEDBACK_SOURCE_ROLE.get(source)
            if needed not in self.roles(actor, resource):
                raise AccessDenied(f"Feedback from the {source} is given by {_who(needed)}.")

    def visible_parts(self, mentee_id: str) -> frozenset[str] | None:
        """The parts of her plan the current actor sees: None for all, else those shared."""
        actor = signed_in()
        resource = Resource(mentee_id)
        if not self.decide(actor, Op.READ_PLAN, resource).allowed:
            return frozenset()
        if self.roles(actor, resource) & {Role.OWNER, Role.MENTOR}:
            return None
        return self.relationships(mentee_id).shared_with(actor.user_id)


def _who(role: Role | None) -> str:
    return role.value if role is not None else "nobody"


def _enforce(decision: Decision, what: str, ident: object) -> None:
    if decision.hidden:
        raise NotFound(what, ident.mentee_id if isinstance(ident, Resource) else ident)
    if not decision.allowed:
        raise AccessDenied(decision.reason)


def signed_in() -> Actor:
    """The current actor; AccessDenied if nobody signed in."""
    actor = _ACTOR.get()
    if actor is None:
        raise AccessDenied("Sign in first: nobody is acting.")
    return actor


def shared_plan(plan: dict[str, Any], parts: frozenset[str] | None) -> dict[str, Any]:
    """Plan data (services.data.plan_data) cut down to the parts a supporter is shown."""
    if parts is None:
        return plan
    return {
        **plan,
        "sections": {k: v for k, v in plan["sections"].items() if k in parts},
        "options": plan["options"] if "options" in parts else [],
        "support_network": [],
        "reflections": plan["reflections"] if "reflections" in parts else [],
    }
