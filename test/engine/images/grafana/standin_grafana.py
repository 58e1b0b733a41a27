"""Grafana STAND-IN for the engine tests: the parts of Grafana the stack relies on.

`grafana server`: on first start (no database under GF_PATHS_DATA) creates the admin user from
GF_SECURITY_ADMIN_USER / GF_SECURITY_ADMIN_PASSWORD, as Grafana reads them only then; provisions
the datasources and the dashboard files named under GF_PATHS_PROVISIONING (a file that does not
parse fails the start); serves /api/health, /api/datasources, /api/search, /api/dashboards/uid/…
with basic auth, /metrics, and a login page. `grafana cli [--homepath H] admin
reset-admin-password --password-from-stdin` changes the stored password. Nothing is fetched from
anywhere. Exits on SIGTERM.
"""
import base64
import glob
import hashlib
import hmac
import json
import os
import secrets
import signal
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

DATA = os.environ.get("GF_PATHS_DATA", "/var/lib/grafana")
PROVISIONING = os.environ.get("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning")
DB = os.path.join(DATA, "grafana.db")


def encode(password, salt):
    # Grafana's util.EncodePassword: PBKDF2-SHA256, 10000 rounds, 50 bytes, hex.
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 10000, 50).hex()


def connect():
    db = sqlite3.connect(DB)
    db.execute("CREATE TABLE IF NOT EXISTS user (login TEXT PRIMARY KEY, password TEXT, salt TEXT)")
    return db


def set_password(login, password):
    salt = secrets.token_hex(5)
    with connect() as db:
        db.execute("INSERT OR REPLACE INTO user VALUES (?, ?, ?)", (login, encode(password, salt), salt))


def cli(args):
    rest, skip = [], False
    for a in args:  # global flags: --homepath H, --homepath=H
        if skip or a.startswith("--homepath="):
            skip = False
        elif a == "--homepath":
            skip = True
        else:
            rest.append(a)
    if rest[:2] != ["admin", "reset-admin-password"]:
        sys.exit("stand-in grafana cli: only `admin reset-admin-password` is implemented")
    if "--password-from-stdin" in rest:
        password = sys.stdin.read().rstrip("\n")
    else:
        password = rest[2]
    if not os.path.exists(DB):
        sys.exit("Error: no database at %s" % DB)
    set_password(os.environ.get("GF_SECURITY_ADMIN_USER", "admin"), password)
    print("Admin password changed successfully ✔")


def provision():
    sources, dashboards = [], {}
    for path in sorted(glob.glob(os.path.join(PROVISIONING, "datasources", "*.y*ml"))):
        with open(path) as f:
            sources += (yaml.safe_load(f) or {}).get("datasources", [])
    for path in sorted(glob.glob(os.path.join(PROVISIONING, "dashboards", "*.y*ml"))):
        with open(path) as f:
            for provider in (yaml.safe_load(f) or {}).get("providers", []):
                folder = provider.get("options", {}).get("path")
                for file in sorted(glob.glob(os.path.join(folder, "*.json"))):
                    with open(file) as d:
                        dashboard = json.load(d)
                    dashboards[dashboard["uid"]] = {"dashboard": dashboard, "folder": provider.get("folder", "")}
    return sources, dashboards


def serve():
    if not os.path.exists(DB):
        set_password(os.environ.get("GF_SECURITY_ADMIN_USER", "admin"), os.environ.get("GF_SECURITY_ADMIN_PASSWORD", "admin"))
    sources, dashboards = provision()
    print(json.dumps({"level": "info", "msg": "Grafana stand-in started", "datasources": len(sources), "dashboards": len(dashboards)}), flush=True)

    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body, ctype="application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def authorised(self):
            header = self.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return False
            login, _, password = base64.b64decode(header[6:]).decode().partition(":")
            with connect() as db:
                row = db.execute("SELECT password, salt FROM user WHERE login = ?", (login,)).fetchone()
            return row is not None and hmac.compare_digest(row[0], encode(password, row[1]))

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/api/health":
                return self.reply(200, {"database": "ok", "version": "stand-in"})
            if path == "/metrics":
                return self.reply(200, '# TYPE grafana_build_info gauge\ngrafana_build_info{version="stand-in"} 1\n', "text/plain; version=0.0.4")
            if path in ("/", "/login"):
                return self.reply(200, "<html><body>Grafana stand-in: log in</body></html>", "text/html")
            if not path.startswith("/api/"):
                return self.reply(404, {"message": "Not found"})
            if not self.authorised():
                return self.reply(401, {"message": "Invalid username or password"})
            if path == "/api/datasources":
                return self.reply(200, sources)
            if path == "/api/search":
                return self.reply(200, [{"uid": u, "title": d["dashboard"].get("title"), "folderTitle": d["folder"]} for u, d in dashboards.items()])
            if path.startswith("/api/dashboards/uid/") and path.rsplit("/", 1)[1] in dashboards:
                return self.reply(200, {"dashboard": dashboards[path.rsplit("/", 1)[1]]["dashboard"]})
            return self.reply(404, {"message": "Not found"})

        def log_message(self, fmt, *a):
            pass

    server = ThreadingHTTPServer(("0.0.0.0", 3000), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv[:1] == ["cli"]:
        cli(argv[1:])
    elif argv[:1] in (["server"], []):
        serve()
    else:
        sys.exit("stand-in grafana: `server` or `cli`")
