#!/usr/bin/env python3
"""Health latency while anonymous clients flood the login with wrong passwords (issue 12).

Usage: bench/login_flood.py PORT [CLIENTS] [SECONDS]
Starts CLIENTS threads posting wrong passwords to /api/v1/auth/login on 127.0.0.1:PORT for SECONDS
and meanwhile times GET /api/v1/health once every 50 ms; prints the health latency (p50, p95,
max, ms) and how the logins were answered (401, 503). Standard library only.
"""
import http.client
import json
import sys
import threading
import time

port = int(sys.argv[1])
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 32
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10
stop = time.monotonic() + seconds
answers = {}
lock = threading.Lock()


def flood():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": "admin", "password": "salah-sekali"})
    while time.monotonic() < stop:
        conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        with lock:
            answers[r.status] = answers.get(r.status, 0) + 1


threads = [threading.Thread(target=flood) for _ in range(clients)]
for t in threads:
    t.start()
latencies = []
probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
while time.monotonic() < stop:
    t0 = time.monotonic()
    probe.request("GET", "/api/v1/health")
    probe.getresponse().read()
    latencies.append((time.monotonic() - t0) * 1000)
    time.sleep(0.05)
for t in threads:
    t.join()
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"clients={clients} seconds={seconds} health probes={len(latencies)} "
      f"p50={pick(0.5):.1f} ms p95={pick(0.95):.1f} ms max={latencies[-1]:.1f} ms logins={answers}")
