Feature: How my plan grew over the year
  A plan is never final. Looking back, a mentee sees every change in order: what changed,
  in which part of her plan, who changed it, when and why; and a chart of how her goals,
  milestones, achievements, check-ins and the sections of her plan grew month by month.
  Her private reflections stay hers: her mentor reading the same timeline never sees them.

  Background:
    Given Ana is a mentee who wants to move into data engineering
    And Maria mentors Ana
    And Ana has spent the year on her plan:
      | date             | who   | what                                                        | why                           |
      | 6 January 2025   | Ana   | starts her plan                                             |                               |
      | 8 January 2025   | Ana   | writes her vision: Build data tools people trust            | first draft                   |
      | 20 January 2025  | Ana   | drafts and activates the goal "Become a data engineer"      |                               |
      | 21 January 2025  | Ana   | adds the milestone "First pipeline" due 1 March 2025        |                               |
      | 25 February 2025 | Ana   | moves the milestone to 1 April 2025                         | the team moved the launch     |
      | 10 March 2025    | Maria | holds a check-in                                            |                               |
      | 28 March 2025    | Ana   | meets the milestone                                         |                               |
      | 29 March 2025    | Maria | recognises the achievement "First pipeline in production"   |                               |
      | 2 June 2025      | Ana   | writes a private reflection: I still doubt myself sometimes |                               |
      | 15 December 2025 | Ana   | writes her vision: Build data tools people trust and teach others to build them | a year of practice |

  Scenario: Ana reads her year, change by change
    When Ana reads her timeline
    Then she sees these changes in order:
      | date             | who   | what                                                          | why                       |
      | 6 January 2025   | Ana   | invited a mentor                                              |                           |
      | 6 January 2025   | Maria | accepted the mentorship                                       |                           |
      | 6 January 2025   | Ana   | started the plan                                              |                           |
      | 8 January 2025   | Ana   | edited the section vision_statement                           | first draft               |
      | 20 January 2025  | Ana   | drafted the goal “Become a data engineer”                     |                           |
      | 20 January 2025  | Ana   | activated the goal “Become a data engineer”                   |                           |
      | 21 January 2025  | Ana   | added the milestone “First pipeline” to “Become a data engineer” |                        |
      | 25 February 2025 | Ana   | moved the milestone “First pipeline” of “Become a data engineer” | the team moved the launch |
      | 10 March 2025    | Maria | scheduled a check-in                                          |                           |
      | 10 March 2025    | Maria | held a check-in                                               |                           |
      | 28 March 2025    | Ana   | completed the milestone “First pipeline” of “Become a data engineer” |                   |
      | 29 March 2025    | Maria | recognised an achievement on “Become a data engineer”         |                           |
      | 2 June 2025      | Ana   | wrote a reflection                                            |                           |
      | 15 December 2025 | Ana   | edited the section vision_statement                           | a year of practice        |
    When Ana reads only the milestones of her timeline between 1 February 2025 and 1 April 2025
    Then she sees these changes in order:
      | date             | who | what                                                                 | why                       |
      | 25 February 2025 | Ana | moved the milestone “First pipeline” of “Become a data engineer”     | the team moved the launch |
      | 28 March 2025    | Ana | completed the milestone “First pipeline” of “Become a data engineer” |                           |

  Scenario: Maria reads the same timeline without Ana's private reflection
    When Maria reads Ana's timeline
    Then she sees 13 changes
    And none of them is Ana's private reflection

  Scenario: Ana sees how her plan grew month by month
    When Ana looks at how her plan grew per month
    Then the chart has a point for every month from January 2025 to December 2025
    And the chart shows:
      | month         | active goals | milestones planned | met | slipped | achievements | check-ins held | vision in words |
      | January 2025  | 1            | 1                  | 0   | 0       | 0            | 0              | 5               |
      | February 2025 | 1            | 1                  | 0   | 1       | 0            | 0              | 5               |
      | March 2025    | 1            | 0                  | 1   | 1       | 1            | 1              | 5               |
      | July 2025     | 1            | 0                  | 1   | 1       | 1            | 1              | 5               |
      | December 2025 | 1            | 0                  | 1   | 1       | 1            | 1              | 11              |
