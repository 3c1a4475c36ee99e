//! Runs the benchmark queries once per engine run and prints timings and answers as JSON,
//! for `benches/compare/compare.py` (criterion's own output is for humans; this is for the
//! comparison with Kùzu and FalkorDB, which runs each engine the same way).
//!
//! ```sh
//! cargo run --release --example bench_report -- --engine baobab --data DIR [--runs 5] [--load-runs 1]
//! ```
//! `--engine floor` runs the hand-written petgraph floor instead; `--only a,b` runs only the
//! named queries (for profiling). Memory is the growth of
//! this process's resident set while loading nodes, then relationships.

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use baobab::{Database, Params, Value};
use serde_json::{json, Map, Value as Json};

struct Options {
    engine: String,
    data: PathBuf,
    runs: usize,
    load_runs: usize,
    only: Option<Vec<String>>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        engine: "baobab".to_string(),
        data: PathBuf::new(),
        runs: 5,
        load_runs: 1,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let count = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--engine" => options.engine = value.clone(),
            "--data" => options.data = PathBuf::from(&value),
            "--runs" => options.runs = count()?.max(1),
            "--load-runs" => options.load_runs = count()?.max(1),
            "--only" => options.only = Some(value.split(',').map(str::to_string).collect()),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.data.as_os_str().is_empty() {
        return Err("--data DIR is required".to_string());
    }
    Ok(options)
}

fn millis(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// A query whose first run takes longer than this is timed once more, not `runs` times
/// (as in compare.py).
const SLOW_MILLIS: f64 = 5000.0;

/// A query whose first run takes less than this is timed `FAST_RUNS` times `runs` times (as
/// in compare.py): the median of five runs of a microsecond query moved by a fifth.
const FAST_MILLIS: f64 = 1.0;
const FAST_RUNS: usize = 5;

/// Runs `query` once for its answer (`answer` turns its result into JSON rows), then `runs`
/// timed times (once if it is slow, `FAST_RUNS` times as often if it is quick). Only the
/// query is timed, up to its result in the engine's own form (dropped inside the timing);
/// turning it into JSON for the answer check is not, as in compare.py, because that is work
/// of this harness and not of the query.
fn timed<R>(
    runs: usize,
    mut query: impl FnMut() -> Result<R, String>,
    answer: impl Fn(&R) -> Json,
) -> Json {
    let started = Instant::now();
    let first = query();
    let first_ms = millis(started);
    timed_after(runs, first.map(|r| answer(&r)), first_ms, query)
}

/// [`timed`] when the first run is done already: `first` is its answer and took
/// `first_ms`; `query` then runs `runs` timed times (once if the first run was slow,
/// `FAST_RUNS` times as often if it was quick).
fn timed_after<R>(
    runs: usize,
    first: Result<Json, String>,
    first_ms: f64,
    mut query: impl FnMut() -> Result<R, String>,
) -> Json {
    let answer = match first {
        Ok(answer) => answer,
        Err(e) => return json!({ "error": e }),
    };
    let runs = if first_ms > SLOW_MILLIS {
        1
    } else if first_ms < FAST_MILLIS {
        runs * FAST_RUNS
    } else {
        runs
    };
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        if let Err(e) = std::hint::black_box(query()) {
            return json!({ "error": e });
        }
        times.push(millis(started));
    }
    json!({ "median_ms": median(times.clone()), "times_ms": times, "rows": answer })
}

