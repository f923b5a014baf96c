"""JSON out: dates and times as ISO 8601 strings (Flask's default would write HTTP dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.json.provider import DefaultJSONProvider


class IsoJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing `date` and `datetime` values as ISO 8601."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
