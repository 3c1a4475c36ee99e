//! Code shared by the benchmarks (`benches/queries.rs`, `benches/floor.rs`) and the
//! `bench_report` example that the peer comparison drives: the query list, the dataset, the
//! CSV reader, the Baobab loader and the hand-written petgraph floor.

// Each bench and example compiles this module on its own and uses a different part of it.
#![allow(dead_code)]

pub mod csv_table;
pub mod floor;
pub mod load;

use std::path::{Path, PathBuf};

use baobab::datagen::{generate_social, SocialConfig};
use baobab::{Params, Value};

/// A query of `benches/queries.toml`.
#[derive(Debug, Clone)]
pub struct QuerySpec {
    pub name: String,
    /// `read`, `load` or `write`.
    pub kind: String,
    /// Baobab's text (empty for `load`).
    pub cypher: String,
    /// How many times a `write` statement runs.
    pub repeat: usize,
}

/// The queries of `benches/queries.toml`, in file order.
pub fn queries() -> Vec<QuerySpec> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/queries.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let list = table
        .get("query")
        .and_then(|q| q.as_array())
        .expect("queries.toml has [[query]] entries");
    list.iter()
        .map(|q| {
            let text = |key: &str| q.get(key).and_then(|v| v.as_str()).unwrap_or("");
            QuerySpec {
                name: text("name").to_string(),
                kind: text("kind").to_string(),
                cypher: text("cypher").trim().to_string(),
                repeat: q.get("repeat").and_then(|v| v.as_integer()).unwrap_or(1) as usize,
            }
        })
        .collect()
}

/// Persons in the benchmark graph: `BAOBAB_BENCH_PERSONS`, 10,000 by default.
pub fn persons() -> usize {
    std::env::var("BAOBAB_BENCH_PERSONS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(10_000)
}

/// The seed every benchmark uses.
pub const SEED: u64 = 1;

/// The folder holding the generated graph for `persons`, generated on first use under
/// `target/bench-data/` (the comparison script uses the same folders).
pub fn dataset(persons: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("social-{persons}-s{SEED}"));
    if !dir.join("params.json").exists() {
        generate_social(SocialConfig {
            persons,
            seed: SEED,
        })
        .write_csv(&dir)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", dir.display()));
    }
    dir
}

/// The substitution parameters in `dir/params.json`, as query parameters.
pub fn params(dir: &Path) -> Params {
    let path = dir.join("params.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).expect("params.json is JSON");
    let mut params = Params::new();
    for (name, value) in json.as_object().expect("params.json is an object") {
        if let Some(n) = value.as_i64() {
            params.insert(name.clone(), Value::Int(n));
        }
    }
    params
}

/// A result cell as JSON, the common form in which answers are compared.
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(n) => (*n).into(),
        Value::Float(f) => (*f).into(),
        Value::String(s) => s.as_ref().into(),
        Value::List(items) => items.iter().map(to_json).collect(),
        other => other.to_string().into(),
    }
}

/// Rows of a Baobab result as JSON.
pub fn rows_json(rows: &baobab::Rows) -> Vec<Vec<serde_json::Value>> {
    rows.iter()
        .map(|row| row.iter().map(to_json).collect())
        .collect()
}

/// Resident memory of this process in bytes (Linux; 0 where unknown).
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map_or(0, |kb| kb * 1024)
}
