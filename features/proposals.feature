Feature: A mentor proposes, the mentee decides
  The mentor does not dictate. She proposes a change to the mentee's goal; the mentee accepts
  it, which revises the goal crediting both of them, or declines it, saying why.

  Background:
    Given Ana is a mentee who wants to move into data engineering
    And Maria mentors Ana
    And Ana has an active SMARTY goal "Move into a data engineering role" due 30 June 2025

  Scenario: Ana accepts a later target date that Maria proposes
    Given today is 3 March 2025
    When Maria proposes moving the target date to 30 September 2025, because "the platform team freezes new pipelines until July"
    Then Ana sees Maria's proposal to move the target date to 30 September 2025, waiting for her decision
    And the goal shows the target date 30 June 2025
    When Ana accepts the proposal, saying "I want the time to build the second pipeline properly"
    Then the goal shows the target date 30 September 2025
    And the goal's latest revision was accepted by Ana and proposed by Maria
    And the goal's latest revision gives the reason "I want the time to build the second pipeline properly"
    And the goal's latest revision is dated 3 March 2025

  Scenario: Ana declines Maria's proposal, saying why
    When Maria proposes moving the target date to 30 September 2025, because "the platform team freezes new pipelines until July"
    And Ana declines the proposal, saying "The freeze does not affect my team's pipelines"
    Then Ana sees the proposal declined because "The freeze does not affect my team's pipelines"
    And the goal shows the target date 30 June 2025
    And the goal has never been revised

  Scenario: A mentor cannot change the goal herself
    When Maria changes the goal's target date to 30 September 2025 herself, because "the freeze"
    Then Maria is told "a mentor proposes a revision instead"
    And the goal shows the target date 30 June 2025
    And the goal has never been revised

  Scenario: Only Ana decides on a proposal to her goal
    When Maria proposes moving the target date to 30 September 2025, because "the platform team freezes new pipelines until July"
    And Maria accepts the proposal, saying "agreed"
    Then Maria is told "only the mentee accepts"
    And the goal shows the target date 30 June 2025
    And Ana sees Maria's proposal to move the target date to 30 September 2025, waiting for her decision
