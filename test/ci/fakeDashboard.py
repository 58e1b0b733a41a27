# The dashboard behind the proxy, for the dry run of the integration workflow's bump step: answers
# 200, or 502 while the flag file exists (the fake `pulumi up` creates it to simulate dropped requests).
# Every answer's status is appended to <flag file>.log, so the fake `pulumi up` can wait for requests
# instead of sleeping a fixed time that a busy machine outruns.
# Usage: fakeDashboard.py <port> <flag file>
import os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, flag = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 502 if os.path.exists(flag) else 200
        with open(flag + ".log", "a") as log:
            log.write("%d\n" % status)
        body = b"dashboard"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
