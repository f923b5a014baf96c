Feature: A plan and a first goal
  The mentee owns her plan: a vision statement to steer by, a purpose question to filter
  decisions, and one or two goals written with SMARTY or REAL. A goal starts as a draft and
  becomes active once its essentials are written.

  Background:
    Given Ana is a mentee who wants to move into data engineering

  Scenario: Ana drafts her plan and activates a SMARTY goal
    When Ana starts her plan
    And Ana writes her vision statement: "I build the data platforms other teams rely on"
    And Ana writes her purpose question: "Does this bring me closer to building data platforms?"
    Then Ana's plan shows the vision statement "I build the data platforms other teams rely on"
    And Ana's plan shows the purpose question "Does this bring me closer to building data platforms?"
    When Ana drafts a SMARTY goal "Move into a data engineering role":
      | criterion   | in Ana's words                                                     |
      | specific    | Join the platform team as a junior data engineer                   |
      | measurable  | Two production pipelines I built, reviewed and running for a month |
      | achievable  | I already write SQL daily and have started learning Python         |
      | relevant    | It is the first step towards my vision                             |
      | time bound  | By the end of June, before the yearly team planning                |
      | yours       | I chose it; nobody asked me to                                     |
      | target date | 30 June 2025                                                       |
    Then the goal "Move into a data engineering role" is a draft
    When Ana activates the goal
    Then the goal "Move into a data engineering role" is active
    And the goal's measurable outcome reads "Two production pipelines I built, reviewed and running for a month"
    And the goal shows the target date 30 June 2025

  Scenario: A SMARTY goal without a measurable outcome cannot be activated
    Given Ana has started her plan
    When Ana drafts a SMARTY goal "Get better at data engineering":
      | criterion   | in Ana's words                          |
      | specific    | Learn the tools the platform team uses  |
      | target date | 30 June 2025                            |
    And Ana activates the goal
    Then Ana is told "cannot become active without measurable"
    And the goal "Get better at data engineering" is a draft
