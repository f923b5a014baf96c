"""The deployment for real: gunicorn workers, `tracker project`, metrics, readiness, SIGTERM."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.deploy.conftest import (
    credentials_at,
    get,
    post,
    projecting,
    serving,
    wait_until,
)

pytestmark = pytest.mark.slow


def requests_counted(base: str, route: str) -> float:
    """tracker_http_requests_total for GET `route` with status 200, from one scrape."""
    status, text = get(f"{base}/metrics")
    assert status == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "tracker_http_requests_total"
        and sample.labels == {"method": "GET", "route": route, "status": "200"}
    )


def test_metrics_add_up_every_workers_requests(sqlite_url: str, tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    with serving(sqlite_url, tmp_path, workers=3, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as s:
        sent = 0

        def workers_counting() -> int:
            return len(list(metrics_dir.glob("counter_*.db")))

        with ThreadPoolExecutor(max_workers=8) as pool:
            while workers_counting() < 2 and sent < 2000:
                statuses = list(pool.map(lambda _: get(f"{s.base}/api/v1/ping")[0], range(40)))
                assert statuses == [200] * 40
                sent += 40
        assert workers_counting() >= 2, "every request went to one worker"

        # Whichever worker answers the scrape, it counts every worker's requests.
        assert [requests_counted(s.base, "/api/v1/ping") for _ in range(4)] == [sent] * 4


def test_sigterm_lets_a_request_in_flight_finish(sqlite_url: str, tmp_path: Path) -> None:
    integrator = credentials_at(sqlite_url, "integrator", "read:events")
    with serving(sqlite_url, tmp_path, workers=1) as server:
        answer: dict[str, Any] = {}

        def long_poll() -> None:  # the feed holds it open for 6 s: nothing new arrives
            started = time.monotonic()
            answer["status"], answer["body"] = get(
                f"{server.base}/api/v1/events?after=0&wait=6", integrator, timeout=30
            )
            answer["seconds"] = time.monotonic() - started

        client = threading.Thread(target=long_poll)
        client.start()
        time.sleep(2.5)  # the request is in the worker now
        server.process.send_signal(signal.SIGTERM)
        client.join(30)
        assert server.stop() == 0, server.output()

    assert answer["status"] == 200, answer
    assert answer["seconds"] > 5.5  # finished its wait: not cut short by the shutdown
    assert "Worker exiting" in server.output()


@pytest.mark.postgres
def test_workers_and_a_projector_on_postgres_are_ready_with_no_lag(
    postgres_url: str, tmp_path: Path
) -> None:
    ada = credentials_at(postgres_url, "ada", "read:plan", "write:plan")
    with (
        serving(postgres_url, tmp_path, workers=2) as server,
        projecting(postgres_url, tmp_path, "projector"),
    ):
        status, _ = post(f"{server.base}/api/v1/plans", {"mentee_id": "ada"}, ada)
        assert status == 201

        def ready_with_no_lag() -> bool:
            status, body = get(f"{server.base}/readyz")
            return (
                status == 200
                and body["head"] == 1
                and {view["lag"] for view in body["views"].values()} == {0}
            )

        wait_until(ready_with_no_lag, 30, "the projector to apply the write")
        assert "Run `tracker project` alongside" in server.output()
