"""Bounded load on the HTTP API over loopback: p50 / p99 latency and errors of ``GET /api/events``.

    python bench/api_load.py                       # 50 requests/s for 20 s on a store of >= 100,000 events
    python bench/api_load.py --rate 50 --seconds 20 --events 100000 --db existing.duckdb

The store: without ``--db``, ``examples/`` (and the seed page from ``../shared`` when present) are coded into a
temporary store, and then their events are **replicated with new ids** (and dates shifted by whole days, so the
date range spreads over years) until the store holds ``--events`` events. The articles are the coded ones.

The server is the real one, ``parley serve`` in a subprocess on 127.0.0.1. Requests are sent open-loop (each at
its scheduled time, whether or not earlier ones have come back) from a pool of threads with keep-alive
connections; a request is late-started when every thread is busy, and its latency counts from its scheduled
time. The mix: the first page, a dyad filter, a CAMEO filter with a date range, a sort by Goldstein, deep pages
and the deduplicated level. A baseline is measured in the same run: the same load on a static asset
(``/static/style.css``), so the ratio says what the store queries add.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def build_store(path: Path, n_events: int) -> int:
    import duckdb

    import parley

    inputs = [str(REPO / "examples")]
    seed = SHARED / "seed" / "putin_obama_2012-07-19.txt"
    if seed.exists():
        inputs.append(str(seed))
    parley.code(inputs, db=str(path))
    con = duckdb.connect(str(path))
    try:
        base = con.execute("SELECT count(*) FROM events").fetchone()[0]
        if base == 0:
            raise SystemExit("coding examples/ gave no events: nothing to replicate")
        copies = max(0, -(-n_events // base) - 1)
        con.execute("CREATE TEMP TABLE base_events AS SELECT * FROM events")
        con.execute(
            "INSERT INTO events SELECT b.* REPLACE (substr(md5(b.event_id || ':' || CAST(i AS VARCHAR)), 1, 16) "
            "AS event_id, CAST(b.date + CAST((i * 7) % 4000 AS INTEGER) AS DATE) AS date) "
            f"FROM base_events b, range(1, {copies + 1}) t(i)")
        con.execute("CHECKPOINT")
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PARLEY_API_TOKEN"}
    exe = Path(sys.executable).with_name("parley")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "parley.cli"]
    proc = subprocess.Popen(cmd + ["serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/overview")
            r = c.getresponse()
            r.read()
            if r.status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode(errors='replace')}")
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("server did not come up")


def event_paths(rng: random.Random, n: int) -> list[str]:
    mix = ["/api/events", "/api/events?dyad=RUS,USA", "/api/events?code=04&since=2015-01-01&until=2020-12-31",
           "/api/events?sort=goldstein&limit=100", "/api/events?source=USA&quad=1", "/api/events?dedup=day"]
    out = []
    for _ in range(n):
        p = rng.choice(mix)
        if rng.random() < 0.3:
            p += ("&" if "?" in p else "?") + f"offset={rng.randrange(0, 200) * 50}"
        out.append(p)
    return out


def run_load(port: int, paths: list[str], rate: float, threads: int) -> tuple[list[float], int, float]:
    """Send ``paths`` at ``rate`` per second; return latencies (ms, in the order of ``paths``), errors, wall time."""
    lock = threading.Lock()
    latencies: list[float] = [0.0] * len(paths)
    errors = [0]
    nxt = [0]
    t0 = time.perf_counter() + 0.2

    def worker() -> None:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(paths):
                break
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                con.request("GET", paths[i])
                r = con.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                con.close()
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            ms = (time.perf_counter() - due) * 1000
            with lock:
                latencies[i] = ms
                if not ok:
                    errors[0] += 1
        con.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, errors[0], time.perf_counter() - t0


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(q / 100 * len(xs) + 0.5)) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=50.0, help="requests per second (default 50)")
    ap.add_argument("--seconds", type=float, default=20.0, help="duration of the load (default 20)")
    ap.add_argument("--events", type=int, default=100_000, help="events in the generated store (default 100,000)")
    ap.add_argument("--db", help="use this store instead of generating one")
    ap.add_argument("--threads", type=int, default=16, help="client threads (default 16)")
    ap.add_argument("--baseline-seconds", type=float, default=5.0, help="duration of the static-asset baseline")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="parley-apiload-"))
    proc = None
    try:
        if args.db:
            db = Path(args.db)
            import duckdb

            con = duckdb.connect(str(db), read_only=True)
            n = con.execute("SELECT count(*) FROM events").fetchone()[0]
            con.close()
        else:
            db = tmp / "load.duckdb"
            t = time.perf_counter()
            n = build_store(db, args.events)
            print(f"store: {n:,} events (examples/ + seed coded, then replicated with new ids) "
                  f"in {time.perf_counter() - t:.1f} s")
        port = free_port()
        proc = start_server(db, port)
        rng = random.Random(20120719)
        total = int(args.rate * args.seconds)
        base_lat, base_err, _ = run_load(port, ["/static/style.css"] * int(args.rate * args.baseline_seconds),
                                         args.rate, args.threads)
        # warm-up, right before the load (the server lets an idle store go after a few seconds): the first
        # requests open the store and load its columns
        for p in event_paths(rng, 20):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", p)
            c.getresponse().read()
            c.close()
        paths = event_paths(rng, total)
        lat, errs, wall = run_load(port, paths, args.rate, args.threads)
        p50, p99, mx = pct(lat, 50), pct(lat, 99), max(lat)
        b50, b99 = pct(base_lat, 50), pct(base_lat, 99)
        print(f"load: GET /api/events mix, {total} requests at {args.rate:g}/s over {wall:.1f} s on loopback, "
              f"{n:,} events")
        print(f"p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {mx:.1f} ms  errors {errs}")
        print(f"baseline (static asset, same rate): p50 {b50:.1f} ms  p99 {b99:.1f} ms  errors {base_err}; "
              f"ratio p50 {p50 / max(b50, 0.01):.1f}x  p99 {p99 / max(b99, 0.01):.1f}x")
        slow = sorted(range(len(lat)), key=lambda i: -lat[i])[:3]
        print("slowest: " + "; ".join(f"{lat[i]:.0f} ms at {i / args.rate:.1f} s {paths[i]}" for i in slow))
        print(f"p99 < 200 ms: {'yes' if p99 < 200 else 'NO'}")
        return 0 if errs == 0 else 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
