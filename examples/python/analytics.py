"""Usage analytics for the operator's dashboard."""

import time

import httpx

import config


def record(event: str, data: dict) -> None:
    """Send one usage event, with whatever context the caller passes."""
    httpx.post(
        config.TELEMETRY_URL,
        json={"event": event, "data": data, "ts": time.time()},
        headers={"Authorization": f"Bearer {config.TELEMETRY_TOKEN}"},
        timeout=2,
    )
