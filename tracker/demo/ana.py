"""Ana Ribeiro, a data analyst in retail, moving into data engineering with Maria's help."""

from __future__ import annotations

from tracker.demo.ana_check_ins import MEETINGS
from tracker.demo.scene import Scene, Story

MENTEE = "mentee-ana"
WHO = "Ana Ribeiro, a retail data analyst moving into data engineering"


def plan_first_drafts(d: Scene) -> None:
    d.edit(
        "vision_statement",
        statement="I want to build things with data, not only report on them.",
    )
    d.edit(
        "purpose_question",
        question="Will this get me closer to building data systems?",
    )
    d.edit(
        "self_assessment",
        strengths="Advanced SQL, data modelling for reporting, five years of retail data, "
        "explaining numbers to managers.",
        interests_and_motivations="How data moves and breaks; automating boring work; "
        "seeing a system run reliably.",
        personality="data, technology, inquisitive",
        values="Reliability, honesty about uncertainty, helping colleagues learn.",
        personal_considerations="Part-time evenings only for study; mortgage means no pay cut "
        "of more than 10%.",
    )
    d.edit(
        "current_reality",
        job_content_likes="Untangling messy data and finding the real question.",
        job_content_dislikes="Rebuilding the same dashboard for every new manager.",
        work_environment_likes="Friendly team, flexible hours.",
        work_environment_dislikes="No say in how the data reaches us.",
        work_life_likes="Two days from home.",
        work_life_dislikes="Quarter-end weeks swallow the evenings.",
    )


def plan_second_pass(d: Scene) -> None:
    d.edit(
        "three_circles",
        good_at="SQL, modelling, patience with messy data.",
        want_to_do="Build and run pipelines that other people rely on.",
        world_wants="Trustworthy data on time; every team here complains about late loads.",
    )
    d.edit(
        "ideal_occupation",
        preferred_knowledge_skills_experience="SQL, data modelling and my retail knowledge",
        field_of_interest="data platforms and analytics infrastructure",
        contribution_to_employer="making data arrive on time and correct",
        personal_career_goals="becoming a data engineer within two years",
        needs_and_wants="build things and see them run",
        values_not_compromised="honesty about data quality",
        people="care about craft and review each other's work",
        environment="engineering practices (tests, reviews, on-call) are normal",
        intrinsic_rewards="fixing a broken load before anyone notices",
        extrinsic_rewards="a salary at least equal to today's and a training budget",
    )


def story(d: Scene) -> Story:
    """Ana's year: a first pipeline goal reached, a learning goal, and a stretch goal begun."""
    yield from getting_a_mentor(d)
    yield from d.check_in(MEETINGS[0])
    yield from first_goal(d)
    yield from d.check_in(MEETINGS[1])
    yield from learning_in_public(d)
    yield from d.check_in(MEETINGS[2])
    yield 95
    d.research(
        "bootcamp",
        facts="Costs 7,000 euros and 14 weeks without pay.",
        opinions="Two graduates said it helped their network more than their skills.",
        sources="Bootcamp website; calls with two graduates",
    )
    d.shortlist("platform")
    d.discard("bootcamp", "Too expensive; the zoomcamp and work projects cover the same.")
    yield from d.check_in(MEETINGS[3])
    yield from the_freeze(d)
    yield from d.check_in(MEETINGS[4])
    yield from staging_shipped(d)
    yield from d.check_in(MEETINGS[5])
    yield 180
    d.slip("production", 200, "Alerting waits for the platform team's on-call rota.")
    yield from d.check_in(MEETINGS[6])
    yield from pipeline_done_and_stretch(d)
    yield from d.check_in(MEETINGS[7])
    yield from d.check_in(MEETINGS[8])
    yield 270
    d.edit(
        "ideal_occupation",
        "Mentoring a new analyst showed me what kind of team I want.",
        people="review each other's work kindly and teach juniors",
        extrinsic_rewards="a salary at least equal to today's, a training budget, on-call pay",
    )
    d.reflect("Teaching SQL to the new analyst was the best part of this month.")
    yield from d.check_in(MEETINGS[9])
    yield from d.check_in(MEETINGS[10])
    yield from role_opening_later(d)
    yield from d.check_in(MEETINGS[11])
    yield 358
    d.next_check_in(383, "First month after the application: what to do while I wait.")
    yield 360
    d.reflect("A year ago I was scared to ask. Now I'm applying.", private=True)
    yield 362
    # Left waiting, so her home and Maria's dashboard show a proposal to decide at first start.
    d.propose_goal(
        "cloud",
        "Without a date it slides behind the application; the end of January is realistic.",
        target_date=d.day(430),
    )


def getting_a_mentor(d: Scene) -> Story:
    yield 0
    d.app.start_plan(mentee_id=d.mentee, actor_id=d.mentee)
    plan_first_drafts(d)
    yield 4
    d.mentorship_id = d.invite(
        d.mentor,
        help_wanted="Help me plan a move from analytics into data engineering: which skills "
        "first, how to get real pipeline experience, how to raise it with my manager.",
        duration="12 months",
        frequency="Once a month, about an hour",
    )
    yield 6
    d.accept(30, 60, "Career direction and skill-building; I connect you with people.")
    yield 10
    plan_second_pass(d)


