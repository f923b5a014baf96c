Feature: Who may read a mentee's plan
  A career plan is personal, and Ana owns hers. Her mentor reads it while their mentorship
  lasts; when it ends he loses access, and she keeps all of its history. A member of her
  support network sees only the parts she shares with him, and nothing once she stops.
  Everyone acts through the tracker as themselves, signed in with a token of their own.

  Background:
    Given Ana keeps her career plan in the tracker, with the goal "Become a data engineer"
    And Maria mentors Ana, proposed a change to that goal and gave feedback on it
    And Maria and Ana held a check-in, and Maria wrote a note in it

  Scenario: A mentor whose mentorship ended loses access while Ana keeps all history
    Given Maria reads Ana's plan, her goal, their check-in and her timeline
    When Ana ends the mentorship, saying "I have found my feet"
    Then Maria can no longer read Ana's plan, her goal, their check-in or her timeline
    And Maria can no longer propose a change to Ana's goal or give feedback on it
    And Maria still sees their mentorship, now ended
    And Ana still sees Maria's proposal, her feedback and the note of their check-in

  Scenario: Ana shares parts of her plan with a member of her support network
    Given Priya is in Ana's support network, with an account of her own
    And Ana wrote her vision statement, her self-assessment, an option and a reflection
    When Ana shares her vision statement and her goals with Priya
    Then Priya sees Ana's vision statement and her goal
    But Priya sees neither Ana's self-assessment, nor her options, nor her reflections
    And Priya cannot read Ana's check-ins, proposals or timeline
    When Ana stops sharing with Priya
    Then Priya cannot find Ana's plan or her goal at all
