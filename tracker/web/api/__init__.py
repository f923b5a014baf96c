"""The JSON API's blueprints, one per area of the domain, all under /api/v1."""

from __future__ import annotations

from tracker.web.api.account import account_api
from tracker.web.api.calendar_feeds import calendar_feeds_api
from tracker.web.api.check_ins import check_ins
from tracker.web.api.goals import goals
from tracker.web.api.mentorships import mentorships
from tracker.web.api.milestones import milestones
from tracker.web.api.options import options
from tracker.web.api.plans import plans
from tracker.web.api.proposals import proposals
from tracker.web.api.session import session_api
from tracker.web.api.support_network import support_network
from tracker.web.api.tokens import tokens_api
from tracker.web.blueprint import ApiBlueprint
from tracker.web.calendar import calendar
from tracker.web.feed import feed
from tracker.web.read_models import read_models
from tracker.web.read_models_plan import plan_read_models

API_BLUEPRINTS: tuple[ApiBlueprint, ...] = (
    mentorships,
    plans,
    options,
    support_network,
    goals,
    milestones,
    proposals,
    check_ins,
    read_models,
    plan_read_models,
    calendar,
    calendar_feeds_api,
    feed,
    session_api,
    tokens_api,
    account_api,
)
