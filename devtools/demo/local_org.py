"""Org config for local, single-operator runs (``opsbot demo``): the tour's user is the admin.

Roles are secure by default (no ``roles:`` = nobody beyond everyone-level), so a local tour that
shows revenue-cycle KPIs and manager actions must say who its user is, explicitly.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from devtools.signing import slash_command_body  # noqa: F401  (the default user id below matches it)

LOCAL_USER = "U0LOCAL"

def local_admin_config(directory: Path, user_id: str = LOCAL_USER, base: Path | None = None) -> Path:
    """Write ``directory/opsbot-local-org.yml``: ``base`` (if any) plus ``roles: {admin: [user_id]}``."""
    raw = yaml.safe_load(base.read_text(encoding="utf-8")) if base is not None else {}
    raw = raw or {}
    raw["roles"] = {**(raw.get("roles") or {}), "admin": [user_id]}
    path = directory / "opsbot-local-org.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path
