//! Expansion by type from a hub with many relationships of other types.
//!
//! The hub has 10 `KNOWS` and 50,000 `LIKES` relationships. `typed` expands `-[:KNOWS]->`,
//! which reads only the hub's KNOWS group; `all_types_filtered` reaches the same 10 rows by
//! walking every relationship and filtering on `type(r)` (what a typed expansion cost before
//! adjacency was split by type). Run: `cargo bench --bench adjacency`.

use baobab::{Database, Params};
use criterion::{criterion_group, criterion_main, Criterion};

fn hub() -> Database {
    let db = Database::in_memory();
    let p = Params::new();
    db.execute("CREATE (:Hub {k: 1})", &p).unwrap();
    db.execute(
        "MATCH (h:Hub) UNWIND range(1, 50000) AS i CREATE (h)-[:LIKES]->(:Post {i: i})",
        &p,
    )
    .unwrap();
    db.execute(
        "MATCH (h:Hub) UNWIND range(1, 10) AS i CREATE (h)-[:KNOWS]->(:Person {i: i})",
        &p,
    )
    .unwrap();
    db
}

fn bench(c: &mut Criterion) {
    let db = hub();
    let p = Params::new();
    let typed = "MATCH (h:Hub)-[:KNOWS]->(x) RETURN count(x)";
    let filtered = "MATCH (h:Hub)-[r]->(x) WHERE type(r) = 'KNOWS' RETURN count(x)";
    let check = |q: &str| db.execute(q, &p).unwrap().rows[0][0].as_int();
    assert_eq!(check(typed), Some(10));
    assert_eq!(check(filtered), Some(10));
    let mut g = c.benchmark_group("hub_10_knows_50k_likes");
    g.bench_function("typed", |b| b.iter(|| db.execute(typed, &p).unwrap()));
    g.bench_function("all_types_filtered", |b| {
        b.iter(|| db.execute(filtered, &p).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
