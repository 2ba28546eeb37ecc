from factcheck.accounts.roles import Cap, user_caps


def roles(request) -> dict:
    """Expose `can.review`, `can.approve`, ... to templates (the server checks again on every action)."""
    caps = user_caps(request.user) if hasattr(request, "user") else frozenset()
    return {"can": {cap.name.lower(): cap in caps for cap in Cap}}
