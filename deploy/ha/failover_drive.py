#!/usr/bin/env python3
"""The client side of deploy/ha/failover-test-siaga.sh (issue 13 item 4).

Against two `siaga serve` nodes on the Patroni cluster: writers on both nodes (incidents of the
fire category, whose run card notifies DAMKAR's webhook, each retried with its Idempotency-Key
until answered 2xx, and telephony events, idempotent by event id), a stream client on each node,
a webhook stand-in for the outbox. After BEFORE_S seconds it SIGKILLs the PostgreSQL primary
(ha-cluster.sh kill-leader), RESTART_B_S seconds later SIGKILLs node B and starts it again (a
negative value keeps it), keeps writing until AFTER_S seconds after Patroni promoted a standby,
then proves:
  - every write answered 2xx is in the database (incidents by id, telephony events by event id),
    and no Idempotency-Key made two incidents;
  - each node's stream carried every committed event once, in seq order, resuming with ?after
    whenever it was cut;
  - the outbox delivered each of its DAMKAR notifications at least once;
and prints the write unavailability window. Exits 1 when a proof fails.

Python's standard library only (a small WebSocket client of its own).
"""
import base64
import http.client
import http.server
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PSQL = "/usr/lib/postgresql/15/bin/psql"
PASSWORD = "siaga112demo"


def log(*args):
    print("failover-test-siaga:", *args, flush=True)