def first_goal(d: Scene) -> Story:
    yield 24
    d.option("platform", "Internal move to the data platform team", "Junior data engineer.")
    d.option("analytics_eng", "Analytics engineer at another company", "dbt-heavy roles.")
    d.option("bootcamp", "Full-time data engineering bootcamp", "14 weeks, in person.")
    d.research(
        "platform",
        facts="The platform team has hired two internal juniors in three years.",
        opinions="Priya thinks my SQL is already at their level.",
        sources="Conversation with Priya Nair; internal job archive",
    )
    yield 28
    d.goal(
        "pipeline",
        "smarty",
        title="Build and run a production data pipeline",
        specific="Build the nightly sales pipeline from the POS database to the warehouse.",
        measurable="It runs in production every night.",
        achievable="Priya reviews my code; my manager gives me Friday afternoons for it.",
        relevant="Real pipeline experience is what the platform team asks for.",
        time_bound="In production within six months.",
        yours="I chose this one; nobody asked me to.",
        target_date=d.day(200),
        serves=f"option:{d.options['platform']}",
    )
    yield 35
    d.revise(
        "pipeline",
        "Priya pointed out the POS source is being replaced; the ERP feed is stable.",
        specific="Build the nightly sales pipeline from the ERP feed to the warehouse.",
    )
    d.activate("pipeline")
    d.milestone("pipeline", "course", "Finish the Python ETL course", 60, "Python", "pandas")
    d.milestone("pipeline", "staging", "Sales pipeline running in staging", 120, "Airflow")
    d.milestone("pipeline", "production", "In production with alerting", 180, "monitoring")
    d.supporter("Priya Nair", "person", "Senior data engineer; code reviews", "peer-priya")
    d.supporter("Data engineering zoomcamp", "resource", "Free course with real projects")


def learning_in_public(d: Scene) -> Story:
    yield 55
    proposal = d.propose_goal(
        "pipeline",
        "Running is not enough: define done as tested, monitored and boring.",
        measurable="It runs 30 nights in a row without manual fixes, with tests and alerts.",
    )
    yield 58
    d.accept_proposal(proposal, "Agreed - this is what the platform team means by done.")
    yield 60
    d.complete("course")
    d.goal(
        "cloud",
        "real",
        title="Learn cloud data tooling by building with it",
        relevant="Every data engineering job asks for orchestration and a cloud warehouse.",
        engaging="I learn by building; courses alone bore me.",
        actionable="One small project a month in the zoomcamp, pushed to my GitHub.",
        learning_focused="Understand why each tool exists, not only how to click it.",
    )
    d.activate("cloud")


def the_freeze(d: Scene) -> Story:
    yield 118
    d.slip("staging", 150, "The source migration froze the sales tables for three weeks.")
    yield 125
    d.edit(
        "current_reality",
        "Three months in: the pipeline work is the part of my week I look forward to.",
        job_content_likes="Building the pipeline; untangling messy data.",
    )


def staging_shipped(d: Scene) -> Story:
    yield 150
    d.complete("staging")
    d.feedback("pipeline", "The staging demo was clear and honest about what's missing.")
    d.recognise("pipeline", "Sales pipeline in staging", "Demo to the platform team.", "staging")
    yield 160
    d.edit(
        "vision_statement",
        "After the staging demo I know where I want to be.",
        statement="I build the pipelines others rely on, on the data platform team, and "
        "I help analysts trust their data.",
    )
    proposal = d.propose_section(
        "purpose_question",
        "Your question should help you say no, too.",
        question="Does this build the skills the platform team needs, or only keep me busy?",
    )
    yield 163
    d.accept_proposal(proposal)


def role_opening_later(d: Scene) -> Story:
    yield 330
    d.slip("apply", 375, "The junior role opens in three months, not next month.")
    d.revise(
        "cloud",
        "The team chose dbt, so the learning follows it.",
        actionable="One dbt model a week at work, reviewed by Priya; zoomcamp on weekends.",
    )


def pipeline_done_and_stretch(d: Scene) -> Story:
    yield 205
    d.complete("production")
    d.app.achieve_goal(
        d.goals["pipeline"],
        evidence="30 nights without manual fixes; alerts route to the on-call rota.",
        actor_id=d.mentee,
    )
    d.recognise(
        "pipeline",
        "First production pipeline",
        "Ran 30 nights unattended; now part of the nightly warehouse load.",
    )
    d.feedback(
        "pipeline",
        "Best-documented pipeline handed over to us this year.",
        by="peer-priya",
        source="support",
    )
    yield 210
    d.goal(
        "role",
        "smarty",
        title="Move into a data engineering role",
        specific="Get a junior data engineer role, on the platform team or elsewhere.",
        measurable="A signed offer.",
        achievable="I have a production pipeline, dbt work and Priya's reference.",
        relevant="It is my vision statement made concrete.",
        time_bound="Within eight months.",
        yours="Yes - and it scares me, which is why it's a stretch.",
        target_date=d.day(455),
        stretch=True,
    )
    d.revise(
        "role",
        "Priya says the platform team opens a junior role in a few months; aim internal first.",
        specific="Get the junior data engineer role on the platform team.",
    )
    d.activate("role")
    d.milestone("role", "dbt", "Migrate the sales models to dbt", 320, "dbt", "testing")
    d.milestone("role", "apply", "Apply for the internal junior role", 340, "interviewing")