fn baobab(options: &Options) -> Result<Json, String> {
    let dir = &options.data;
    let params = support::params(dir);
    let rss_before = support::rss_bytes();
    let started = Instant::now();
    let db = Database::in_memory();
    let mut nodes_ms = 0.0;
    let mut rss_nodes = rss_before;
    let mut rss_imported = rss_before;
    let loaded = support::load::import(
        &db,
        dir,
        &mut || {
            nodes_ms = millis(started);
            rss_nodes = support::rss_bytes();
        },
        &mut || rss_imported = support::rss_bytes(),
    )?;
    let mut load_times = vec![millis(started)];
    let rss_all = support::rss_bytes();
    for _ in 1..options.load_runs {
        let started = Instant::now();
        let other = Database::in_memory();
        support::load::import(&other, dir, &mut || (), &mut || ())?;
        load_times.push(millis(started));
    }

    let mut queries = Map::new();
    for query in support::queries() {
        if options
            .only
            .as_ref()
            .is_some_and(|only| !only.contains(&query.name))
        {
            continue;
        }
        let result = match query.kind.as_str() {
            "read" => timed(
                options.runs,
                || {
                    db.execute(&query.cypher, &params)
                        .map_err(|e| e.to_string())
                },
                |r| json!(support::rows_json(&r.rows)),
            ),
            "load" => json!({ "median_ms": median(load_times.clone()), "times_ms": load_times }),
            "write" => {
                let mut times = Vec::new();
                let mut count = 0;
                for _ in 0..options.load_runs {
                    let fresh = Database::in_memory();
                    let mut params = Params::new();
                    let started = Instant::now();
                    for i in 1..=query.repeat as i64 {
                        params.insert("i".to_string(), Value::Int(i));
                        params.insert("name".to_string(), Value::from(format!("item {i}")));
                        fresh
                            .execute(&query.cypher, &params)
                            .map_err(|e| e.to_string())?;
                    }
                    times.push(millis(started));
                    count = item_count(&fresh)?;
                }
                json!({ "median_ms": median(times.clone()), "times_ms": times, "rows": [[count]] })
            }
            _ => continue,
        };
        queries.insert(query.name, result);
    }
    Ok(json!({
        "engine": "baobab",
        "load": {
            "nodes": loaded.nodes,
            "relationships": loaded.relationships,
            "nodes_ms": nodes_ms,
            "rss_before": rss_before,
            "rss_after_nodes": rss_nodes,
            "rss_before_indexes": rss_imported,
            "rss_after_relationships": rss_all,
        },
        "queries": queries,
    }))
}

/// The number of nodes the write benchmark left, checked like an answer.
fn item_count(db: &Database) -> Result<i64, String> {
    let result = db
        .execute("MATCH (n:Item) RETURN count(n)", &Params::new())
        .map_err(|e| e.to_string())?;
    match result.rows.first().and_then(|row| row.first()) {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err("count(n) returned no integer".to_string()),
    }
}

fn floor(options: &Options) -> Result<Json, String> {
    let dir = &options.data;
    let params = support::params(dir);
    let param = |name: &str| match params.get(name) {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err(format!("params.json has no integer `{name}`")),
    };
    let (person, far_person) = (param("person")?, param("far_person")?);
    let rss_before = support::rss_bytes();
    let started = Instant::now();
    let mut graph = support::floor::Floor::load_nodes(dir)?;
    let rss_nodes = support::rss_bytes();
    graph.load_relationships(dir)?;
    let load_ms = millis(started);
    let rss_all = support::rss_bytes();
    let mut queries = Map::new();
    for query in support::queries() {
        // The first run tells whether the floor computes the query at all (not the load and
        // write ones); when it does, it is also the answer and the untimed first run.
        let started = Instant::now();
        let first = graph.answer(&query.name, person, far_person);
        let first_ms = millis(started);
        if let Some(rows) = first {
            let answer = json!(support::floor::to_json(&rows));
            let result = timed_after(options.runs, Ok(answer), first_ms, || {
                Ok(graph.answer(&query.name, person, far_person))
            });
            queries.insert(query.name, result);
        }
    }
    Ok(json!({
        "engine": "floor",
        "load": {
            "nodes": graph.graph.node_count(),
            "relationships": graph.graph.edge_count(),
            "ms": load_ms,
            "rss_before": rss_before,
            "rss_after_nodes": rss_nodes,
            "rss_after_relationships": rss_all,
        },
        "queries": queries,
    }))
}

fn main() {
    let result = options().and_then(|options| match options.engine.as_str() {
        "baobab" => baobab(&options),
        "floor" => floor(&options),
        other => Err(format!("unknown engine {other} (baobab or floor)")),
    });
    match result {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
