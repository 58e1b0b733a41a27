"""Alloy STAND-IN for the engine tests: runs the log pipeline the program's config describes.

From the config file it takes discovery.docker (host, refresh_interval, label filters), the
discovery.relabel rules (Prometheus relabelling, action replace), the level label of loki.process
and loki.write's endpoint URL; anything else in the file is ignored (its syntax is checked by the
unit tests). Every refresh it lists the matching containers through the Docker API, polls each
one's log, and pushes the lines as JSON to Loki, with retries. /-/ready, /metrics
(loki_write_sent_entries_total, loki_write_dropped_entries_total) on --server.http.listen-addr.
"""
import http.client
import json
import re
import signal
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlparse

args = sys.argv[1:]
if not args or args[0] != "run":
    sys.exit("usage: alloy run [flags] <config>")
flags = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in args[1:] if a.startswith("--") and "=" in a}
config_file = [a for a in args[1:] if not a.startswith("--")][-1]
text = open(config_file).read()


def block(kind):
    """The body of the first `kind "label" { … }` block, braces balanced."""
    m = re.search(re.escape(kind) + r'\s+"[^"]*"\s*\{', text)
    if not m:
        raise SystemExit("config has no %s block" % kind)
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[m.end() : i - 1]


def string(body, name, default=None):
    m = re.search(r"\b" + name + r'\s*=\s*"((?:[^"\\]|\\.)*)"', body)
    return json.loads('"%s"' % m.group(1)) if m else default


def strings(body, name):
    m = re.search(r"\b" + name + r"\s*=\s*\[([^\]]*)\]", body)
    return [json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1))] if m else []


docker_block = block("discovery.docker")
DOCKER_SOCKET = urlparse(string(docker_block, "host")).path
REFRESH = float(string(docker_block, "refresh_interval", "60s").rstrip("s"))
FILTERS = strings(docker_block, "values")
RULES = [
    {
        "source_labels": strings(r, "source_labels"),
        "regex": string(r, "regex", "(.*)"),
        "target_label": string(r, "target_label"),
        "replacement": string(r, "replacement", "$1"),
    }
    for r in re.findall(r"rule\s*\{([^}]*)\}", block("discovery.relabel"))
]
LOKI_URL = string(block("loki.write"), "url")
LISTEN = flags.get("--server.http.listen-addr", "127.0.0.1:12345")


def relabel(meta):
    labels = dict(meta)
    for r in RULES:
        value = ";".join(labels.get(s, "") for s in r["source_labels"])
        m = re.fullmatch(r["regex"], value)
        if m:
            out = re.sub(r"\$(\d+)", lambda g: m.group(int(g.group(1))) or "", r["replacement"])
            if out:
                labels[r["target_label"]] = out
            else:
                labels.pop(r["target_label"], None)
    return {k: v for k, v in labels.items() if not k.startswith("__")}


class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(DOCKER_SOCKET)


def docker(path):
    c = UnixConnection("docker", timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        raise RuntimeError("docker %s: %s %s" % (path, r.status, body[:200]))
    return body


def frames(raw):
    """Demultiplexes a non-TTY log stream: 8-byte headers, then the payload."""
    out, i = [], 0
    while i + 8 <= len(raw):
        size = int.from_bytes(raw[i + 4 : i + 8], "big")
        out.append(raw[i + 8 : i + 8 + size].decode("utf-8", "replace"))
        i += 8 + size
    return "".join(out).splitlines()


sent = dropped = 0
positions = {}  # container id -> unix time of the last line shipped


def push(streams):
    global sent, dropped
    entries = sum(len(s["values"]) for s in streams)
    body = json.dumps({"streams": streams}).encode()
    for attempt in range(3):
        try:
            req = urllib.request.Request(LOKI_URL, data=body, headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=10).read()
            sent += entries
            return
        except Exception as e:  # noqa: BLE001 - any failure is retried, then counted as dropped
            print(json.dumps({"level": "warn", "msg": "push failed", "attempt": attempt + 1, "err": str(e)}), flush=True)
            time.sleep(1 + attempt)
    dropped += entries


def ship_once():
    query = quote(json.dumps({"label": FILTERS})) if FILTERS else ""
    containers = json.loads(docker("/containers/json?filters=%s" % query))
    streams = []
    for c in containers:
        meta = {"__meta_docker_container_name": c["Names"][0], "__meta_docker_container_id": c["Id"]}
        for k, v in (c.get("Labels") or {}).items():
            meta["__meta_docker_container_label_" + re.sub(r"[^a-zA-Z0-9_]", "_", k)] = v
        labels = relabel(meta)
        # A container seen for the first time is read from its start (no saved position yet).
        since = positions.get(c["Id"], 0.0)
        raw = docker("/containers/%s/logs?stdout=1&stderr=1&timestamps=1&since=%.9f" % (c["Id"], since))
        by_level = {}
        for line in frames(raw):
            stamp, _, message = line.partition(" ")
            t = time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone + float("0." + (stamp[20:-1] or "0"))
            if t <= since:
                continue
            positions[c["Id"]] = max(positions.get(c["Id"], since), t)
            level = ""
            if labels.get("service"):
                try:
                    level = str(json.loads(message).get("level") or "").lower()
                except (ValueError, AttributeError):
                    level = ""
            by_level.setdefault(level, []).append([str(int(t * 1e9)), message])
        for level, values in by_level.items():
            streams.append({"stream": dict(labels, **({"level": level} if level else {})), "values": values})
    if streams:
        push(streams)


def loop():
    # Containers are listed and their logs read every few seconds (the real one tails them).
    while True:
        try:
            ship_once()
        except Exception as e:  # noqa: BLE001 - the loop goes on, as Alloy's components retry
            print(json.dumps({"level": "error", "msg": "shipping failed", "err": str(e)}), flush=True)
        time.sleep(min(REFRESH, 2))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path in ("/-/ready", "/-/healthy"):
            body, ctype = "Alloy is ready.\n", "text/plain"
        elif self.path == "/metrics":
            ctype = "text/plain; version=0.0.4"
            body = (
                "# TYPE loki_write_sent_entries_total counter\n"
                'loki_write_sent_entries_total{component_id="loki.write.loki",host="%s"} %d\n'
                "# TYPE loki_write_dropped_entries_total counter\n"
                'loki_write_dropped_entries_total{component_id="loki.write.loki",host="%s",reason="error"} %d\n'
                % (urlparse(LOKI_URL).netloc, sent, urlparse(LOKI_URL).netloc, dropped)
            )
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *a):
        pass


host, port = LISTEN.rsplit(":", 1)
server = ThreadingHTTPServer((host, int(port)), Handler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
threading.Thread(target=loop, daemon=True).start()
print(json.dumps({"level": "info", "msg": "Alloy stand-in started", "loki": LOKI_URL, "filters": FILTERS}), flush=True)
server.serve_forever()
