"""nginx in front of N ``opsbot serve`` replicas, for the replica tests and the replica load test
(``bench/loadtest_replicas.py``): configured from the reference files in ``deploy/nginx/`` (only the
upstream ports and the temp paths differ), everything on 127.0.0.1. Developer tooling: needs no
pytest."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from devtools.standin.process import REPO, http

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
DEPLOY = REPO / "deploy" / "nginx"


def nginx_config(tmp: Path, listen_port: int, replica_ports: list[int]) -> Path:
    """A complete nginx.conf in ``tmp``: the reference upstream (ports replaced) and locations."""
    upstream = (DEPLOY / "opsbot-upstream.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in replica_ports)
    upstream = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", servers, upstream)
    (tmp / "opsbot-upstream.conf").write_text(upstream)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(exist_ok=True)
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    conf = f"""{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/opsbot-upstream.conf;
    server {{
        listen 127.0.0.1:{listen_port};
        include {DEPLOY}/opsbot-locations.conf;
    }}
}}
"""
    path = tmp / "nginx.conf"
    path.write_text(conf)
    return path


class Nginx:
    """nginx in the foreground with our config; a context manager that always stops it."""

    def __init__(self, tmp: Path, listen_port: int, replica_ports: list[int]) -> None:
        assert NGINX is not None, "nginx is not installed"
        self.nginx: str = NGINX
        self.conf = nginx_config(tmp, listen_port, replica_ports)
        self.url = f"http://127.0.0.1:{listen_port}"
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Nginx:
        check = subprocess.run([self.nginx, "-t", "-c", str(self.conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.proc = subprocess.Popen([self.nginx, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if http("GET", self.url + "/healthz", timeout=2)[0] in (200, 502, 503):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start:\n" + self.error_log())

    def error_log(self) -> str:
        path = self.tmp / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
