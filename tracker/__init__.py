"""tracker: application services, web, CLI and settings, wiring domain and projections."""
