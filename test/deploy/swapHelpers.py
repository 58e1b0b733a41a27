# Stand-ins for what a Docker host gives the proxy during a side-by-side replacement, on loopback:
#   dns <port> <answers.json>   Docker's embedded DNS: A records for a name from a file the test
#                               rewrites as containers join and leave the network alias.
#                               Every answer is logged to <answers.json>.log (the IPs, one line).
#   backend <ip> <port> <id> <go-file>  an app container: listens only once <go-file> exists (its
#                               start-up, as long as the test wants), answers GET with its id, and
#                               on SIGTERM drains like uvicorn: stops accepting, finishes requests
#                               in flight, then exits.
import json, os, signal, socket, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def answer(data, answers_file):
    (qid, _flags, qdcount) = struct.unpack(">HHH", data[:6])
    i, labels = 12, []
    while data[i] != 0:
        labels.append(data[i + 1 : i + 1 + data[i]].decode())
        i += 1 + data[i]
    question = data[12 : i + 5]
    qtype = struct.unpack(">H", data[i + 1 : i + 3])[0]
    with open(answers_file) as f:
        table = json.load(f)
    ips = table.get(labels[0]) if labels else None
    if ips is None:
        return struct.pack(">HHHHHH", qid, 0x8183, qdcount, 0, 0, 0) + question  # NXDOMAIN
    records = ips if qtype == 1 else []
    with open(answers_file + ".log", "a") as log:
        log.write(" ".join(records) + "\n")
    body = b"".join(struct.pack(">HHHIH", 0xC00C, 1, 1, 0, 4) + socket.inet_aton(ip) for ip in records)
    return struct.pack(">HHHHHH", qid, 0x8180, qdcount, len(records), 0, 0) + question + body


def dns(port, answers_file):
    # Caddy's resolver for dynamic upstreams asks over TCP; plain resolvers over UDP. Serve both.
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(16)

    def serve_tcp():
        while True:
            conn, _ = tcp.accept()
            with conn:
                try:
                    while True:
                        head = conn.recv(2)
                        if len(head) < 2:
                            break
                        (n,) = struct.unpack(">H", head)
                        data = b""
                        while len(data) < n:
                            chunk = conn.recv(n - len(data))
                            if not chunk:
                                break
                            data += chunk
                        reply = answer(data, answers_file)
                        conn.sendall(struct.pack(">H", len(reply)) + reply)
                except Exception:  # one bad exchange must not stop the server
                    pass

    threading.Thread(target=serve_tcp, daemon=True).start()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    while True:
        data, peer = udp.recvfrom(512)
        try:
            udp.sendto(answer(data, answers_file), peer)
        except Exception:
            pass


def backend(ip, port, ident, go_file):
    active = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 2  # idle keep-alive connections end on their own

        def do_GET(self):
            with lock:
                active[0] += 1
            try:
                time.sleep(0.01)  # a little work, so requests are in flight when the stop comes
                body = ident.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                with lock:
                    active[0] -= 1

        def log_message(self, *args):
            pass

    deadline = time.time() + 120  # bounded: a test that never says go still ends
    while not os.path.exists(go_file) and time.time() < deadline:
        time.sleep(0.01)
    server = ThreadingHTTPServer((ip, port), Handler)
    server.daemon_threads = True

    def drain(*_):
        def stop():
            server.shutdown()
            server.server_close()  # new connections are refused from here on
            deadline = time.time() + 10
            while active[0] > 0 and time.time() < deadline:
                time.sleep(0.01)
            os._exit(0)

        threading.Thread(target=stop).start()

    signal.signal(signal.SIGTERM, drain)
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "dns":
        dns(int(sys.argv[2]), sys.argv[3])
    else:
        backend(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
