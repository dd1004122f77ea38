"""The HTTP interface: the JSON API, the help-request and chat pages, and the suggest widget (FastAPI)."""

from bots.http.app import create_app

__all__ = ["create_app"]
