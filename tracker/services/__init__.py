"""The use cases of the tracker, grouped by area; `tracker.application` composes them."""
