"""Engines: partitions, the local engine and the Dask engine give the same events as the in-process pipeline.

The Dask tests start real clusters: a LocalCluster (through the API), and a `dask scheduler` plus two
`dask worker` processes on 127.0.0.1 that the test starts and stops (through `parley code --scheduler`).
Both compare event sets with the session pipeline on the same code, never pinned counts.
"""
from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.engines.checkpoint import partitions
from parley.model import Article

REPO = Path(__file__).resolve().parents[1]


def test_partitions_are_numbered_in_order_and_skippable():
    parts = list(partitions(range(10), 4))
    assert parts == [(0, [0, 1, 2, 3]), (1, [4, 5, 6, 7]), (2, [8, 9])]
    assert [k for k, _ in partitions(range(10), 4, skip={1})] == [0, 2]
    assert list(partitions([], 4)) == []


def _sample(shared_dir: Path, path: Path, n_short: int, n_long: int) -> Path:
    """n_short one-sentence Current-events items and n_long Wikinews articles cut to ~1,500 characters."""
    recs = []
    with gzip.open(shared_dir / "corpus" / "current_events" / "wcep_2019.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            recs.append({"id": r["id"], "date": r["date"], "text": r["text_no_sources"]})
            if len(recs) >= n_short:
                break
    with open(shared_dir / "corpus" / "wikinews" / "wikinews_2019_2020_clean.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= n_long:
                break
            r = json.loads(line)
            recs.append({"id": f"wn{i}", "date": r["date"], "title": r["title"], "text": r["text"][:1500]})
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def _events_of(pipeline, path: Path, options) -> set[str]:
    from parley.ingest import iter_inputs

    out = set()
    for item in pipeline.process(iter_inputs([str(path)], options)):
        if isinstance(item, Article):
            out.update(json.dumps(e.to_dict(), sort_keys=True) for e in item.events)
    return out


def test_dask_engine_equals_local_on_200_articles(tmp_path, shared_dir, pipeline, options):
    from parley.api import code

    src = _sample(shared_dir, tmp_path / "items.jsonl", 170, 30)
    local = _events_of(pipeline, src, options)
    assert local, "the sample should code some events"
    opts = options.with_overrides(engine="dask", workers=2, partition_size=40)
    out = tmp_path / "dask.jsonl"
    db = tmp_path / "s.duckdb"
    res = code([str(src)], options=opts, db=str(db), out=str(out))
    assert res.n_articles + res.n_errors == 200
    got = {json.dumps(json.loads(line), sort_keys=True) for line in out.read_text("utf-8").splitlines()}
    assert got == local
    # one Parquet part file per partition, beside the store, loaded into it
    parts = sorted((Path(str(db) + ".runs") / res.run_id / "parts").glob("part-*.parquet"))
    assert len(parts) == 5
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    n_stored = con.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone()
    n_parquet = con.execute(f"SELECT sum(n_events) FROM read_parquet('{parts[0].parent}/part-*.parquet')").fetchone()[0]
    con.close()
    assert n_stored[0] == n_stored[1] == len(local) == n_parquet


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def test_scheduler_option_with_real_scheduler_and_two_workers(tmp_path, shared_dir, pipeline, options):
    src = _sample(shared_dir, tmp_path / "items.jsonl", 40, 6)
    local = _events_of(pipeline, src, options)
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    logs = [open(tmp_path / f"{n}.log", "w") for n in ("scheduler", "w1", "w2")]
    procs: list[subprocess.Popen] = []
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                       "--port", str(port), "--no-dashboard"], stdout=logs[0], stderr=subprocess.STDOUT))
        for log in logs[1:]:
            procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", addr, "--nworkers", "1",
                                           "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                                          stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path))
        from distributed import Client

        deadline = time.time() + 60
        while True:  # wait for both workers to join
            try:
                with Client(addr, timeout="5s") as c:
                    if len(c.scheduler_info()["workers"]) >= 2:
                        break
            except OSError:
                pass
            assert time.time() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.5)
        out = tmp_path / "events.jsonl"
        run = subprocess.run([sys.executable, "-m", "parley.cli", "code", str(src), "--scheduler", addr,
                              "--db", str(tmp_path / "s.duckdb"), "--out", str(out), "--quiet"],
                             capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        got = {json.dumps(json.loads(line), sort_keys=True) for line in out.read_text("utf-8").splitlines()}
        assert got == local
        # no local cluster was started: the partitions ran on the two external workers, still there
        with Client(addr, timeout="5s") as c:
            assert len(c.scheduler_info()["workers"]) == 2
    finally:
        _stop(procs)
        for log in logs:
            log.close()
