"""HTTP API and web UI over a store (``parley serve``): see :mod:`parley.web.app`."""
from .app import MAX_TEXT, TOKEN_ENV, check_bind, create_app, is_loopback

__all__ = ["create_app", "check_bind", "is_loopback", "TOKEN_ENV", "MAX_TEXT"]
