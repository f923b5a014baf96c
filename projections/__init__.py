"""Read models: each module turns the event stream into one view people read."""
