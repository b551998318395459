#!/usr/bin/env python3
"""The native race: kezhi's core against DuckDB, both natively on this machine, on the data of
the browser race (100,000 customers, 1,000,000 orders), for the RFM subset (F, net M, R and
the three scores) and for the full per-customer analytics.

    python3 -m venv tests/bench/peer/.venv
    tests/bench/peer/.venv/bin/pip install duckdb==2.0.1   # once, not part of the test run
    cargo build --release -p kezhi-core --example race_native
    tests/bench/peer/.venv/bin/python tests/bench/peer/native.py [ROUNDS] [THREADS]

kezhi's side runs as a child process (examples/race_native.rs) that writes the CSVs, then
answers one timed question per line; the rounds alternate between the engines. DuckDB reads
the CSVs into tables first (not timed), uses THREADS threads (default 2, this machine's
cores) and materialises each answer in a table, as the browser race does. The SQL is the
browser race's (queries.mjs), so both races ask DuckDB the same thing; the RFM answers are
checked customer by customer against kezhi's.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def queries():
    """The template strings of queries.mjs, with its constants filled in."""
    text = open(os.path.join(HERE, "queries.mjs"), encoding="utf-8").read()
    consts = dict(re.findall(r"^const (\w+) = '([^']*)';", text, re.M))
    # Shared pieces of SQL (template strings), themselves with constants in them.
    for name, body in re.findall(r"^const (\w+) = `(.*?)`;", text, re.M | re.S):
        consts[name] = re.sub(r"\$\{(\w+)\}", lambda m: consts.get(m.group(1), m.group(0)), body)
    found = {}
    for name, body in re.findall(r"export const (\w+) = `(.*?)`;", text, re.S):
        found[name] = re.sub(r"\$\{(\w+)\}", lambda m: consts.get(m.group(1), m.group(0)), body)
    for name, body in re.findall(r"export const (LOAD) = \[(.*?)\];", text, re.S):
        found[name] = [
            re.sub(r"\$\{(\w+)\}", lambda m: consts.get(m.group(1), m.group(0)), q)
            for q in re.findall(r"`(.*?)`", body, re.S)
        ]
    return found


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    q = queries()
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "examples", "race_native")
    folder = tempfile.mkdtemp(prefix="kezhi-race-")
    kezhi = subprocess.Popen(
        [binary, folder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    if kezhi.stdout.readline().strip() != "ready":
        sys.exit("race_native did not start")

    def ask_kezhi(question):
        kezhi.stdin.write(question + "\n")
        kezhi.stdin.flush()
        return float(kezhi.stdout.readline())

    db = duckdb.connect()
    db.execute(f"SET threads = {threads}")
    os.chdir(folder)
    # Only the customers' and orders' tables: the events are not raced here.
    for load in q["LOAD"][:2]:
        db.execute(load)

    def ask_duck(sql):
        start = time_ms()
        db.execute(sql)
        return time_ms() - start

    times = {k: ([], []) for k in ("rfm", "full")}
    for r in range(rounds):
        for name, sql in (("rfm", q["RFM"]), ("full", q["ANALYTICS"])):
            pair = [lambda: ask_kezhi(name), lambda s=sql: ask_duck(s)]
            if r % 2:
                pair.reverse()
            a, b = pair[0](), pair[1]()
            k, d = (b, a) if r % 2 else (a, b)
            times[name][0].append(k)
            times[name][1].append(d)
    kezhi.stdin.close()
    kezhi.wait()

    # DuckDB's RFM answer against kezhi's, customer by customer.
    theirs = db.execute(
        "SELECT cid, f, m, recency, rs, fs, ms FROM rfm ORDER BY cid"
    ).fetchall()
    ours = db.execute(
        "SELECT * FROM read_csv('kezhi_rfm.csv', header = true, columns = {'cid': 'INTEGER', "
        "'f': 'BIGINT', 'm': 'BIGINT', 'recency': 'BIGINT', 'rs': 'BIGINT', 'fs': 'BIGINT', "
        "'ms': 'BIGINT'}) ORDER BY cid"
    ).fetchall()
    same = [tuple(x) for x in theirs] == [tuple(x) for x in ours]
    print(f"DuckDB {duckdb.__version__}, {threads} threads; {rounds} rounds, interleaved")
    print(f"RFM answers identical for all {len(ours)} customers: {same}")
    for name, label in (("rfm", "RFM subset"), ("full", "full analytics")):
        k, d = times[name]
        km, dm = statistics.median(k), statistics.median(d)
        print(
            f"{label:15} kezhi min {min(k):7.1f} median {km:7.1f} ms | "
            f"DuckDB min {min(d):7.1f} median {dm:7.1f} ms | DuckDB ÷ kezhi {dm / km:4.2f}× (medians)"
        )
    if not same:
        sys.exit(1)


def time_ms():
    import time

    return time.perf_counter() * 1e3


if __name__ == "__main__":
    main()
