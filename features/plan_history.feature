Feature: Looking back: who changed the plan, and how it stood before
  Every record says who did what, when and why. A mentor audits who changed a goal and on
  whose proposal; a mentee looks at her whole plan exactly as it stood before a date, and
  at what has changed since.

  Background:
    Given Ana is a mentee who wants to move into data engineering
    And Maria mentors Ana
    And Ana has an active SMARTY goal "Move into a data engineering role" due 30 June 2025

  Scenario: Maria audits who changed the goal's target date and why
    Given on 3 March 2025 Maria proposed moving the target date to 30 September 2025, because "the platform team freezes new pipelines until July"
    And on 5 March 2025 Ana accepted the proposal, saying "I want the time to build the second pipeline properly"
    And on 20 April 2025 Ana moved the target date to 31 October 2025 herself, because "my manager asked for a migration first"
    When Maria audits who changed the goal's target date
    Then she sees the target date was last set to 31 October 2025 by Ana on 20 April 2025, because "my manager asked for a migration first"
    And the target date's history reads:
      | date            | from              | to                | who | proposed by | why                                                   |
      | 6 January 2025  |                   | 30 June 2025      | Ana |             |                                                       |
      | 5 March 2025    | 30 June 2025      | 30 September 2025 | Ana | Maria       | I want the time to build the second pipeline properly |
      | 20 April 2025   | 30 September 2025 | 31 October 2025   | Ana |             | my manager asked for a migration first                |

  Scenario: Ana views her plan as it was before a date
    Given on 10 January 2025 Ana wrote her vision "Build data tools people trust"
    And on 21 January 2025 Ana added the milestone "First pipeline" due 1 March 2025
    And on 1 April 2025 Ana rewrote her vision as "Lead a data team that builds tools people trust"
    And on 2 April 2025 Ana moved the milestone to 1 May 2025, because "the launch moved"
    And on 3 April 2025 Ana wrote a private reflection "I am not sure I want to lead"
    When Ana views her plan as it was before 1 April 2025
    Then her vision reads "Build data tools people trust"
    And the milestone "First pipeline" is due 1 March 2025
    And the goal "Move into a data engineering role" is active, due 30 June 2025
    When Ana compares her plan before 1 April 2025 with her plan today
    Then she sees her vision changed from "Build data tools people trust" to "Lead a data team that builds tools people trust"
    And she sees the milestone "First pipeline" moved from 1 March 2025 to 1 May 2025
    And she sees her new reflection "I am not sure I want to lead"
    But Maria comparing the same dates does not see Ana's private reflection
