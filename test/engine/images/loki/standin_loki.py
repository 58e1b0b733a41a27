"""Loki STAND-IN for the engine tests: the HTTP API the stack uses, nothing more.

Reads -config.file (server.http_listen_port, common.path_prefix); answers /ready, accepts JSON
pushes on /loki/api/v1/push (Loki's documented JSON body), stores the lines under path_prefix,
lists series on /loki/api/v1/series and /loki/api/v1/labels, answers /loki/api/v1/query_range
for stream selectors, and exports loki_distributor_lines_received_total on /metrics, counted
from what it really received. Exits on SIGTERM.
"""
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import yaml

config_path = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("-config.file=")), "/etc/loki/local-config.yaml")
with open(config_path) as f:
    config = yaml.safe_load(f) or {}
PORT = int(((config.get("server") or {}).get("http_listen_port")) or 3100)
DATA = ((config.get("common") or {}).get("path_prefix")) or "/loki"
STORE = os.path.join(DATA, "standin-entries.jsonl")
os.makedirs(DATA, exist_ok=True)

lock = threading.Lock()
streams = {}  # frozenset(labels) -> list of (ns, line)
received = {"lines": 0, "bytes": 0}
started = time.time()


def add(labels, values):
    key = frozenset(labels.items())
    with lock:
        entries = streams.setdefault(key, [])
        for ts, line in values:
            entries.append((int(ts), line))
            received["lines"] += 1
            received["bytes"] += len(line)


# Lines received before a restart are kept on the volume, as Loki keeps its chunks.
if os.path.exists(STORE):
    with open(STORE) as f:
        for row in f:
            try:
                r = json.loads(row)
            except ValueError:
                continue
            add(r["stream"], r["values"])
    received["lines"] = received["bytes"] = 0

MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')


def parse_selector(text):
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError("not a stream selector: %s" % text)
    body, matchers, pos = text[1:-1], [], 0
    while pos < len(body):
        m = MATCHER.match(body, pos)
        if not m:
            raise ValueError("cannot parse %s" % text)
        matchers.append((m.group(1), m.group(2), json.loads('"%s"' % m.group(3))))
        pos = m.end()
    return matchers


def matches(labels, matchers):
    for name, op, value in matchers:
        have = labels.get(name, "")
        if op == "=" and have != value:
            return False
        if op == "!=" and have == value:
            return False
        if op == "=~" and not re.fullmatch(value, have):
            return False
        if op == "!~" and re.fullmatch(value, have):
            return False
    return True


def metrics():
    return (
        "# TYPE loki_distributor_lines_received_total counter\n"
        'loki_distributor_lines_received_total{tenant="fake"} %d\n'
        "# TYPE loki_distributor_bytes_received_total counter\n"
        'loki_distributor_bytes_received_total{tenant="fake"} %d\n'
        "# TYPE loki_build_info gauge\n"
        'loki_build_info{version="3.5.12-standin"} 1\n' % (received["lines"], received["bytes"])
    )


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        if url.path == "/ready":
            return self.reply(200, "ready\n", "text/plain")
        if url.path == "/metrics":
            return self.reply(200, metrics(), "text/plain; version=0.0.4")
        try:
            if url.path == "/loki/api/v1/series":
                selectors = [parse_selector(s) for s in q.get("match[]", [])] or [[]]
                with lock:
                    found = [dict(k) for k in streams if any(matches(dict(k), s) for s in selectors)]
                return self.reply(200, {"status": "success", "data": found})
            if url.path == "/loki/api/v1/labels":
                with lock:
                    names = sorted({n for k in streams for n, _ in k})
                return self.reply(200, {"status": "success", "data": names})
            if url.path in ("/loki/api/v1/query_range", "/loki/api/v1/query"):
                selector = parse_selector(q.get("query", ["{}"])[0])
                limit = int(q.get("limit", ["100"])[0])
                with lock:
                    result = [
                        {"stream": dict(k), "values": [[str(ts), line] for ts, line in v[-limit:]]}
                        for k, v in streams.items()
                        if matches(dict(k), selector)
                    ]
                return self.reply(200, {"status": "success", "data": {"resultType": "streams", "result": result}})
        except ValueError as e:
            return self.reply(400, str(e) + "\n", "text/plain")
        return self.reply(404, "404 page not found\n", "text/plain")

    def do_POST(self):
        if urlparse(self.path).path != "/loki/api/v1/push":
            return self.reply(404, "404 page not found\n", "text/plain")
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            return self.reply(415, "the stand-in accepts JSON pushes only\n", "text/plain")
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        with open(STORE, "a") as f:
            for s in body.get("streams", []):
                add(s["stream"], s["values"])
                f.write(json.dumps({"stream": s["stream"], "values": s["values"]}) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, fmt, *args):
        pass


server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
print(json.dumps({"level": "info", "msg": "Loki stand-in started", "port": PORT}), flush=True)
server.serve_forever()
