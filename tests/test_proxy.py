"""Slow clients: three of them take both sync gunicorn workers, but not behind the README's nginx.

The nginx configuration is deploy/nginx-spt-match.conf, shown verbatim in the README. The test
runs it on loopback (plain HTTP instead of TLS, the test's gunicorn as upstream) in front of
`gunicorn -c python:spt.gunicorn_conf spt.wsgi:app` with 2 workers.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = ROOT / "deploy" / "nginx-spt-match.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
BOUND_S = 60  # bounds against a hang, never assertions on speed
SLOW_CLIENTS = 3

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install "
                                                      "nginx; .ci/run does)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/healthz") -> None:
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline:
        try:
            if get(port, path, timeout=2).startswith("HTTP/1.1 200"):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answers on {port}")


def get(port: int, path: str, *, timeout: float) -> str:
    """One plain GET; the status line and headers of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                     .encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode("latin-1")


def slow_clients(port: int) -> list[socket.socket]:
    """Clients that send half a request and then nothing (a bad mobile link, or slowloris)."""
    clients = []
    for _ in range(SLOW_CLIENTS):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"POST /inloggen HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=a")
        clients.append(sock)
    time.sleep(0.5)  # let the server take them up (a pause for ordering, not a measurement)
    return clients


@pytest.fixture
def gunicorn(app, tmp_path):
    port = free_port()
    env = {**os.environ, "SPT_DATABASE_URL": app.config["DATABASE_URL"], "SPT_WEB_WORKERS": "2",
           "SPT_WEB_BIND": f"127.0.0.1:{port}", "SPT_WEB_TIMEOUT": "60"}
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                                "python:spt.gunicorn_conf", "spt.wsgi:app"], env=env,
                               cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    try:
        wait_for(port)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_config(upstream: int, listen: int, tmp_path: Path) -> Path:
    """The README's snippet for a loopback test: plain HTTP, this test's ports and folders."""
    snippet = SNIPPET.read_text()
    snippet = snippet.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    snippet = snippet.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen};")
    snippet = re.sub(r"^\s*ssl_certificate.*$", "", snippet, flags=re.M)
    (tmp_path / "spt-match.conf").write_text(snippet)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = tmp_path / "nginx.conf"
    main.write_text(f"""{user}worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/spt-match.conf;
}}
""")
    return main


@pytest.fixture
def nginx(gunicorn, tmp_path):
    port = free_port()
    config = nginx_config(gunicorn, port, tmp_path)
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(config)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-g",
                                "daemon off;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        yield port
    finally:
        process.terminate()
        process.wait(30)


def test_the_readme_shows_the_tested_snippet():
    readme = (ROOT / "README.md").read_text()
    assert SNIPPET.read_text().strip() in readme


def test_without_the_proxy_three_slow_clients_take_every_worker(gunicorn):
    """The fault the proxy is for: sync workers wait for the slow clients' bytes."""
    clients = slow_clients(gunicorn)
    try:
        with pytest.raises(TimeoutError):
            get(gunicorn, "/healthz", timeout=3)
    finally:
        for sock in clients:
            sock.close()


def test_behind_nginx_the_site_answers_while_slow_clients_hang_on(nginx):
    clients = slow_clients(nginx)
    try:
        answer = get(nginx, "/inloggen", timeout=BOUND_S)
        assert answer.startswith("HTTP/1.1 200"), answer[:200]
        for sock in clients:  # they are still connected and still unanswered
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in clients:
            sock.close()
