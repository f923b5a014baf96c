"""Ben Adeyemi, an intensive-care nurse moving into health informatics, around night shifts."""

from __future__ import annotations

from tracker.demo.ben_check_ins import MEETINGS
from tracker.demo.scene import Scene, Story

MENTEE = "mentee-ben"
OTHER_MENTOR = "mentor-david"
WHO = "Ben Adeyemi, an ICU nurse moving into health informatics"


def plan_first_drafts(d: Scene) -> None:
    d.edit(
        "vision_statement",
        statement="I want to fix the tools that make nurses' shifts harder.",
    )
    d.edit(
        "self_assessment",
        strengths="Eight years of ICU nursing; calm under pressure; the unit's go-to person "
        "for the EHR; teaching new nurses.",
        interests_and_motivations="Why systems fail at 3 a.m.; safer medication workflows.",
        personality="fix-it, technology, people person",
        values="Patient safety, fairness to night staff, plain speaking.",
        personal_considerations="Young family; shifts; can't afford a year without pay.",
    )
    d.edit(
        "current_reality",
        job_content_likes="Patient care; teaching students; solving EHR problems on the ward.",
        job_content_dislikes="Double documentation; clicking through screens instead of caring.",
        work_environment_likes="A team that has each other's backs.",
        work_environment_dislikes="Changes to systems arrive without asking the night shift.",
        work_life_likes="Four-day weeks.",
        work_life_dislikes="Nights disrupt family life and study.",
    )


def plan_second_pass(d: Scene) -> None:
    d.edit("purpose_question", question="Does this make the nurses' day easier?")
    d.edit(
        "three_circles",
        good_at="Clinical workflows, the EHR, teaching colleagues.",
        want_to_do="Design and improve clinical systems with nurses.",
        world_wants="Safer, faster documentation.",
    )
    d.edit(
        "ideal_occupation",
        preferred_knowledge_skills_experience="ICU nursing and everyday EHR troubleshooting",
        field_of_interest="clinical informatics and patient safety",
        contribution_to_employer="systems nurses actually want to use, with fewer errors",
        personal_career_goals="a clinical informatics nurse role within three years",
        needs_and_wants="fix problems at their root instead of working around them",
        values_not_compromised="patient safety first",
        people="are clinicians and engineers who listen to each other",
        environment="a hospital, close to the wards",
        intrinsic_rewards="hearing a nurse say the new screen saves her time",
        extrinsic_rewards="regular daytime hours and at least my current pay",
    )


def story(d: Scene) -> Story:
    """Ben's year: a declined invitation, a slow certificate, a deferred master's, a go-live."""
    yield from getting_a_mentor(d)
    yield from d.check_in(MEETINGS[0])
    yield from options(d)
    yield from d.check_in(MEETINGS[1])
    yield from first_goals(d)
    yield from d.check_in(MEETINGS[2])
    yield from super_user(d)
    yield from d.cancelled_check_in(126, "Called in for extra ICU shifts in the flu surge.")
    yield 135
    d.complete("training")
    d.complete("course1")
    d.recognise(
        "cert",
        "First certificate course passed",
        "Grade A in health information systems.",
        milestone="course1",
    )
    yield from d.check_in(MEETINGS[3])
    yield from slipping(d)
    yield from d.check_in(MEETINGS[4])
    yield from deferring(d)
    yield from d.check_in(MEETINGS[5])
    yield from go_live(d)
    yield from d.check_in(MEETINGS[6])
    yield from d.check_in(MEETINGS[7])
    yield from back_from_leave(d)
    yield from d.check_in(MEETINGS[8])
    yield 325
    d.slip("course3", 360, "Back from parental leave; the course restarts a month later.")
    d.reflect("Some weeks the plan feels like a luxury. It still helps.", private=True)
    yield from d.check_in(MEETINGS[9])
    yield 350
    d.next_check_in(370, "The medication-timing proposal draft.")


def getting_a_mentor(d: Scene) -> Story:
    yield 0
    d.app.start_plan(mentee_id=d.mentee, actor_id=d.mentee)
    plan_first_drafts(d)
    yield 12
    help_wanted = (
        "Guidance on moving from bedside nursing into clinical informatics, and how to "
        "study for it around night shifts."
    )
    declined = d.invite(OTHER_MENTOR, help_wanted, "One year", "Monthly, 45 minutes")
    yield 16
    d.app.decline_invitation(
        declined,
        reason="I'm leading the EHR upgrade for the next six months and can't give you "
        "the time you deserve. Maria Okafor mentors career changers; ask her.",
        actor_id=OTHER_MENTOR,
    )
    yield 18
    d.mentorship_id = d.invite(d.mentor, help_wanted, "One year", "Monthly, 45 minutes")
    yield 22
    d.accept(30, 45, "Practical next steps into informatics, and introductions.")
    yield 26
    plan_second_pass(d)
    d.supporter("Grace Liu", "person", "Nurse informaticist; shadowing", user_id="peer-grace")
    d.supporter("Nursing informatics working group", "resource", "Webinars and peers")


