Feature: An integrator replays the event feed into her own system
  An integrator keeps a copy of everything that happens in the tracker, in order, to feed
  another system. She reads the feed a page at a time and remembers the position of the
  last event she applied. She may stop at any moment and resume later: nothing is lost and
  nothing arrives twice. Private reflections keep their place without their text.

  Background:
    Given Ana has kept her career plan in the tracker, with a private reflection
    And Ana has revised her goal 9 times

  Scenario: Replaying everything from the beginning
    When the integrator replays the feed from the beginning, 4 events a page
    Then she has every event of the tracker once, in order
    And Ana's private reflection reached her without its text

  Scenario: Stopping and resuming later
    When the integrator replays 2 pages of 4 events and stops
    And Ana revises her goal 2 more times
    And the integrator resumes from her checkpoint, 4 events a page
    Then she has every event of the tracker once, in order

  Scenario: Replaying again from the beginning gives the same events
    When the integrator replays the feed from the beginning, 5 events a page
    And another integrator replays the feed from the beginning, 3 events a page
    Then both have the same events in the same order
