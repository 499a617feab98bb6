"""Resumable runs: a real `parley code` run is killed with SIGKILL part-way and resumed with --resume."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.engines.checkpoint import Checkpoint, PartitionDone
from parley.model import Article


def test_checkpoint_survives_a_torn_last_line(tmp_path):
    cp = Checkpoint.create(tmp_path, "r1", ["a.jsonl"], 8, {"workers": 1})
    cp.mark_done(PartitionDone(0, 8, 3, 0))
    with open(cp.folder / "done.log", "a", encoding="utf-8") as fh:
        fh.write('{"partition": 1, "arti')  # killed while writing
    again = Checkpoint.open(tmp_path, "r1")
    assert set(again.done) == {0} and again.partition_size == 8 and again.inputs == ["a.jsonl"]
    again.mark_done(PartitionDone(1, 8, 1, 0))
    assert set(Checkpoint.open(tmp_path, "r1").done) == {0, 1}
    assert Checkpoint.open(tmp_path, "r1").totals() == (16, 4, 0)


def test_resume_of_unknown_run_is_refused(tmp_path):
    from parley.api import code
    from parley.errors import OptionsError

    with pytest.raises(OptionsError):
        code(None, db=str(tmp_path / "s.duckdb"), resume="nope")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_and_resume_codes_only_what_was_left(tmp_path, shared_dir, pipeline, options):
    from parley.ingest import iter_inputs

    recs = []
    with open(shared_dir / "corpus" / "wikinews" / "wikinews_2019_2020_clean.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 64:
                break
            r = json.loads(line)
            recs.append({"id": f"wn{i}", "date": r["date"], "title": r["title"], "text": r["text"][:1200]})
    src = tmp_path / "items.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    expected: set[str] = set()
    for item in pipeline.process(iter_inputs([str(src)], options)):
        assert isinstance(item, Article)
        expected.update(e.event_id for e in item.events)
    assert expected

    cfg = tmp_path / "c.toml"
    cfg.write_text("partition_size = 4\nbatch_size = 4\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    runs = Path(str(db) + ".runs")
    cmd = [sys.executable, "-m", "parley.cli", "code", "--db", str(db), "--config", str(cfg), "--quiet"]
    proc = subprocess.Popen(cmd + [str(src)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    done_lines = 0
    deadline = time.time() + 240
    try:
        while time.time() < deadline and proc.poll() is None:
            logs = list(runs.glob("*/done.log"))
            if logs:
                done_lines = len(logs[0].read_text("utf-8").splitlines())
                if done_lines >= 3:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    (run_dir,) = list(runs.iterdir())
    run_id = run_dir.name
    finished = Checkpoint.open(runs, run_id).done
    assert 3 <= len(finished) < 16

    res = subprocess.run(cmd[:4] + ["--resume", run_id, "--db", str(db)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    # only the partitions the killed run had not finished were coded again
    assert f"coded {64 - 4 * len(finished)} articles" in res.stderr, res.stderr
    assert set(Checkpoint.open(runs, run_id).done) == set(range(16))

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    ids = [r[0] for r in con.execute("SELECT event_id FROM events").fetchall()]
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    status = con.execute("SELECT status, n_articles, n_events FROM runs WHERE run_id = ?", [run_id]).fetchone()
    con.close()
    assert len(ids) == len(set(ids)), "duplicate events after resume"
    assert set(ids) == expected, "missing or extra events after resume"
    assert n_articles == 64
    assert status == ("done", 64, len(expected))