def options(d: Scene) -> Story:
    yield 45
    d.option("hospital", "Clinical informatics nurse here", "Grace's team, hospital-employed.")
    d.option("vendor", "Clinical consultant at an EHR vendor", "Implementation projects.")
    d.option("analyst", "Health data analyst", "Quality and outcomes reporting.")
    d.research(
        "vendor",
        facts="Consultant roles list 60-80% travel and start salaries near mine.",
        opinions="A former colleague there loves it but never sees her kids.",
        sources="Three job adverts; call with a former ICU colleague",
    )
    yield 52
    d.discard("vendor", "The travel is impossible with a young family.")
    d.shortlist("hospital")
    d.goal(
        "cert",
        "smarty",
        title="Earn a graduate certificate in health informatics",
        specific="Complete the university's four-course online certificate.",
        measurable="Four courses passed.",
        achievable="One course at a time; the hospital pays half the fees.",
        relevant="Grace's team asks for formal informatics training.",
        time_bound="Within 12 months.",
        yours="My idea, my pace.",
        target_date=d.day(330),
        serves=f"option:{d.options['hospital']}",
    )
    d.goal(
        "masters",
        "smarty",
        title="Start a master's in health informatics",
        specific="Apply to the part-time master's programme.",
        measurable="Application accepted.",
        time_bound="The next intake, in eight months.",
        target_date=d.day(250),
    )


def first_goals(d: Scene) -> Story:
    yield 70
    d.revise(
        "cert",
        "Maria asked what 'done' means; the certificate needs a capstone too.",
        measurable="Four courses and the capstone passed.",
    )
    d.activate("cert")
    d.activate("masters")
    d.milestone("cert", "course1", "Pass course one: health information systems", 130)
    d.milestone("cert", "course2", "Pass course two: clinical decision support", 200)
    d.milestone("cert", "course3", "Pass course three: data and quality", 300, "SQL basics")
    yield 74
    proposal = d.propose_section(
        "three_circles",
        "The world wants more than speed: say who benefits.",
        world_wants="Safer, faster documentation that gives nurses time back with patients.",
    )
    yield 78
    d.accept_proposal(proposal, "Yes - time with patients is the point.")


def super_user(d: Scene) -> Story:
    yield 100
    d.goal(
        "superuser",
        "real",
        title="Become the unit's EHR super-user",
        relevant="It is informatics work on my own ward.",
        engaging="I already enjoy solving colleagues' EHR problems.",
        actionable="Super-user training, then go-live support for the new flowsheets.",
        learning_focused="Learn how the EHR is built, not only how it's used.",
    )
    d.activate("superuser")
    yield 110
    d.milestone("superuser", "training", "Complete the super-user training", 140, "EHR build")
    d.milestone("superuser", "golive", "Lead go-live support on the unit", 230, "leadership")


def slipping(d: Scene) -> Story:
    yield 160
    d.slip("course2", 242, "The flu surge took every spare shift last month.")
    proposal = d.propose_goal(
        "cert",
        "The nursing informatics board exam would count for more than the certificate.",
        specific="Prepare for and pass the nursing informatics board certification.",
    )
    yield 164
    d.decline_proposal(
        proposal,
        "The board exam needs 2,000 informatics practice hours I don't have yet. "
        "Certificate first, board exam later.",
    )


def deferring(d: Scene) -> Story:
    yield 190
    d.app.defer_goal(
        d.goals["masters"],
        reason="Our second baby is due in four months; a master's on top of shifts isn't "
        "possible this year. Deferring, not dropping.",
        actor_id=d.mentee,
    )
    d.edit(
        "self_assessment",
        "With a second child coming, the constraints changed.",
        personal_considerations="Two young children; shifts; parental leave in four months; "
        "study only in small weekly blocks.",
    )


def go_live(d: Scene) -> Story:
    yield 236
    d.complete("golive")
    d.recognise("superuser", "Flowsheet go-live", "46 issues logged, 39 fixed.", "golive")
    d.feedback("superuser", "Night staff felt heard for once.", "peer-grace", "support")
    yield 240
    d.slip("course2", 300, "Go-live support took every evening for a month.")


def back_from_leave(d: Scene) -> Story:
    yield 285
    d.edit(
        "vision_statement",
        "The go-live showed me what the work really is.",
        statement="I help nurses and engineers build clinical systems together, so that "
        "nurses spend their time on patients.",
    )
    yield 298
    d.complete("course2")
    d.revise(
        "cert",
        "The surge, the go-live and parental leave cost three months; a date I can keep.",
        target_date=d.day(420),
        time_bound="Within 14 months.",
    )
