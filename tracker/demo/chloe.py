"""Chloe Martin, a secondary-school English teacher moving into instructional design."""

from __future__ import annotations

from tracker.demo.chloe_check_ins import MEETINGS
from tracker.demo.scene import Scene, Story

MENTEE = "mentee-chloe"
WHO = "Chloe Martin, an English teacher moving into instructional design"


def plan_first_drafts(d: Scene) -> None:
    d.edit(
        "vision_statement",
        statement="I design learning that helps adult learners do their jobs with confidence.",
    )
    d.edit(
        "self_assessment",
        strengths="Ten years of lesson and curriculum design; explaining hard things simply; "
        "writing; classroom technology.",
        interests_and_motivations="How people learn; good design; storytelling.",
        personality="ideas, artistic, people person",
        values="Learners first; creativity; a sustainable pace.",
        personal_considerations="Single income; school holidays are my only long free time.",
    )


def plan_second_pass(d: Scene) -> None:
    d.edit("purpose_question", question="Will this help me design learning for adults?")
    d.edit(
        "current_reality",
        job_content_likes="Planning units; seeing a student finally get it.",
        job_content_dislikes="Marking 150 essays a week; behaviour management.",
        work_environment_likes="Colleagues who care about students.",
        work_environment_dislikes="Constant policy changes from above.",
        work_life_likes="School holidays.",
        work_life_dislikes="Evenings and Sundays lost to marking.",
    )
    d.edit(
        "three_circles",
        good_at="Designing lessons, writing clearly, knowing when learners are lost.",
        want_to_do="Design digital learning for adults.",
        world_wants="Training people actually finish and use.",
    )
    d.edit(
        "ideal_occupation",
        preferred_knowledge_skills_experience="curriculum design and ten years of teaching",
        field_of_interest="adult learning and educational technology",
        contribution_to_employer="training that changes what people do at work",
        personal_career_goals="an instructional designer role within 18 months",
        needs_and_wants="create, with time to do it well",
        values_not_compromised="respect for learners' time",
        people="are curious and give honest feedback",
        environment="remote-friendly, with a normal working week",
        intrinsic_rewards="seeing learners succeed because of something I made",
        extrinsic_rewards="a salary close to my teaching salary, evenings free",
    )


def story(d: Scene) -> Story:
    """Chloe's year: a portfolio built for a real client, a master's abandoned, a new agreement."""
    yield from getting_a_mentor(d)
    yield from d.check_in(MEETINGS[0])
    yield from options_and_goals(d)
    yield from d.check_in(MEETINGS[1])
    yield 95
    proposal = d.propose_goal(
        "portfolio",
        "Hiring managers ask whether the work was for a real client.",
        measurable="Three published samples, one made for a real client, each with a case study.",
    )
    yield 98
    d.accept_proposal(proposal, "Agreed; a real client answers the 'only a teacher' doubt.")
    yield from d.check_in(MEETINGS[2])
    yield from d.check_in(MEETINGS[3])
    yield from sample_one_and_the_masters(d)
    yield from d.check_in(MEETINGS[4])
    yield from new_agreement(d)
    yield from d.check_in(MEETINGS[5])
    yield from d.check_in(MEETINGS[6])
    yield 240
    d.slip("sample2", 280, "The food bank's volunteer coordinator is away for a month.")
    yield from d.check_in(MEETINGS[7])
    yield 285
    d.complete("sample2")
    d.recognise(
        "portfolio",
        "Sample for a real client",
        "Used for every new volunteer.",
        milestone="sample2",
    )
    yield from d.check_in(MEETINGS[8])
    yield from leaving_teaching(d)
    yield from d.check_in(MEETINGS[9])
    yield 340
    d.goal(
        "apply",
        "smarty",
        title="Apply for instructional design roles",
        specific="Apply to ten instructional design roles in ed-tech or corporate learning.",
        time_bound="Within three months, to start after my notice period.",
    )
    yield 345
    d.reflect("I still love teaching. I just want to do it differently.", private=True)
    yield from d.check_in(MEETINGS[10])
    yield 362
    d.next_check_in(388, "Sample three: first scenarios built.")


