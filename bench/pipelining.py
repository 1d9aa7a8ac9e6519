#!/usr/bin/env python3
"""Two requests pipelined on one keep-alive connection against two sent one after the other.

Usage: python3 bench/pipelining.py PORT [ROUNDS]
Sends GET /api/v1/health ROUNDS times in each of two ways on one connection: two requests
written together (pipelined), then each written after the previous answer arrived. Prints the
median and 90th percentile of the time until both answers were read, in milliseconds, as JSON.
Without TCP_NODELAY on the server's socket the second answer of a pipelined pair waits for the
client's delayed ACK of the first (about 40 ms on Linux).
"""
import json
import socket
import statistics
import sys
import time

REQUEST = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_answers(sock, count, buf):
    """Reads count complete HTTP answers (Content-Length bodies); returns the leftover bytes."""
    done = 0
    while done < count:
        head_end = buf.find(b"\r\n\r\n")
        if head_end < 0:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed the connection")
            buf += chunk
            continue
        head = buf[:head_end].decode("latin-1").lower()
        length = 0
        for line in head.split("\r\n"):
            if line.startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        total = head_end + 4 + length
        while len(buf) < total:
            buf += sock.recv(65536)
        buf = buf[total:]
        done += 1
    return buf


def main():
    port = int(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    sock = socket.create_connection(("127.0.0.1", port))
    buf = b""
    pipelined, sequential = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        sock.sendall(REQUEST + REQUEST)
        buf = read_answers(sock, 2, buf)
        pipelined.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for _ in range(2):
            sock.sendall(REQUEST)
            buf = read_answers(sock, 1, buf)
        sequential.append((time.perf_counter() - t) * 1000)

    def summary(xs):
        xs = sorted(xs)
        return {"median_ms": round(statistics.median(xs), 3), "p90_ms": round(xs[int(len(xs) * 0.9)], 3)}

    print(json.dumps({"rounds": rounds, "pipelined_pair": summary(pipelined), "sequential_pair": summary(sequential)}))


if __name__ == "__main__":
    main()
