"""The HTTP edge: body limits, hostile bodies, management auth, proxies, /metrics, fuzzing."""