def getting_a_mentor(d: Scene) -> Story:
    yield 30
    d.app.start_plan(mentee_id=d.mentee, actor_id=d.mentee)
    plan_first_drafts(d)
    yield 38
    d.mentorship_id = d.invite(
        d.mentor,
        help_wanted="Help me turn ten years of teaching into an instructional design career: "
        "portfolio, tools, and how to present myself outside schools.",
        duration="Until I land a role, up to a year",
        frequency="Monthly",
    )
    yield 42
    d.accept(30, 60, "Portfolio and career direction; I connect you with designers I know.")
    yield 46
    plan_second_pass(d)


def options_and_goals(d: Scene) -> Story:
    yield 60
    d.option("edtech", "Instructional designer at an ed-tech company", "Remote-friendly.")
    d.option("corporate", "Learning designer in a company's L&D team", "Onboarding, skills.")
    d.option("masters", "Master's in instructional technology", "Two years part-time.")
    d.option("lead", "Stay in school as curriculum lead", "Less marking, same employer.")
    d.supporter("Marcus Reed", "person", "Ed-tech designer; portfolio reviews", "peer-marcus")
    d.supporter("Local talent development chapter", "resource", "Meetups; job leads")
    yield 68
    d.goal(
        "portfolio",
        "smarty",
        title="Build a portfolio of three e-learning samples",
        specific="Three samples that show analysis, design and build.",
        measurable="Three published samples.",
        achievable="One every few months, mostly in the school holidays.",
        relevant="Every job advert asks for a portfolio.",
        time_bound="Within a year.",
        yours="Mine; Marcus suggested the number.",
        target_date=d.day(390),
        serves="section:ideal_occupation",
    )
    d.goal(
        "masters",
        "smarty",
        title="Master's in instructional technology",
        specific="Enrol in the part-time master's.",
        measurable="Enrolled for the next intake.",
        target_date=d.day(240),
    )
    d.goal(
        "storyline",
        "real",
        title="Learn Storyline by rebuilding my own units",
        relevant="Storyline is in most job adverts.",
        engaging="Rebuilding my best units is fun.",
        actionable="Rebuild one unit every six weeks.",
        learning_focused="Learn branching and variables, not just slides.",
    )
    for key in ("portfolio", "masters", "storyline"):
        d.activate(key)
    d.milestone("portfolio", "sample1", "Sample one: branching poetry module", 150, "Storyline")
    d.milestone("portfolio", "sample2", "Sample two: for a real client", 240, "needs analysis")
    d.milestone("portfolio", "sample3", "Sample three: software onboarding", 370, "video")
    yield 72
    proposal = d.propose_section(
        "vision_statement",
        "Companies speak of users; it may read better to hiring managers.",
        statement="I design learning that helps users do their jobs with confidence.",
    )
    yield 76
    d.decline_proposal(proposal, "I'd rather keep 'learners'; it's how I think of people.")


def sample_one_and_the_masters(d: Scene) -> Story:
    yield 150
    d.complete("sample1")
    d.recognise("portfolio", "First portfolio sample", "Published online.", milestone="sample1")
    d.feedback("portfolio", "The branching is clever; cut the intro.", "peer-marcus", "support")
    yield 160
    d.research(
        "masters",
        facts="18,000 euros over two years; none of three designers asked has the degree.",
        opinions="Marcus says portfolios get interviews, degrees don't.",
        sources="University website; conversations with three designers",
    )
    d.discard("masters", "Costly, slow, and not what hiring managers ask for.")
    d.app.abandon_goal(
        d.goals["masters"],
        reason="Every designer I asked said portfolio over degree; the time goes to samples.",
        actor_id=d.mentee,
    )
    d.shortlist("edtech")
    d.shortlist("corporate")


def new_agreement(d: Scene) -> Story:
    yield 190
    d.app.change_agreement(
        d.mentorship_id,
        cadence_days=30,
        meeting_minutes=45,
        guidance="Portfolio reviews and interview practice.",
        reason="The direction is clear; shorter sessions focused on the portfolio.",
        actor_id=d.mentee,
    )
    yield 195
    d.revise(
        "storyline",
        "Rebuilding whole units takes too long; two lessons show the same skills.",
        actionable="Rebuild two lessons, one with branching, one with variables.",
    )


def leaving_teaching(d: Scene) -> Story:
    yield 305
    d.edit(
        "current_reality",
        "Told my head of department I'm leaving teaching at the end of the school year.",
        work_environment_dislikes="Constant policy changes; no room left to grow.",
    )
    d.edit(
        "purpose_question",
        "After the food bank project I care about adults at work, not only courses.",
        question="Will this help adults learn what they need for their work?",
    )
