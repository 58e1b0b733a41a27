# The GitHub REST API's issue comments, for the dry run of the preview workflow's publish step:
# GET /repos/{owner}/{repo}/issues/{n}/comments, POST to it, PATCH /repos/{owner}/{repo}/issues/comments/{id}.
# The comments and every request (method, path, body) are kept in a JSON file the test reads.
# Usage: fakeGithub.py <port> <state file>
import json, re, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, state_file = int(sys.argv[1]), sys.argv[2]


def load():
    try:
        with open(state_file) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"comments": [], "requests": []}


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, data):
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        s = load()
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        path = self.path.split("?")[0]
        s["requests"].append({"method": self.command, "path": path, "auth": self.headers.get("Authorization"), "body": body})
        listing = re.match(r"^/repos/[^/]+/[^/]+/issues/(\d+)/comments$", path)
        one = re.match(r"^/repos/[^/]+/[^/]+/issues/comments/(\d+)$", path)
        if listing and self.command == "GET":
            m = re.search(r"[?&]page=(\d+)", self.path)
            page = int(m.group(1)) if m else 1
            result = (200, s["comments"][(page - 1) * 100 : page * 100])
        elif listing and self.command == "POST":
            comment = {"id": 1000 + len(s["comments"]), "body": body["body"]}
            s["comments"].append(comment)
            result = (201, comment)
        elif one and self.command == "PATCH":
            comment = next(c for c in s["comments"] if c["id"] == int(one.group(1)))
            comment["body"] = body["body"]
            result = (200, comment)
        else:
            result = (404, {"message": "Not Found"})
        with open(state_file, "w") as f:
            json.dump(s, f)
        self.answer(*result)

    do_GET = do_POST = do_PATCH = handle_any

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
