"""Ana's monthly check-ins with Maria: the four answers, the agenda, and what came of it."""

from __future__ import annotations

from tracker.demo.scene import Action, Meeting, Note

WANT_EARLY = (
    "Building the pipelines my dashboards depend on, ideally on the data platform team here."
)
WANT_LATE = "A data engineer on the platform team within a year, owning pipelines end to end."
HOW_EARLY = "Python and orchestration first, then one real pipeline at work that I build and run."
HOW_LATE = "Keep shipping on the sales pipeline, then the dbt migration, then apply."

MEETINGS = (
    Meeting(
        day=20,
        now="Senior analyst; I write SQL all day but someone else owns every pipeline I touch.",
        want=WANT_EARLY,
        how=HOW_EARLY,
        doing="Excited and a bit overwhelmed by how much there is to learn.",
        agenda=("My draft vision statement - is it too vague? I tried a second version too.",),
        mentor_agenda=("How you spend a typical week, so we can find learning time.",),
        feedback="Your self-assessment undersells the data modelling you already do. Own it.",
        lesson="I already do half of a data engineer's job; the gap is tooling, not thinking.",
        actions=(
            Action("mentee", "List five possible paths from analyst to engineer", 14, True),
            Action("mentor", "Introduce Ana to Priya on the platform team", 7, True),
        ),
        notes=(Note("mentor", "Strong SQL, undervalues it. Watch for over-committing.", True),),
    ),
    Meeting(
        day=50,
        now="Met Priya; she showed me how the nightly sales load works. Course started.",
        want=WANT_EARLY,
        how=HOW_EARLY,
        doing="Good. Evenings are tight but the course is going well.",
        agenda=(
            "My first SMARTY goal - I think 'measurable' is weak. I suggest counting nights "
            "the pipeline runs unattended.",
        ),
        feedback="The goal is good; make 'done' mean tested and monitored, not just running.",
        lesson="Write the definition of done before starting, not after.",
        actions=(Action("mentee", "Finish the Python ETL course modules 1-6", 10, True),),
        notes=(Note("mentee", "Priya offered to review my first pull request."),),
    ),
    Meeting(
        day=80,
        now="Course done. Building the staging version of the sales pipeline with Airflow.",
        want=WANT_EARLY,
        how=HOW_EARLY,
        doing="Tired after quarter-end, but proud of the first DAG.",
        agenda=("Bootcamp or not? I priced it; I think the zoomcamp covers it for free.",),
        mentor_agenda=("Research the options: facts and sources, not forum opinions.",),
        feedback="Good instinct to compare cost with what work already gives you.",
        lesson="An option is only real once I have facts from someone who did it.",
        actions=(
            Action("mentee", "Talk to two people who did a data bootcamp", 21, True),
            Action("mentee", "Write up the on-call question for the platform lead", 14, False),
        ),
    ),
    Meeting(
        day=111,
        moved_from=108,
        moved_because="Quarter-end reporting week; can we move to Tuesday?",
        now="Staging pipeline runs, but the source tables are frozen for a migration.",
        want=WANT_EARLY,
        how=HOW_EARLY,
        doing="Frustrated by the freeze; using the time for tests.",
        agenda=("The migration freeze will push my staging milestone back a month.",),
        feedback="Slipping a date for a real reason is fine. Say why and move it.",
        lesson="Blocked time is test-writing time.",
        actions=(Action("mentee", "Add data quality tests to the staging DAG", 21, True),),
        notes=(Note("mentee", "Felt behind this month; wrote it down so I remember why.", True),),
    ),
    Meeting(
        day=141,
        now="Tests written, migration over, staging pipeline back on track.",
        want=WANT_EARLY,
        how=HOW_EARLY,
        doing="Much better. The tests caught two real bugs.",
        agenda=("Should I start a second goal now, or is one big goal plus learning enough?",),
        feedback="One or two goals at a time. Your learning goal counts as the second.",
        lesson="Tests that find real bugs are the best argument for more tests.",
        actions=(Action("mentee", "Deploy the sales pipeline to staging and demo it", 10, True),),
    ),
    Meeting(
        day=171,
        now="Sales pipeline in staging, demoed to the platform team. Waiting on alerting.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="Confident. The demo went well and Priya's lead asked questions.",
        agenda=("Rewrote my vision statement - it now names the platform team.",),
        mentor_agenda=("Your purpose question: does it still help you decide things?",),
        feedback="Naming the team makes the vision something you can act on. Good change.",
        lesson="Showing work to the people who might hire me matters as much as the work.",
        actions=(
            Action("mentee", "Ask the platform lead what a junior hire needs to show", 14, True),
        ),
    ),
    Meeting(
        day=202,
        now="The pipeline is in production with alerting. It ran 30 nights without help.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="Really proud. First goal done.",
        agenda=("Goal achieved. Next: a stretch goal to move into the role itself?",),
        feedback="Well earned. Make the next goal a stretch, but keep its milestones honest.",
        lesson="Breaking a big goal into dated milestones is what made it happen.",
        actions=(Action("mentee", "Draft the stretch goal with milestones", 7, True),),
        notes=(Note("mentor", "Recognise the pipeline achievement in writing this week."),),
    ),
    Meeting(
        day=232,
        now="Stretch goal set. Started on the dbt migration with Priya.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="Motivated, though the stretch goal scares me a little.",
        agenda=("dbt or more Airflow first? I lean towards dbt since the team is moving to it.",),
        feedback="Follow where the team is going; that is where the openings will be.",
        lesson="Learning what the team adopts next beats learning what is popular.",
        actions=(Action("mentee", "Migrate two sales models to dbt", 30, True),),
    ),
    Meeting(
        day=262,
        now="Two models migrated. Started mentoring a new analyst on SQL.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="Steady. Stock-take month at work is heavy.",
        agenda=("My ideal occupation statement needs updating - rewrote two prompts.",),
        feedback="The rewrite is clearer about the people you want around you.",
        lesson="Teaching SQL shows me how much I know.",
        actions=(
            Action("mentee", "Update my CV with the pipeline and dbt work", 21, False),
            Action("mentor", "Share two example data engineering CVs", 14, True),
        ),
    ),
    Meeting(
        day=293,
        now="dbt migration half done. CV still not updated.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="A bit stuck on the CV. Writing about myself is hard.",
        agenda=("CV: I propose writing it as three project stories instead of a list of tools.",),
        feedback="Project stories are the right format. Quantify each: rows, runtimes, users.",
        lesson="My work is easier to describe as problems solved than as tools used.",
        actions=(Action("mentee", "Write the three project stories for the CV", 14, True),),
        notes=(Note("mentee", "Worried the junior role opens before I'm ready.", True),),
    ),
    Meeting(
        day=323,
        now="Project stories written. Platform lead confirmed a junior opening in three months.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="Nervous but ready to try.",
        agenda=("Interview practice: could we do a mock system design round next time?",),
        mentor_agenda=("Your stretch goal's dates versus the real opening date.",),
        feedback="Move the internal application milestone to match the real opening date.",
        lesson="Goals follow reality; I changed the date, not the ambition.",
        actions=(
            Action("mentor", "Prepare a mock system design interview", 21, True),
            Action("mentee", "Finish the dbt migration of the sales models", 45, False),
        ),
    ),
    Meeting(
        day=353,
        now="Did the mock interview. Application for the junior role ready to send.",
        want=WANT_LATE,
        how=HOW_LATE,
        doing="Good. A year ago I didn't know what a DAG was.",
        agenda=("Review of the year: what I'd keep and what I'd drop.",),
        feedback="Your year in one line: from reading pipelines to running one.",
        lesson="Small monthly steps added up to a real change.",
        actions=(
            Action("mentee", "Send the application for the junior data engineer role", 20, False),
        ),
        notes=(Note("mentee", "Year review: keep the monthly rhythm, drop the evening course."),),
    ),
)
