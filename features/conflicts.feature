Feature: Changing the same goal at the same moment
  Two people may have the same goal open. Whoever saves first wins; the other is told that
  the goal changed under them, nothing of theirs is written, and after reloading they can
  make their change on top of the new version.

  Background:
    Given Ana is a mentee who wants to move into data engineering
    And Maria mentors Ana
    And Ana has an active SMARTY goal "Move into a data engineering role" due 30 June 2025

  Scenario: Maria's feedback is saved first; Ana is told, reloads and revises
    Given Ana and Maria both have the goal open at version 2
    When Maria gives feedback on the goal she has open: "Pair with the platform team on their next pipeline"
    Then the goal shows Maria's feedback "Pair with the platform team on their next pipeline"
    When Ana moves the target date of the goal she has open to 31 July 2025, because "I start on the platform team only in May"
    Then Ana is told the goal was changed by someone else and is now at version 3
    And the goal shows the target date 30 June 2025
    And the goal has never been revised
    When Ana reloads the goal
    And Ana moves the target date of the goal she has open to 31 July 2025, because "I start on the platform team only in May"
    Then the goal shows the target date 31 July 2025
    And the goal is at version 4
    And the goal shows Maria's feedback "Pair with the platform team on their next pipeline"

  Scenario: Ana revises the goal in two windows; the second save is refused
    Given Ana has the goal open in two windows at version 2
    When Ana moves the target date in her first window to 31 July 2025, because "I start on the platform team only in May"
    And Ana moves the target date in her second window to 31 August 2025, because "summer holidays"
    Then Ana is told the goal was changed by someone else and is now at version 3
    And the goal shows the target date 31 July 2025
    And the goal has been revised once
