#!/usr/bin/env python3
"""Runs the benchmark queries of benches/queries.toml on Baobab, the hand-written petgraph
floor, Kùzu (one thread) and FalkorDB (embedded, through falkordblite) over the same
generated social graph, checks that the answers agree, and writes docs/benchmarks.md.

One command, from the repository root (see docs/benchmarks.md for the set-up):

    target/bench-venv/bin/python benches/compare/compare.py --persons 10000,100000

Each engine runs in its own process, so that its memory can be measured: Baobab and the
floor through `cargo run --release --example bench_report`, Kùzu and FalkorDB through this
script started again with `--worker`. Every number in docs/benchmarks.md comes from the run;
nothing is typed in.
"""

import argparse
import csv
import datetime
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUERIES = os.path.join(ROOT, "benches", "queries.toml")
BATCH = 10_000
# A query whose first run takes longer than this is timed once more, not `runs` times.
SLOW_SECONDS = 5.0
# A query whose first run takes less than this is timed FAST_RUNS times `runs` times: the
# median of five runs of a microsecond query moved by a fifth from one run to the next.
FAST_SECONDS = 0.001
FAST_RUNS = 5


def load_queries():
    with open(QUERIES, "rb") as f:
        return tomllib.load(f)["query"]


def rss_bytes(pid="self"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# --------------------------------------------------------------------------------------
# The CSV files (neo4j-admin import header convention)


def parse_column(header):
    """(kind, name, detail): kind is id, start, end, label, type or prop."""
    name, _, ty = header.rpartition(":") if ":" in header else (header, "", "string")
    for kind, keyword in (("id", "ID"), ("start", "START_ID"), ("end", "END_ID")):
        if ty == keyword or ty.startswith(keyword + "("):
            return (kind, name, ty[len(keyword):].strip("()"))
    low = ty.lower()
    if low in ("label", "type"):
        return (low, name, None)
    if low in ("int", "long", "short", "byte"):
        return ("prop", name, "int")
    if low in ("float", "double"):
        return ("prop", name, "float")
    return ("prop", name, "string")


class Table:
    def __init__(self, path):
        self.path = path
        with open(path, newline="") as f:
            self.columns = [parse_column(h) for h in next(csv.reader(f))]
        kinds = [c[0] for c in self.columns]
        self.is_nodes = "id" in kinds
        self.is_rels = "start" in kinds
        with open(path, newline="") as f:
            reader = csv.reader(f)
            next(reader)
            first = next(reader, None)
        # Every generated file holds one label or one type; it names the table.
        token = None
        for i, (kind, _, _) in enumerate(self.columns):
            if kind in ("label", "type") and first:
                token = first[i]
        self.token = token or os.path.splitext(os.path.basename(path))[0]

    def props(self):
        """(index, name, type) of the columns stored as properties (a named id too)."""
        out = []
        for i, (kind, name, detail) in enumerate(self.columns):
            if kind == "id" and name:
                out.append((i, name, "int"))
            elif kind == "prop" and name:
                out.append((i, name, detail))
        return out

    def space(self, kind):
        return next(d for k, _, d in self.columns if k == kind)

    def index(self, kind):
        return next(i for i, c in enumerate(self.columns) if c[0] == kind)

    def rows(self):
        with open(self.path, newline="") as f:
            reader = csv.reader(f)
            next(reader)
            yield from reader


def tables(data):
    files = sorted(f for f in os.listdir(data) if f.endswith(".csv"))
    all_tables = [Table(os.path.join(data, f)) for f in files]
    return [t for t in all_tables if t.is_nodes], [t for t in all_tables if t.is_rels]


def convert(text, ty):
    if text == "":
        return None
    if ty == "int":
        return int(text)
    if ty == "float":
        return float(text)
    return text


def median(xs):
    return statistics.median(xs) if xs else None


def timed(runs, run, answer_of=lambda result: result):
    """Runs `run` once for its answer, then `runs` timed times (once if it is slow,
    FAST_RUNS times as often if it is quick).

    Only `run` is timed: the query up to its rows in the engine's own form. `answer_of`
    turns the first run's rows into the form the answers are compared in, outside the
    timing (bench_report does the same for Baobab and the floor)."""
    try:
        started = time.perf_counter()
        answer = run()
        first = time.perf_counter() - started
        answer = answer_of(answer)
        times = []
        if first > SLOW_SECONDS:
            runs = 1
        elif first < FAST_SECONDS:
            runs *= FAST_RUNS
        for _ in range(runs):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        return {"median_ms": median(times), "times_ms": times, "rows": answer}
    except Exception as e:  # noqa: BLE001 - any engine failure is reported, not fatal
        return {"error": f"{type(e).__name__}: {e}"}


def normalise(rows):
    out = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            elif isinstance(v, bytes):
                v = v.decode()
            cells.append(v)
        out.append(cells)
    return out


def params_of(data):
    with open(os.path.join(data, "params.json")) as f:
        return json.load(f)


# --------------------------------------------------------------------------------------
# Kùzu


def kuzu_worker(data, runs, load_runs):
    import kuzu

    node_tables, rel_tables = tables(data)
    params = params_of(data)
    label_of_space = {t.space("id"): t.token for t in node_tables}
    ktype = {"int": "INT64", "float": "DOUBLE", "string": "STRING"}

    # Kùzu's COPY maps columns by position: write copies without the label/type columns
    # (not timed).
    scratch = tempfile.mkdtemp(prefix="kuzu-csv-")
    plain = {}
    for t in node_tables + rel_tables:
        if t.is_rels:
            keep = [t.index("start"), t.index("end")] + [i for i, _, _ in t.props()]
        else:
            keep = [i for i, _, _ in t.props()]
        path = os.path.join(scratch, os.path.basename(t.path))
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            for row in t.rows():
                w.writerow([row[i] for i in keep])
        plain[t.path] = path

    def load():
        db = kuzu.Database(":memory:", max_num_threads=1)
        conn = kuzu.Connection(db, num_threads=1)
        rss0 = rss_bytes()
        started = time.perf_counter()
        for t in node_tables:
            props = t.props()
            cols = ", ".join(f"{n} {ktype[ty]}" for _, n, ty in props)
            conn.execute(f"CREATE NODE TABLE {t.token}({cols}, PRIMARY KEY ({props[0][1]}))")
            conn.execute(f"COPY {t.token} FROM '{plain[t.path]}' (header=false)")
        nodes_ms = (time.perf_counter() - started) * 1000
        rss1 = rss_bytes()
        for t in rel_tables:
            cols = "".join(f", {n} {ktype[ty]}" for _, n, ty in t.props())
            src = label_of_space[t.space("start")]
            dst = label_of_space[t.space("end")]
            conn.execute(f"CREATE REL TABLE {t.token}(FROM {src} TO {dst}{cols})")
            conn.execute(f"COPY {t.token} FROM '{plain[t.path]}' (header=false)")
        ms = (time.perf_counter() - started) * 1000
        rss2 = rss_bytes()
        return db, conn, ms, {"nodes_ms": nodes_ms, "rss_before": rss0,
                              "rss_after_nodes": rss1, "rss_after_relationships": rss2}

    db, conn, first_ms, memory = load()
    load_times = [first_ms]
    for _ in range(1, load_runs):
        _, _, ms, _ = load()
        load_times.append(ms)

    def count(label):
        return conn.execute(f"MATCH (n:{label}) RETURN count(n)").get_next()[0]

    def rel_count(kind):
        return conn.execute(f"MATCH ()-[r:{kind}]->() RETURN count(r)").get_next()[0]

    memory["nodes"] = sum(count(t.token) for t in node_tables)
    memory["relationships"] = sum(rel_count(t.token) for t in rel_tables)

    def fetch(result):
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        return rows

    report = {}
    for q in load_queries():
        text = q.get("kuzu", q.get("cypher", ""))
        if q["kind"] == "read":
            used = {k: v for k, v in params.items() if "$" + k in text}
            report[q["name"]] = timed(
                runs, lambda: fetch(conn.execute(text, used)), normalise
            )
        elif q["kind"] == "load":
            report[q["name"]] = {"median_ms": median(load_times), "times_ms": load_times}
        elif q["kind"] == "write":
            def write():
                wdb = kuzu.Database(":memory:", max_num_threads=1)
                wconn = kuzu.Connection(wdb, num_threads=1)
                wconn.execute(q["kuzu_setup"])
                started = time.perf_counter()
                for i in range(1, q.get("repeat", 1) + 1):
                    wconn.execute(text, {"i": i, "name": f"item {i}"})
                ms = (time.perf_counter() - started) * 1000
                n = wconn.execute("MATCH (n:Item) RETURN count(n)").get_next()[0]
                return ms, n
            try:
                results = [write() for _ in range(load_runs)]
                report[q["name"]] = {"median_ms": median([ms for ms, _ in results]),
                                     "times_ms": [ms for ms, _ in results],
                                     "rows": [[results[-1][1]]]}
            except Exception as e:  # noqa: BLE001
                report[q["name"]] = {"error": f"{type(e).__name__}: {e}"}
    shutil.rmtree(scratch, ignore_errors=True)
    return {"engine": "kuzu", "version": kuzu.__version__, "load": memory, "queries": report,
            "memory_note": "RSS growth of the worker process (in-memory database)"}


# --------------------------------------------------------------------------------------
# FalkorDB (embedded through falkordblite)


def falkordb_open(path):
    from redis.backoff import NoBackoff
    from redis.retry import Retry
    from redislite.falkordb_client import FalkorDB

    # Long queries must not hit the client's socket timeout, and a query must never be sent
    # again silently after a timeout or a dropped connection: no timeout, no retries.
    db = FalkorDB(path, socket_timeout=None, retry=Retry(NoBackoff(), 0))
    db.client.set_retry(Retry(NoBackoff(), 0))
    return db, db.client


def send(g, statement, rows):
    """Runs `statement` on graph `g` with `rows` (any iterable, read lazily) under `$rows`,
    BATCH rows at a time, in order; the last batch may be shorter, and without rows nothing
    is sent."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, BATCH)):
        g.query(statement, {"rows": chunk})


def falkordb_worker(data, runs, load_runs):
    node_tables, rel_tables = tables(data)
    params = params_of(data)
    label_of_space = {t.space("id"): t.token for t in node_tables}
    workdir = tempfile.mkdtemp(prefix="falkordb-")

    def used_memory(client):
        try:
            return int(client.info("memory")["used_memory"])
        except Exception:  # noqa: BLE001
            return 0

    def load(name):
        db, client = falkordb_open(os.path.join(workdir, f"{name}.db"))
        g = db.select_graph(name)
        server_pid = client.pid
        mem0, rss0 = used_memory(client), rss_bytes(server_pid) if server_pid else 0
        started = time.perf_counter()
        for t in node_tables:
            g.query(f"CREATE INDEX FOR (n:{t.token}) ON (n.id)")
            props = t.props()
            fields = ", ".join(f"{n}: r[{k}]" for k, (_, n, _) in enumerate(props))
            statement = f"UNWIND $rows AS r CREATE (:{t.token} {{{fields}}})"
            rows = ([convert(row[i], ty) for i, _, ty in props] for row in t.rows())
            send(g, statement, rows)
        nodes_ms = (time.perf_counter() - started) * 1000
        mem1, rss1 = used_memory(client), rss_bytes(server_pid) if server_pid else 0
        for t in rel_tables:
            props = t.props()
            fields = ", ".join(f"{n}: r[{k + 2}]" for k, (_, n, _) in enumerate(props))
            src = label_of_space[t.space("start")]
            dst = label_of_space[t.space("end")]
            statement = (f"UNWIND $rows AS r MATCH (a:{src} {{id: r[0]}}), (b:{dst} {{id: r[1]}}) "
                         f"CREATE (a)-[:{t.token} {{{fields}}}]->(b)")
            s, e = t.index("start"), t.index("end")
            rows = ([int(row[s]), int(row[e])] + [convert(row[i], ty) for i, _, ty in props]
                    for row in t.rows())
            send(g, statement, rows)
        ms = (time.perf_counter() - started) * 1000
        mem2, rss2 = used_memory(client), rss_bytes(server_pid) if server_pid else 0
        memory = {"nodes_ms": nodes_ms, "used_memory_before": mem0, "used_memory_after_nodes": mem1,
                  "used_memory_after_relationships": mem2, "server_rss_before": rss0,
                  "server_rss_after_nodes": rss1, "server_rss_after_relationships": rss2}
        return db, g, ms, memory

    db, g, first_ms, memory = load("social")
    load_times = [first_ms]
    for k in range(1, load_runs):
        other, og, ms, _ = load(f"social{k}")
        load_times.append(ms)
        og.delete()
    memory["nodes"] = g.query("MATCH (n) RETURN count(n)").result_set[0][0]
    memory["relationships"] = g.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
    # Keep the old names so the report reads the same for every engine.
    memory["rss_before"] = memory["used_memory_before"]
    memory["rss_after_nodes"] = memory["used_memory_after_nodes"]
    memory["rss_after_relationships"] = memory["used_memory_after_relationships"]

    report = {}
    for q in load_queries():
        text = q.get("falkordb", q.get("cypher", ""))
        if q["kind"] == "read":
            used = {k: v for k, v in params.items() if "$" + k in text}
            report[q["name"]] = timed(
                runs, lambda: g.ro_query(text, used).result_set, normalise
            )
        elif q["kind"] == "load":
            report[q["name"]] = {"median_ms": median(load_times), "times_ms": load_times}
        elif q["kind"] == "write":
            def write(k):
                w = db.select_graph(f"items{k}")
                started = time.perf_counter()
                for i in range(1, q.get("repeat", 1) + 1):
                    w.query(text, {"i": i, "name": f"item {i}"})
                ms = (time.perf_counter() - started) * 1000
                n = w.query("MATCH (n:Item) RETURN count(n)").result_set[0][0]
                w.delete()
                return ms, n
            try:
                results = [write(k) for k in range(load_runs)]
                report[q["name"]] = {"median_ms": median([ms for ms, _ in results]),
                                     "times_ms": [ms for ms, _ in results],
                                     "rows": [[results[-1][1]]]}
            except Exception as e:  # noqa: BLE001
                report[q["name"]] = {"error": f"{type(e).__name__}: {e}"}
    try:
        db.close()
    except Exception:  # noqa: BLE001
        pass
    shutil.rmtree(workdir, ignore_errors=True)
    return {"engine": "falkordb", "load": memory, "queries": report,
            "memory_note": "growth of the server's used_memory (Redis INFO memory)"}


# --------------------------------------------------------------------------------------
# The driver


def run(cmd, timeout=None):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, timeout=timeout,
                          text=True).stdout


def engine_report(engine, data, args):
    counts = ["--runs", str(args.runs), "--load-runs", str(args.load_runs)]
    if engine in ("baobab", "floor"):
        exe = os.path.join(ROOT, "target", "release", "examples", "bench_report")
        cmd = [exe, "--engine", engine, "--data", data] + counts
    else:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, "--data", data] + counts
    try:
        return json.loads(run(cmd, timeout=args.timeout))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
        return {"engine": engine, "failed": f"{type(e).__name__}: {e}", "queries": {}, "load": {}}


def fmt_ms(ms):
    if ms is None:
        return "—"
    if ms >= 100:
        return f"{ms:,.0f}"
    if ms >= 1:
        return f"{ms:.1f}"
    if ms >= 0.01:
        return f"{ms:.3f}"
    return f"{ms:.1e}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return f"{r:,.0f}×" if r >= 100 else f"{r:.2f}×"


def memory(report):
    """(growth, count) for the nodes and for the relationships of an engine's load."""
    load = report.get("load", {})
    before = load.get("rss_before")
    mid = load.get("rss_after_nodes")
    after = load.get("rss_after_relationships")
    # Indexes built after the relationships are node data: their growth moves to nodes.
    imported = load.get("rss_before_indexes", after)
    indexes = 0 if after is None or imported is None else after - imported
    nodes = None if mid is None or before is None else mid - before + indexes
    rels = None if imported is None or mid is None else imported - mid
    return (nodes, load.get("nodes")), (rels, load.get("relationships"))


def per(delta, count):
    if not count or delta is None:
        return "—"
    return f"{delta / count:,.0f}"


ENGINES = {"floor": "petgraph floor", "baobab": "Baobab", "kuzu": "Kùzu (1 thread)",
           "falkordb": "FalkorDB"}


def compare_answers(queries, reports):
    """For each query: the reference engine's rows, and the engines that disagree with it."""
    verdicts = {}
    for q in queries:
        name = q["name"]
        answers = {e: r["queries"].get(name, {}).get("rows") for e, r in reports.items()}
        answers = {e: a for e, a in answers.items() if a is not None}
        if not answers:
            verdicts[name] = ("no answers", [])
            continue
        reference = "floor" if "floor" in answers else next(iter(answers))
        expected = answers[reference]
        disagree = [e for e, a in answers.items() if a != expected]
        verdicts[name] = (reference, disagree)
    return verdicts


def section(persons, data, reports, queries):
    lines = []
    engines = [e for e in ENGINES if e in reports]
    base = reports.get("baobab", {})
    nodes = base.get("load", {}).get("nodes")
    rels = base.get("load", {}).get("relationships")
    lines.append(f"## {persons:,} persons")
    lines.append("")
    lines.append(f"Data: `{os.path.relpath(data, ROOT)}`, {nodes or '?':,} nodes and "
                 f"{rels or '?':,} relationships (as loaded into Baobab); "
                 f"parameters `{json.dumps(params_of(data))}`.")
    lines.append("")
    loads = [x for e in engines for x in reports[e].get("loadavg", [])]
    if loads:
        busy = (" (above 1: other work shared the CPU, and the times are noisy)"
                if max(loads) > 1 else "")
        lines.append(f"Machine load average (1 min) while the engines ran: {min(loads):.1f} to "
                     f"{max(loads):.1f} on {os.cpu_count()} cores{busy}.")
        lines.append("")
    failed = [e for e in engines if reports[e].get("failed")]
    for e in failed:
        lines.append(f"- **{ENGINES[e]} did not finish**: `{reports[e]['failed']}`")
    if failed:
        lines.append("")

    verdicts = compare_answers(queries, reports)
    lines.append("### Queries (median wall-clock milliseconds)")
    lines.append("")
    header = ["query"] + [ENGINES[e] for e in engines]
    peers = [e for e in ("floor", "kuzu", "falkordb") if e in engines]
    header += [f"Baobab ÷ {ENGINES[p].split(' (')[0]}" for p in peers] + ["answers"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for q in queries:
        name = q["name"]
        cells = [f"`{name}`"]
        for e in engines:
            r = reports[e]["queries"].get(name)
            if r is None:
                cells.append("—")
            elif "error" in r:
                cells.append("error")
            else:
                n = len(r.get("times_ms", []))
                cells.append(f"{fmt_ms(r.get('median_ms'))}" + (" (1 run)" if n == 1 else ""))
        b = base.get("queries", {}).get(name, {}).get("median_ms")
        for p in peers:
            cells.append(ratio(b, reports[p]["queries"].get(name, {}).get("median_ms")))
        reference, disagree = verdicts[name]
        if reference == "no answers":
            cells.append("—")
        elif disagree:
            cells.append("**differ: " + ", ".join(ENGINES[e] for e in disagree) + "**")
        else:
            cells.append("agree")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")

    errors = [(e, name, r["error"]) for e in engines
              for name, r in reports[e]["queries"].items() if "error" in r]
    disagreements = [(name, v) for name, v in verdicts.items() if v[1]]
    if errors or disagreements:
        lines.append("### Errors and disagreements")
        lines.append("")
        for e, name, error in errors:
            lines.append(f"- `{name}` on {ENGINES[e]}: `{error[:300]}`")
        for name, (reference, disagree) in disagreements:
            ref_rows = reports[reference]["queries"][name]["rows"]
            for e in disagree:
                rows = reports[e]["queries"][name]["rows"]
                lines.append(f"- `{name}`: {ENGINES[e]} gave `{json.dumps(rows)[:200]}`, "
                             f"{ENGINES[reference]} `{json.dumps(ref_rows)[:200]}`")
        lines.append("")

    lines.append("### Memory after load")
    lines.append("")
    lines.append("| engine | bytes per node | bytes per relationship | measured as |")
    lines.append("|---|---|---|---|")
    rss_note = "RSS growth of the process while loading nodes, then relationships"
    notes = {"baobab": rss_note + "; the `id` indexes, built after the load, count with the "
             "nodes (as Kùzu's primary-key index and the floor's id map do)",
             "floor": rss_note + " (the id map is built with the nodes)"}
    for e in engines:
        node_b, rel_b = (per(*m) for m in memory(reports[e]))
        lines.append(f"| {ENGINES[e]} | {node_b} | {rel_b} | "
                     f"{reports[e].get('memory_note', notes.get(e, ''))} |")
    lines.append("")

    lines.append("### Targets (issue 6)")
    lines.append("")
    lines.append("The issue sets the Kùzu, FalkorDB and bulk-load targets at 100,000 persons; "
                 "they are computed here for every size.")
    lines.append("")
    reads = [q["name"] for q in queries if q["kind"] == "read"]

    def med(e, name):
        return reports.get(e, {}).get("queries", {}).get(name, {}).get("median_ms")

    if "floor" in engines and "baobab" in engines:
        over = [(n, med("baobab", n) / med("floor", n)) for n in reads
                if med("baobab", n) and med("floor", n)]
        misses = [f"`{n}` {ratio(r, 1)}" for n, r in over if r > 2]
        lines.append(f"- Within 2× of the floor: {len(over) - len(misses)} of {len(over)} queries"
                     + (f"; not: {', '.join(misses)}." if misses else "."))
    for p in ("kuzu", "falkordb"):
        if p in engines and "baobab" in engines:
            pairs = [(n, med("baobab", n), med(p, n)) for n in reads if med("baobab", n) and med(p, n)]
            slower = [f"`{n}` {ratio(b, o)}" for n, b, o in pairs if b >= o]
            lines.append(f"- Faster than {ENGINES[p]}: {len(pairs) - len(slower)} of {len(pairs)} "
                         f"read queries" + (f"; slower on {', '.join(slower)}." if slower else "."))
    if "kuzu" in engines and "baobab" in engines:
        ours, theirs = memory(reports["baobab"]), memory(reports["kuzu"])
        parts = []
        for what, (b, k) in zip(("node", "relationship"), zip(ours, theirs)):
            if b[0] is None or k[0] is None or not b[1] or not k[1]:
                continue
            b_per, k_per = round(b[0] / b[1]), round(k[0] / k[1])
            parts.append(f"{b_per:,} bytes per {what} against {k_per:,}"
                         f" ({'at most' if b_per <= k_per else 'more than'} Kùzu's)")
        if parts:
            lines.append(f"- Memory after load: {'; '.join(parts)}.")
    loads = {e: med(e, "bulk_load") for e in engines if med(e, "bulk_load")}
    def load_rate(e):
        rels = reports[e].get("load", {}).get("relationships")
        return f" ({rels / loads[e] * 1000:,.0f} relationships/s)" if rels else ""

    if "baobab" in loads:
        others = ", ".join(f"{ENGINES[e]} {fmt_ms(ms)} ms{load_rate(e)}"
                           for e, ms in loads.items() if e != "baobab")
        lines.append(f"- Bulk load of every node and relationship: Baobab "
                     f"{fmt_ms(loads['baobab'])} ms{load_rate('baobab')}; {others or 'no peer'}.")
    lines.append("")
    return lines


def write_doc(path, sections, args):
    queries = load_queries()
    all_reports = [r for _, _, reports in sections for r in reports.values()]
    commits = sorted({r.get("commit", "?") for r in all_reports})
    commit = "`, `".join(commits)
    times = sorted({r.get("measured_at", "?") for r in all_reports})
    measured_at = times[0] if len(times) == 1 else f"between {times[0]} and {times[-1]}"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for e, r in sections[0][2].items() if sections else []:
        if r.get("version"):
            versions.append(f"{ENGINES[e]} {r['version']}")
    lines = [
        "# Benchmarks",
        "",
        "<!-- Written by benches/compare/compare.py from measured numbers: do not edit by hand. -->",
        "",
        "To measure again (from the repository root; the first two lines once per machine):",
        "",
        "```sh",
        "~/.pyenv/versions/3.12.1/bin/python -m venv target/bench-venv",
        "target/bench-venv/bin/pip install -r benches/compare/requirements.txt",
        f"target/bench-venv/bin/python benches/compare/compare.py --persons "
        f"{','.join(str(p) for p in args.persons)} --runs {args.runs}",
        "```",
        "",
        "The script builds Baobab (`cargo build --release --example bench_report`), generates "
        "the graph with `baobab generate social --seed 1` into `target/bench-data/`, runs every "
        "engine in its own process on the queries of `benches/queries.toml`, compares the "
        "answers row by row with the floor's, and rewrites this file. Criterion benchmarks of "
        "the same queries: `cargo bench --bench queries` and `cargo bench --bench floor` "
        "(`BAOBAB_BENCH_PERSONS=100000` for the larger graph).",
        "",
        "Both sizes take about 15 minutes on 2 cores, most of it FalkorDB loading 100,000 "
        "persons; `--engines floor,baobab` runs a subset, and `--reuse` rewrites this file from "
        "the `report-*.json` files the last run left beside the data, without measuring.",
        "",
        "How each engine runs:",
        "",
        "- **Baobab**: in memory, through the public API (`examples/bench_report.rs`); loaded "
        "with `Database::import_csv` (what `baobab import` runs, `--id-type integer`), then an "
        "index on `id` per label (`benches/support/load.rs`); the load time includes both.",
        "- **petgraph floor**: the read queries written by hand on a petgraph `DiGraph` "
        "(`benches/support/floor.rs`), loaded from the same files.",
        "- **Kùzu**: in-memory database, `max_num_threads=1` and a one-thread connection; "
        "loaded with `COPY FROM` (copies of the files without the `:LABEL`/`:TYPE` columns, "
        "written before the clock starts).",
        "- **FalkorDB**: falkordblite's embedded server (a redis-server child process, so every "
        "query crosses a local socket); an index on `id` per label, then the same UNWIND "
        "batches; the client's socket timeout is off and it does not retry.",
        "",
        f"Each read query runs once for its answer, then {args.runs} timed times (once when the "
        f"first run took over {SLOW_SECONDS:.0f} s, {args.runs * FAST_RUNS} times when it took "
        f"under {FAST_SECONDS * 1000:.0f} ms); the tables give medians of wall-clock time "
        "as seen by the caller, from sending the query to holding all its rows in the engine's "
        "own form: Baobab's `QueryResult`, the floor's rows of numbers and strings borrowed "
        "from its graph, Kùzu's and FalkorDB's Python lists. Turning rows into the JSON the "
        "answers are compared in is not timed (decision 0021). `bulk_load` and "
        "`create_one_by_one` are timed "
        f"{args.load_runs} time(s) each.",
        "",
        f"Measured {measured_at} at commit{'s' if len(commits) > 1 else ''} "
        f"`{commit}` on {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
        + (f", {', '.join(versions)}" if versions else "") + ".",
        "",
    ]
    if args.note:
        lines += [f"> **Note.** {args.note}", ""]
    for persons, data, reports in sections:
        lines += section(persons, data, reports, queries)
    with open(path, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", default="10000",
                        type=lambda s: [int(x.replace("_", "")) for x in s.split(",")])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-runs", type=int, default=1)
    parser.add_argument("--engines", default="floor,baobab,kuzu,falkordb")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--note", default="", help="a sentence printed above the results")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per engine run")
    parser.add_argument("--reuse", action="store_true",
                        help="rewrite the document from the report-*.json files of the last run")
    parser.add_argument("--worker", choices=["kuzu", "falkordb"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker = kuzu_worker if args.worker == "kuzu" else falkordb_worker
        print(json.dumps(worker(args.data, args.runs, args.load_runs)))
        return

    run(["cargo", "build", "--release", "--bin", "baobab", "--example", "bench_report"])
    commit = run(["git", "rev-parse", "--short", "HEAD"]).strip()
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"]).strip()
    commit += " (with uncommitted changes)" if dirty else ""
    sections = []
    for persons in args.persons:
        data = os.path.join(ROOT, "target", "bench-data", f"social-{persons}-s1")
        if not os.path.exists(os.path.join(data, "params.json")):
            run([os.path.join(ROOT, "target", "release", "baobab"), "generate", "social",
                 "--persons", str(persons), "--seed", "1", "--out", data])
        reports = {}
        for engine in args.engines.split(","):
            saved = os.path.join(data, f"report-{engine}.json")
            if args.reuse and os.path.exists(saved):
                with open(saved) as f:
                    reports[engine] = json.load(f)
                continue
            load_before = os.getloadavg()[0]
            reports[engine] = engine_report(engine, data, args)
            reports[engine]["loadavg"] = [load_before, os.getloadavg()[0]]
            reports[engine]["commit"] = commit
            reports[engine]["measured_at"] = f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
            with open(os.path.join(data, f"report-{engine}.json"), "w") as f:
                json.dump(reports[engine], f, indent=1)
        sections.append((persons, data, reports))
        write_doc(args.out, sections, args)
    print(f"wrote {os.path.relpath(args.out, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
