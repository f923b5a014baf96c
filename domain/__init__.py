"""The mentoring domain: aggregates whose every change is an immutable event.

Imports only the standard library and ``eventsourcing.domain``.
"""

from domain.checkin import CheckIn
from domain.errors import DomainError, InvalidTransition, NotAllowed, NothingChanged, UnknownItem
from domain.goal import Goal
from domain.mentorship import Mentorship
from domain.plan import Plan, plan_id_for
from domain.proposal import Proposal

__all__ = [
    "CheckIn",
    "DomainError",
    "Goal",
    "InvalidTransition",
    "Mentorship",
    "NotAllowed",
    "NothingChanged",
    "Plan",
    "Proposal",
    "UnknownItem",
    "plan_id_for",
]
