"""The blueprint every area of the API is built on: flask-smorest's, typed, JSON-only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar, cast

from flask import current_app
from flask_smorest import Blueprint

from tracker.pinning import one_connection_each
from tracker.web.context import get_tracker
from tracker.web.parsing import JsonBodyParser
from tracker.web.schemas.common import ReceiptSchema, RecordSchema

LOCATION_HEADER = {"description": "Where to read what was created.", "schema": {"type": "string"}}
View = TypeVar("View", bound=Callable[..., Any])


class Decorator(Protocol):
    """A decorator that keeps the view's signature (for mypy's sake)."""

    def __call__(self, view: View, /) -> View: ...


class ApiBlueprint(Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint, with bodies read by `JsonBodyParser` (JSON or 415), and
    each view run on one database connection per pool (`tracker.pinning`).

    flask-smorest ships no type hints; these signatures let mypy check the views.
    """

    ARGUMENTS_PARSER = JsonBodyParser()

    def add_url_rule(
        self, rule: str, endpoint: Any = None, view_func: Any = None, *args: Any, **options: Any
    ) -> None:
        if callable(view_func) and not isinstance(view_func, type):
            view_func = one_connection(view_func)
        super().add_url_rule(rule, endpoint, view_func, *args, **options)

    def route(self, rule: str, **options: Any) -> Decorator:
        return cast(Decorator, super().route(rule, **options))

    def get(self, rule: str, **options: Any) -> Decorator:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Decorator:
        return self.route(rule, methods=["POST"], **options)

    def put(self, rule: str, **options: Any) -> Decorator:
        return self.route(rule, methods=["PUT"], **options)

    def patch(self, rule: str, **options: Any) -> Decorator:
        return self.route(rule, methods=["PATCH"], **options)

    def arguments(self, schema: Any, **options: Any) -> Decorator:
        """Parse and validate a request part (the JSON body by default) with a schema.

        A schema class is made into an instance here, once: webargs would otherwise build
        it (and copy its fields, nested schemas included) on every request. Our schemas
        keep no state between loads, so one instance serves every request.
        """
        instance = schema() if isinstance(schema, type) else schema
        return cast(Decorator, super().arguments(instance, **options))

    def response(self, status: int, schema: Any = None, **options: Any) -> Decorator:
        """Render what the view returns with a schema, under a success status.

        Records and receipts of writes carry their version as ETag, and a create the
        Location to read it: the OpenAPI document says so here, from the schema.
        """
        headers: dict[str, Any] = {}
        schema_class = schema if isinstance(schema, type) else type(schema)
        if issubclass(schema_class, RecordSchema | ReceiptSchema):
            headers["ETag"] = "ETAG"  # flask-smorest's header component
        if status == 201:
            headers["Location"] = LOCATION_HEADER
        options.setdefault("headers", headers or None)
        return cast(Decorator, super().response(status, schema, **options))

    def alt_response(self, status: int, **options: Any) -> Decorator:
        """Document another response the view may give (a problem, usually)."""
        return cast(Decorator, super().alt_response(status, **options))


def one_connection(view: View) -> View:
    """Run the view (not what a streamed response yields afterwards) with one connection
    per PostgreSQL pool: the events' and the views'. Nothing changes on SQLite."""

    @wraps(view)
    def pinned(*args: Any, **kwargs: Any) -> Any:
        with one_connection_each(request_datastores()):
            return view(*args, **kwargs)

    return cast(View, pinned)


def request_datastores() -> list[object]:
    """The datastores a request may read: the events' and, once opened, the views'."""
    found = [getattr(get_tracker().factory, "datastore", None)]
    projections = current_app.extensions.get("projections")  # tracker.web.read_models
    if projections is not None:
        found.append(projections.datastore())
    return found
