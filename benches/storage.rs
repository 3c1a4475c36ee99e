//! Saving and loading snapshots, and the cost of a durable commit.
//!
//! Graph size: `BAOBAB_BENCH_NODES` (default 100,000) nodes with three properties and
//! `BAOBAB_BENCH_RELS` (default 1,000,000) relationships with one. The figure (1M
//! nodes, 10M relationships) is `BAOBAB_BENCH_NODES=1000000 BAOBAB_BENCH_RELS=10000000`.
//! `read file` reads the snapshot's bytes sequentially, as the yardstick for `load`.

use std::path::PathBuf;
use std::time::Duration;

use baobab::{Database, OpenOptions, Params, SyncMode};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("baobab-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

fn snapshots(c: &mut Criterion) {
    let nodes = env_or("BAOBAB_BENCH_NODES", 100_000) as u32;
    let rels = env_or("BAOBAB_BENCH_RELS", 1_000_000);
    let db = baobab::storage::testing::synthetic(nodes, rels, 42);
    let dir = scratch("snapshots");
    let path = dir.join("g.baobab");
    db.save_as(&path).expect("save");
    let bytes = std::fs::metadata(&path).expect("saved").len();
    let mut group = c.benchmark_group(format!("snapshot {nodes} nodes {rels} rels"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("save", |b| b.iter(|| db.save_as(&path).expect("save")));
    group.bench_function("load", |b| {
        b.iter_with_large_drop(|| Database::open_read_only(&path).expect("load"))
    });
    group.bench_function("read file", |b| {
        b.iter(|| std::fs::read(&path).expect("read").len())
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn commits(c: &mut Criterion) {
    let mut group = c.benchmark_group("commit one CREATE");
    for (name, sync) in [
        ("off", SyncMode::Off),
        ("normal", SyncMode::Normal),
        ("full", SyncMode::Full),
    ] {
        let dir = scratch(name);
        let options = OpenOptions {
            sync,
            ..OpenOptions::default()
        };
        let db = Database::open_with(dir.join("g.baobab"), &options).expect("open");
        let params = Params::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                db.execute("CREATE (:Event {kind: 'bench', n: 1})", &params)
                    .expect("commit")
            })
        });
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let db = Database::in_memory();
    group.bench_function("in memory", |b| {
        b.iter(|| {
            db.execute("CREATE (:Event {kind: 'bench', n: 1})", &Params::new())
                .expect("create")
        })
    });
    group.finish();
}

criterion_group!(benches, snapshots, commits);
criterion_main!(benches);