def request(port, method, path, body=None, token=None, api_key=None, timeout=30, key=None):
    """One HTTP request; (status, parsed JSON or text). A failed connection is status 0. key:
    the Idempotency-Key header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if key:
        headers["Idempotency-Key"] = key
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    if token:
        headers["Authorization"] = "Bearer " + token
    if api_key:
        headers["X-Api-Key"] = api_key
    try:
        conn.request(method, path, body=body, headers=headers)
        res = conn.getresponse()
        data = res.read()
        try:
            return res.status, json.loads(data) if data else None, dict(res.getheaders())
        except ValueError:
            return res.status, data.decode(errors="replace"), dict(res.getheaders())
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e), {}
    finally:
        conn.close()


def psql(conninfo, sql):
    out = subprocess.run([PSQL, conninfo, "-Atq", "-c", sql], check=True, capture_output=True, text=True,
                         env=dict(os.environ, PGCONNECT_TIMEOUT="3"))
    return [line for line in out.stdout.splitlines() if line]


# ---------------------------------------------------------------------------------------------
# The outbox's webhook stand-in: records each delivery's Idempotency-Key (the outbox row's id).

class receiver:
    def __init__(self):
        self.keys = []
        self.lock = threading.Lock()
        outer = self

        class handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                with outer.lock:
                    outer.keys.append(self.headers.get("Idempotency-Key", ""))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---------------------------------------------------------------------------------------------
# A stream client: /api/v1/stream over a WebSocket of our own; when the stream is cut it
# connects again with ?after=<the last seq received>, as the consoles do.

class stream_client:
    def __init__(self, name, ports, token):
        """ports: the node's current port by name (a restarted node listens on a new one)."""
        self.name, self.ports, self.token = name, ports, token
        self.seqs = []
        self.start = None  # the hello's last_seq of the first connection
        self.resumes = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def last(self):
        return self.seqs[-1] if self.seqs else self.start

    def run(self):
        while not self.stop:
            try:
                self.session()
            except (OSError, ValueError) as e:
                self.error = str(e)
            if not self.stop:
                self.resumes += 1
                time.sleep(0.2)

    def session(self):
        path = "/api/v1/stream"
        if self.start is not None:
            path += "?after=%d" % self.last()
        sock = socket.create_connection(("127.0.0.1", self.ports[self.name]), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n"
                      % (path, key, self.token)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                raise OSError("closed during the handshake")
            head += chunk
        head, rest = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError("refused: " + head.split(b"\r\n")[0].decode())
        self.buf = rest
        self.sock = sock
        sock.settimeout(1.0)
        while not self.stop:
            message = self.frame()
            if message is None:
                continue
            m = json.loads(message)
            if m.get("type") == "hello" and self.start is None:
                self.start = m["last_seq"]
            elif m.get("type") == "event":
                self.seqs.append(int(m["event"]["seq"]))
        sock.close()

    def read(self, n):
        while len(self.buf) < n:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                if self.stop:
                    raise OSError("stopped")
                continue
            if not chunk:
                raise OSError("the stream was closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        """The next text message, None for a control frame; raises when the stream ends."""
        payload, text = b"", None
        while True:
            b0, b1 = self.read(2)
            opcode, length = b0 & 0x0F, b1 & 0x7F
            if length == 126:
                length = struct.unpack("!H", self.read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self.read(8))[0]
            mask = self.read(4) if b1 & 0x80 else None
            data = self.read(length)
            if mask:
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
            if opcode == 8:
                raise OSError("closed by the server")
            if opcode == 9:  # ping: answer pong (client frames are masked)
                m = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | len(data)]) + m + bytes(c ^ m[i % 4] for i, c in enumerate(data)))
                return None
            if opcode == 10:
                return None
            payload += data
            if b0 & 0x80:
                return payload.decode()


# ---------------------------------------------------------------------------------------------
# Writers. Each records (kind, key, answered_at) for every 2xx and the time of every failure.

class writers:
    def __init__(self):
        self.acks = []      # (kind, key, time)
        self.failures = []  # (time, status, message)
        self.lock = threading.Lock()
        self.stop = False
        self.threads = []
        self.replayed = 0  # incidents answered from an earlier attempt with the same key

    def ack(self, kind, key):
        with self.lock:
            self.acks.append((kind, key, time.time()))

    def fail(self, status, why):
        with self.lock:
            self.failures.append((time.time(), status, str(why)[:200]))

    def incidents(self, ports, node, token, category):
        """New incidents, one after another, each with an Idempotency-Key of its own (also in
        its summary) and retried with that key until answered 2xx, as the consoles do: a retry
        after an unknown outcome (503, a cut connection) answers the incident made the first
        time, never a second one."""
        while not self.stop:
            key = uuid.uuid4().hex
            body = {"category_id": category, "summary": "Uji failover " + key}
            while not self.stop:
                status, answer, headers = request(ports[node], "POST", "/api/v1/incidents", body, token=token, key=key)
                if status == 201:
                    self.ack("incident", answer["id"])
                    if headers.get("Idempotent-Replayed") == "true":
                        with self.lock:
                            self.replayed += 1
                    break
                self.fail(status, answer)
                time.sleep(0.2)

    def telephony(self, ports, node, api_key, name):
        """Ringing events, each retried with its event id until answered 2xx: the store keeps
        an event id once, so a retry after an unknown outcome is safe."""
        n = 0
        while not self.stop:
            n += 1
            event_id = "%s-%d-ring" % (name, n)
            body = {"event_id": event_id, "call_id": "%s-%d" % (name, n), "type": "ringing",
                    "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "caller": "081234%06d" % n,
                    "line": "112"}
            while not self.stop:
                status, answer, _ = request(ports[node], "POST", "/api/v1/telephony/events", body, api_key=api_key)
                if 200 <= status < 300:
                    self.ack("call_event", event_id)
                    break
                self.fail(status, answer)
                time.sleep(0.2)

    def start(self, target, *args):
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self.threads.append(t)

    def join(self):
        self.stop = True
        for t in self.threads:
            t.join(60)


def main():
    ha_dir, conninfo, work = sys.argv[1], sys.argv[2], sys.argv[3]
    ports = {name: int(open(os.path.join(work, "port." + name)).read()) for name in ("A", "B")}
    port_a = ports["A"]
    before, after = float(os.environ.get("BEFORE_S", "8")), float(os.environ.get("AFTER_S", "10"))
    restart_at = float(os.environ.get("RESTART_B_S", "3"))
    per_node = int(os.environ.get("WRITERS", "2"))
    ok = True

    _, admin, _ = request(port_a, "POST", "/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
    admin = admin["token"]
    _, ct, _ = request(port_a, "POST", "/api/v1/auth/login", {"username": "calltaker", "password": PASSWORD})
    ct = ct["token"]
    hook = receiver()
    _, agencies, _ = request(port_a, "GET", "/api/v1/agencies", token=admin)
    damkar = [a for a in agencies["items"] if a["code"] == "DAMKAR"][0]
    status, body, _ = request(port_a, "PUT", "/api/v1/agencies/" + damkar["id"], {
        "code": damkar["code"], "name": damkar["name"], "kind": damkar["kind"], "phone": damkar["phone"],
        "active": damkar["active"],
        "endpoints": [{"kind": "webhook", "url": hook.url, "secret": "DAMKAR-webhook-secret-2026"}]}, token=admin)
    assert status == 200, (status, body)
    status, key, _ = request(port_a, "POST", "/api/v1/api_keys", {"name": "uji failover"}, token=admin)
    assert status in (200, 201), (status, key)
    api_key = key["secret"]
    _, cats, _ = request(port_a, "GET", "/api/v1/categories", token=ct)
    fire = [c["id"] for c in cats["items"] if c["code"] == "fire"][0]

    streams = [stream_client("A", ports, ct), stream_client("B", ports, ct)]
    for _ in range(100):
        if all(s.start is not None for s in streams):
            break
        time.sleep(0.1)
    assert all(s.start is not None for s in streams), "the streams did not open"

    w = writers()
    for node in ("A", "B"):
        for i in range(per_node):
            w.start(w.incidents, ports, node, ct, fire)
        w.start(w.telephony, ports, node, api_key, "pbx%s%s" % (node, uuid.uuid4().hex[:6]))
    time.sleep(before)

    killed_at = time.time()
    old = subprocess.run(["bash", HERE + "/ha-cluster.sh", "kill-leader", ha_dir], check=True, capture_output=True,
                         text=True).stdout.strip()
    log("killed the primary %s" % old)
    if restart_at >= 0:
        # Node B dies too, mid-failover: its stream client resumes with ?after on the node
        # started again, its writers retry there (a session token is valid on every node).
        time.sleep(restart_at)
        pid = int(open(os.path.join(work, "pid.B")).read())
        os.kill(pid, 9)
        # A node refuses to start while no member accepts writes (a clear error at start);
        # as systemd's Restart=on-failure would, it is started again until it runs.
        tries, started = 0, False
        while not started and time.time() < killed_at + 120:
            tries += 1
            started = subprocess.run(["bash", os.path.join(work, "serve.sh"), "B"], capture_output=True).returncode == 0
            if not started:
                time.sleep(1)
        assert started, "node B did not start again within 120 s of the kill"
        ports["B"] = int(open(os.path.join(work, "port.B")).read())
        log("node B SIGKILLed %.1f s after the primary; started again on port %d %.1f s after the kill (%d starts tried)"
            % (restart_at, ports["B"], time.time() - killed_at, tries))
    new = subprocess.run(["bash", HERE + "/ha-cluster.sh", "wait-leader", ha_dir, old], check=True,
                         capture_output=True, text=True).stdout.strip()
    promoted_at = time.time()
    log("%s leads, %.1f s after the kill" % (new, promoted_at - killed_at))
    time.sleep(after)
    w.join()
    log("writers stopped; %d writes answered 2xx, %d refused or cut" % (len(w.acks), len(w.failures)))

    # Every 2xx write is in the database.
    ids = {k for kind, k, _ in w.acks if kind == "incident"}
    events = {k for kind, k, _ in w.acks if kind == "call_event"}
    stored_ids = set(psql(conninfo, "SELECT id FROM incidents"))
    stored_events = set(psql(conninfo, "SELECT event_id FROM call_events"))
    missing = (ids - stored_ids) | (events - stored_events)
    log("%d incidents and %d telephony events answered 2xx; %d of them missing" % (len(ids), len(events), len(missing)))
    if missing:
        ok = False
        log("missing:", sorted(missing)[:20])
    # Each Idempotency-Key made one incident, however often it was sent.
    twice = psql(conninfo, "SELECT summary FROM incidents WHERE summary LIKE 'Uji failover %' "
                           "GROUP BY summary HAVING COUNT(*) > 1")
    log("%d incidents answered from an earlier attempt with the same key; %d keys made more than one incident"
        % (w.replayed, len(twice)))
    if twice or sum(1 for kind, _, _ in w.acks if kind == "incident") != len(ids):
        ok = False  # a key made two incidents, or two keys were answered with one incident
    before_kill = sum(1 for _, _, t in w.acks if t < killed_at)
    log("answered 2xx: %d before the kill, %d after" % (before_kill, len(w.acks) - before_kill))

    # The write unavailability window: the longest time without any 2xx answer after the kill.
    times = sorted(t for _, _, t in w.acks)
    prev, window = killed_at, 0.0
    for t in times:
        if t >= killed_at:
            window = max(window, t - prev)
            prev = t
    statuses = {}
    for _, s, _ in w.failures:
        statuses[s] = statuses.get(s, 0) + 1
    log("writes unavailable for %.2f s (the longest time without a 2xx after the kill); refusals by status %s"
        % (window, json.dumps(statuses, sort_keys=True)))
    if w.failures:
        log("first refusal %.2f s, last %.2f s after the kill; e.g. %s"
            % (w.failures[0][0] - killed_at, w.failures[-1][0] - killed_at, w.failures[-1][2]))

    # Each stream: every committed event since it opened, once, in seq order.
    last = int(psql(conninfo, "SELECT COALESCE(MAX(seq), 0) FROM events")[0])
    for s in streams:
        for _ in range(300):
            if s.last() is not None and s.last() >= last:
                break
            time.sleep(0.1)
        s.stop = True
        expected = [int(x) for x in psql(conninfo, "SELECT seq FROM events WHERE seq > %d ORDER BY seq" % s.start)]
        dups = len(s.seqs) - len(set(s.seqs))
        gaps = sorted(set(expected) - set(s.seqs))
        in_order = s.seqs == sorted(s.seqs)
        log("node %s's stream: %d events (seq %d to %d), %d gaps, %d duplicates, %s, resumed %d times"
            % (s.name, len(s.seqs), s.start + 1, s.last(), len(gaps), dups, "in order" if in_order else "OUT OF ORDER",
               s.resumes))
        if gaps or dups or not in_order or s.seqs != expected:
            ok = False
            log("node %s's stream differs from the table (first gaps %s)" % (s.name, gaps[:10]))

    # The outbox: each DAMKAR notification delivered at least once (a delivery cut by the
    # failover is sent again once its lease ends).
    rows = set(psql(conninfo, "SELECT id FROM outbox WHERE target = '%s'" % hook.url))
    deadline = time.time() + float(os.environ.get("OUTBOX_WAIT_S", "120"))
    while time.time() < deadline:
        with hook.lock:
            delivered = set(hook.keys)
        if rows <= delivered:
            break
        time.sleep(0.5)
    with hook.lock:
        delivered, total = set(hook.keys), len(hook.keys)
    undelivered = rows - delivered
    log("outbox: %d notifications to the webhook, %d delivered (%d deliveries, %d sent more than once), %d not"
        % (len(rows), len(rows & delivered), total, total - len(delivered), len(undelivered)))
    if undelivered or not rows:
        ok = False
    print("WINDOW %.2f" % window)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
