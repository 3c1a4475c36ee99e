//! `baobab generate social` through the real binary, and the benchmark queries of
//! `benches/queries.toml` on a small generated graph: Baobab's answers must equal the
//! hand-written petgraph floor's.

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use baobab::{Database, Value};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("baobab-gen-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

fn generate(persons: &str, seed: &str, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args([
            "generate",
            "social",
            "--persons",
            persons,
            "--seed",
            seed,
            "--out",
        ])
        .arg(out)
        .output()
        .expect("the baobab binary runs")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn generate_social_is_deterministic_and_reports_rows() {
    let (a, b) = (temp_dir("a"), temp_dir("b"));
    let first = generate("400", "9", &a);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(generate("400", "9", &b).status.success());
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stderr.contains("400 rows") && stderr.contains("Person.csv"),
        "{stderr}"
    );
    let (fa, fb) = (files(&a), files(&b));
    std::fs::remove_dir_all(&a).ok();
    std::fs::remove_dir_all(&b).ok();
    assert_eq!(fa.len(), 12);
    assert_eq!(fa, fb);
}

#[test]
fn generate_refuses_zero_persons_and_unknown_datasets() {
    let out = temp_dir("zero");
    assert_eq!(generate("0", "1", &out).status.code(), Some(2));
    let unknown = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args(["generate", "citations", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(!out.join("Person.csv").exists());
}

#[test]
fn benchmark_queries_agree_with_the_petgraph_floor() {
    let dir = temp_dir("floor");
    baobab::datagen::generate_social(baobab::datagen::SocialConfig {
        persons: 600,
        seed: 4,
    })
    .write_csv(&dir)
    .unwrap();
    let db = Database::in_memory();
    let loaded = support::load::load(&db, &dir).expect("loads");
    let floor = support::floor::Floor::load(&dir).expect("floor loads");
    assert_eq!(loaded.nodes, floor.graph.node_count());
    assert_eq!(loaded.relationships, floor.graph.edge_count());
    let params = support::params(&dir);
    let int = |name: &str| match params.get(name) {
        Some(Value::Int(n)) => *n,
        other => panic!("{name}: {other:?}"),
    };
    let mut compared = 0;
    for query in support::queries().iter().filter(|q| q.kind == "read") {
        let expected = floor
            .answer(&query.name, int("person"), int("far_person"))
            .unwrap_or_else(|| panic!("the floor computes {}", query.name));
        let result = db.execute(&query.cypher, &params).expect(&query.name);
        assert_eq!(
            support::rows_json(&result.rows),
            support::floor::to_json(&expected),
            "{}",
            query.name
        );
        assert!(!expected.is_empty(), "{} has an answer", query.name);
        compared += 1;
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(compared, 10);
}
