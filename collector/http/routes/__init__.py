"""The collector's HTTP routes, one router per resource; `collector/http/app.py` includes them."""
