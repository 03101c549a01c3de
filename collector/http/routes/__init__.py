"""The collector's HTTP routes, one router per resource; `collector/web/app.py` includes them."""
