"""MiniMarket demo stand-in: NOT the real service.

Runs from a public Python image (no build) in place of an app image that a newcomer cannot pull.
It answers /health and /metrics on the service's port so the rest of the stack (health-gated start
order, Prometheus scraping, dashboards, log shipping) has something real to talk to.
"""
import json
import os
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE = os.environ.get("STANDIN_SERVICE", "unknown")
PORT = int(os.environ.get("STANDIN_PORT", "8080"))
STARTED = time.time()
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
requests = {}  # (method, path, status) -> count
errors = {}
durations = {}  # path -> [bucket counts..., +Inf, sum]

# Business gauges each real service exposes, with plausible demo values.
SERVICE_METRICS = {
    "agente-deposito": [
        ("counter", "deposito_productos_procesados_total", "", lambda: int((time.time() - STARTED) / 6)),
        ("gauge", "deposito_productos_por_categoria", '{categoria="almacen"}', lambda: 120),
        ("gauge", "deposito_productos_por_categoria", '{categoria="bebidas"}', lambda: 80),
        ("gauge", "deposito_productos_por_categoria", '{categoria="limpieza"}', lambda: 45),
    ],
    "agente-negocio": [
        ("gauge", "negocio_stock_critico_productos", "", lambda: 0),
        ("counter", "negocio_ordenes_generadas_total", "", lambda: int((time.time() - STARTED) / 60)),
        ("gauge", "negocio_revenue_proyectado_ars", "", lambda: 1250000.0),
        ("gauge", "negocio_revenue_real_ars", "", lambda: 1190000.0),
        ("counter", "ocr_timeout_events_total", "", lambda: 0),
        ("counter", "ocr_errors_total", "", lambda: 0),
    ],
    "ml-service": [
        ("gauge", "ml_inflacion_calculada_percent", "", lambda: 4.6),
        ("gauge", "ml_inflacion_baseline_percent", "", lambda: 4.5),
        ("gauge", "ml_prediction_accuracy_percent", "", lambda: 91.0),
        ("gauge", "ml_model_drift_score", "", lambda: 0.04),
        ("counter", "ml_predictions_total", "", lambda: int((time.time() - STARTED) / 2)),
        ("counter", "ml_cache_hits_total", "", lambda: int((time.time() - STARTED) / 3)),
        ("counter", "ml_cache_misses_total", "", lambda: int((time.time() - STARTED) / 30)),
        ("counter", "ml_errors_total", "", lambda: 0),
        ("gauge", "ml_model_version_info", '{model_name="demand-forecast-standin"}', lambda: 1),
    ],
    "dashboard": [],
}


def log(level, message, **fields):
    # JSON lines, like the real services' structured logs, so log parsing can be exercised.
    record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "level": level, "message": message, "service": SERVICE, "standin": True}
    record.update(fields)
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def observe(method, path, status, seconds):
    key = (method, path, str(status))
    requests[key] = requests.get(key, 0) + 1
    if status >= 500:
        errors[key] = errors.get(key, 0) + 1
    d = durations.setdefault(path, [0] * (len(BUCKETS) + 1) + [0.0])
    for i, bound in enumerate(BUCKETS):
        if seconds <= bound:
            d[i] += 1
    d[len(BUCKETS)] += 1
    d[-1] += seconds


def labels(method, path, status):
    return 'service="%s",method="%s",path="%s",status="%s"' % (SERVICE, method, path, status)


def exposition():
    out = []
    out.append("# HELP http_requests_total Requests handled.\n# TYPE http_requests_total counter")
    for (m, p, s), n in sorted(requests.items()):
        out.append("http_requests_total{%s} %d" % (labels(m, p, s), n))
    out.append("# HELP http_errors_total Requests that failed with a 5xx status.\n# TYPE http_errors_total counter")
    for (m, p, s), n in sorted(errors.items()):
        out.append("http_errors_total{%s} %d" % (labels(m, p, s), n))
    out.append("# HELP http_request_duration_seconds Request latency.\n# TYPE http_request_duration_seconds histogram")
    for p, d in sorted(durations.items()):
        base = 'service="%s",path="%s"' % (SERVICE, p)
        for i, bound in enumerate(BUCKETS):
            out.append('http_request_duration_seconds_bucket{%s,le="%s"} %d' % (base, bound, d[i]))
        out.append('http_request_duration_seconds_bucket{%s,le="+Inf"} %d' % (base, d[len(BUCKETS)]))
        out.append("http_request_duration_seconds_sum{%s} %f" % (base, d[-1]))
        out.append("http_request_duration_seconds_count{%s} %d" % (base, d[len(BUCKETS)]))
    seen = set()
    for kind, name, lbl, value in SERVICE_METRICS.get(SERVICE, []):
        if name not in seen:
            out.append("# HELP %s Demo stand-in value.\n# TYPE %s %s" % (name, name, kind))
            seen.add(name)
        out.append("%s%s %s" % (name, lbl, value()))
    out.append("# HELP minimarket_standin_info This service is a demo stand-in, not the real image.\n# TYPE minimarket_standin_info gauge")
    out.append('minimarket_standin_info{service="%s"} 1' % SERVICE)
    return "\n".join(out) + "\n"


class Handler(BaseHTTPRequestHandler):
    server_version = "minimarket-standin"

    def do_GET(self):
        started = time.time()
        path = self.path.split("?")[0]
        if path == "/health":
            status, ctype, body = 200, "application/json", json.dumps({"status": "ok", "service": SERVICE, "standin": True})
        elif path == "/metrics":
            status, ctype, body = 200, "text/plain; version=0.0.4", exposition()
        elif path == "/":
            status, ctype = 200, "text/html; charset=utf-8"
            body = (
                "<h1>MiniMarket %s: demo stand-in</h1><p>This is not the real service. Set "
                "<code>services.%s.image</code> in the stack config to deploy the real image.</p>" % (SERVICE, SERVICE)
            )
        else:
            status, ctype, body = 404, "application/json", json.dumps({"detail": "not found", "standin": True})
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if path != "/metrics":
            observe("GET", path if status != 404 else "other", status, time.time() - started + random.uniform(0.001, 0.02))
        if path not in ("/health", "/metrics"):
            log("INFO", "request", method="GET", path=path, status=status)

    def log_message(self, fmt, *args):
        pass  # request lines go through log() as JSON instead


class Server(ThreadingHTTPServer):
    # Requests in flight finish before the process exits (server_close joins their threads).
    daemon_threads = False
    block_on_close = True


def stop(server):
    # As PID 1 of its container, the process gets no default SIGTERM action: without this handler
    # `docker stop` waits out the whole grace period and then kills it.
    def handler(signum, _frame):
        log("INFO", "stopping", signal=signal.Signals(signum).name)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


if __name__ == "__main__":
    log("WARNING", "demo stand-in for %s: not the real service" % SERVICE, port=PORT)
    server = Server(("0.0.0.0", PORT), Handler)
    stop(server)
    server.serve_forever()
    server.server_close()
    log("INFO", "stopped")
