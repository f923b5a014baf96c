Feature: Finding a mentor
  A mentee recruits her mentor with a prepared ask: what help she wants, for how long and
  how often. The mentor accepts and they agree how they will meet, or declines and says why.

  Background:
    Given Ana is a mentee who wants to move into data engineering
    And Maria is an experienced data engineer

  Scenario: Maria accepts Ana's invitation and they agree how they will meet
    When Ana invites Maria to mentor her, asking for help with "moving from BI reporting into data engineering" for 6 months, once a month
    Then Maria sees the invitation from Ana, asking for help with "moving from BI reporting into data engineering" for 6 months, once a month
    When Maria accepts, meeting every 30 days for 45 minutes, for "career guidance and reviews of my pipeline code"
    Then Ana and Maria have an active mentorship
    And they meet every 30 days for 45 minutes, for "career guidance and reviews of my pipeline code"

  Scenario: Maria declines the invitation, saying why
    When Ana invites Maria to mentor her, asking for help with "learning to run Airflow in production" for 3 months, every two weeks
    And Maria declines, saying "I already mentor three people this year; ask me again in autumn"
    Then Ana sees that Maria declined because "I already mentor three people this year; ask me again in autumn"
    And they have no agreement on how to meet

  Scenario: Only the mentor Ana invited can accept
    Given Tom is a mentor Ana did not invite
    When Ana invites Maria to mentor her, asking for help with "moving from BI reporting into data engineering" for 6 months, once a month
    And Tom accepts, meeting every 14 days for 30 minutes, for "career guidance"
    Then Tom is told "only the invited mentor accepts"
    And Maria sees the invitation from Ana, asking for help with "moving from BI reporting into data engineering" for 6 months, once a month
