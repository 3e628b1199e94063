"""nginx in front of ``opsbot serve`` replicas: moved to :mod:`devtools.standin.nginx` (the load test in
``bench/`` uses it without pytest); the replica tests import it from here."""

from __future__ import annotations

from devtools.standin.nginx import DEPLOY, NGINX, Nginx, nginx_config

__all__ = ["DEPLOY", "NGINX", "Nginx", "nginx_config"]
