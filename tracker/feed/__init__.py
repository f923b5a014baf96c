"""The integrators' feed: the event log as CloudEvents, its schemas, export/import, a consumer.

- `catalogue`: every domain event class, its versioned CloudEvents type and its topic;
- `cloudevents`: one stored event as a CloudEvent, with private text withheld;
- `schemas`: the JSON Schemas in `schemas/events/`, one per event type and version;
- `reader`: pages of the global feed (filters by type and mentee) and of one stream;
- `sse`: the live tail as Server-Sent Events;
- `archive`, `importer`: `tracker export` / `tracker import` (NDJSON with a manifest);
- `follower`: the reference consumer behind `tracker follow`.

See docs/integrators.md (how to consume) and docs/events.md (types, versions, upcasting).
"""
