"""Value objects and vocabularies of the mentoring domain (see DOMAIN.md)."""

from __future__ import annotations

from enum import Enum


class GoalKind(Enum):
    """The goal-setting framework a goal is written with."""

    SMARTY = "smarty"
    REAL = "real"


class GoalStatus(Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    ACHIEVED = "achieved"
    ABANDONED = "abandoned"
    DEFERRED = "deferred"


class MentorshipStatus(Enum):
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


class ProposalStatus(Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ProposalTarget(Enum):
    GOAL = "goal"
    PLAN_SECTION = "plan_section"


class CheckInStatus(Enum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class FeedbackSource(Enum):
    """Who gave a piece of feedback, by their part in the mentee's plan."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    SUPPORT = "support"


class SupportKind(Enum):
    PERSON = "person"
    RESOURCE = "resource"


class OptionStatus(Enum):
    CONSIDERED = "considered"
    SHORTLISTED = "shortlisted"
    DISCARDED = "discarded"


# Each criterion of a framework is its own field, answered in the mentee's words.
CRITERIA: dict[GoalKind, tuple[str, ...]] = {
    GoalKind.SMARTY: ("specific", "measurable", "achievable", "relevant", "time_bound", "yours"),
    GoalKind.REAL: ("relevant", "engaging", "actionable", "learning_focused"),
}

# What a goal needs before it may become active, by framework.
REQUIRED_TO_ACTIVATE: dict[GoalKind, tuple[str, ...]] = {
    GoalKind.SMARTY: ("specific", "measurable", "target_date"),
    GoalKind.REAL: ("relevant", "actionable"),
}

# The plan's text sections and the fields each holds (DOMAIN.md, "The plan").
PLAN_SECTIONS: dict[str, tuple[str, ...]] = {
    "vision_statement": ("statement",),
    "purpose_question": ("question",),
    "self_assessment": (
        "strengths",
        "interests_and_motivations",
        "personality",
        "values",
        "personal_considerations",
    ),
    "current_reality": (
        "job_content_likes",
        "job_content_dislikes",
        "work_environment_likes",
        "work_environment_dislikes",
        "work_life_likes",
        "work_life_dislikes",
    ),
    "three_circles": ("good_at", "want_to_do", "world_wants"),
    "ideal_occupation": (
        "preferred_knowledge_skills_experience",
        "field_of_interest",
        "contribution_to_employer",
        "personal_career_goals",
        "needs_and_wants",
        "values_not_compromised",
        "people",
        "environment",
        "intrinsic_rewards",
        "extrinsic_rewards",
    ),
}

# Personality types a self-assessment may name (DOMAIN.md).
PERSONALITY_TYPES = (
    "people person",
    "fix-it",
    "technology",
    "ideas",
    "data",
    "inquisitive",
    "artistic",
)

# The four questions of every check-in.
FOUR_QUESTIONS: tuple[str, ...] = (
    "where_are_you_now",
    "where_do_you_want_to_be",
    "how_might_you_get_there",
    "how_are_you_doing",
)

# Goal fields a revision may change (kind is fixed at creation: criteria depend on it).
GOAL_REVISABLE_FIELDS: tuple[str, ...] = ("title", "target_date", "stretch", "serves")
