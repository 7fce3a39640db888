"""Usage events for the operator's dashboard."""

import requests


def post_event(payload: dict) -> None:
    requests.post("https://telemetry.example/v1/events", json=payload, timeout=5)
