"""Add to a view's OpenAPI description the way flask-smorest's own decorators do.

flask-smorest gathers each operation's description from the view's ``_apidoc`` attribute;
our header decorators (who acts, which version) append their parameters and the problems
they may answer with, so the document stays generated from the code that does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from copy import deepcopy
from http import HTTPStatus
from typing import Any


def document(
    view: Callable[..., Any], *, parameters: Iterable[str] = (), responses: Iterable[int] = ()
) -> None:
    """Add parameter components (by name) and error responses (by status) to a view."""
    # A copy: functools.wraps shares the wrapped view's dict, which must not change.
    apidoc = deepcopy(getattr(view, "_apidoc", {}))
    apidoc.setdefault("arguments", {}).setdefault("parameters", []).extend(parameters)
    documented = apidoc.setdefault("response", {}).setdefault("responses", {})
    for status in responses:
        documented.setdefault(status, []).append(HTTPStatus(status).name)
    view._apidoc = apidoc  # type: ignore[attr-defined]
