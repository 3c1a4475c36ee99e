//! What the planner's choices buy, each against the plan it replaces, on 100,000 nodes.
//!
//! - `seek` vs `scan`: `MATCH (p:Person {id: $id})` with and without an index on `id`.
//! - `count_store` vs `count_scan`: `count(p)` of a label read from the counts, against a
//!   count that must look at every node (`WHERE p.id IS NOT NULL`).
//! - `hash_join` vs `nested_loop`: 2,000 × 2,000 nodes meeting on an equality.
//!
//! Run: `cargo bench --bench planner`.

use baobab::{Database, Params, Value};
use criterion::{criterion_group, criterion_main, Criterion};

fn people(index: bool) -> Database {
    let db = Database::in_memory();
    let p = Params::new();
    if index {
        db.execute("CREATE INDEX FOR (p:Person) ON (p.id)", &p)
            .unwrap();
    }
    db.execute(
        "UNWIND range(1, 100000) AS i CREATE (:Person {id: i, age: i % 90})",
        &p,
    )
    .unwrap();
    db
}

fn bench(c: &mut Criterion) {
    let plain = people(false);
    let indexed = people(true);
    let mut params = Params::new();
    params.insert("id".into(), Value::Int(77_777));
    let lookup = "MATCH (p:Person {id: $id}) RETURN p.age";
    for db in [&plain, &indexed] {
        assert_eq!(db.execute(lookup, &params).unwrap().rows.len(), 1);
    }
    let mut g = c.benchmark_group("point_lookup_100k");
    g.bench_function("seek", |b| {
        b.iter(|| indexed.execute(lookup, &params).unwrap())
    });
    g.bench_function("scan", |b| {
        b.iter(|| plain.execute(lookup, &params).unwrap())
    });
    g.finish();

    let p = Params::new();
    let mut g = c.benchmark_group("label_count_100k");
    g.bench_function("count_store", |b| {
        b.iter(|| {
            plain
                .execute("MATCH (p:Person) RETURN count(p)", &p)
                .unwrap()
        })
    });
    g.bench_function("count_scan", |b| {
        b.iter(|| {
            plain
                .execute(
                    "MATCH (p:Person) WHERE p.id IS NOT NULL RETURN count(p)",
                    &p,
                )
                .unwrap()
        })
    });
    g.finish();

    let join = Database::in_memory();
    join.execute(
        "UNWIND range(1, 2000) AS i CREATE (:A {x: i % 500}), (:B {y: i % 700})",
        &p,
    )
    .unwrap();
    let hashed = "MATCH (a:A), (b:B) WHERE a.x = b.y RETURN count(*)";
    let nested = "MATCH (a:A), (b:B) WHERE (a.x = b.y) = true RETURN count(*)";
    assert_eq!(
        join.execute(hashed, &p).unwrap().rows,
        join.execute(nested, &p).unwrap().rows
    );
    let mut g = c.benchmark_group("equality_join_2k_x_2k");
    g.sample_size(10);
    g.bench_function("hash_join", |b| {
        b.iter(|| join.execute(hashed, &p).unwrap())
    });
    g.bench_function("nested_loop", |b| {
        b.iter(|| join.execute(nested, &p).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
