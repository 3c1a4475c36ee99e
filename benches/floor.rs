//! Criterion benchmarks of the floor: the read queries of `benches/queries.toml` written by
//! hand on petgraph (`benches/support/floor.rs`), on the same generated graph as
//! `benches/queries.rs`.

mod support;

use std::time::Duration;

use baobab::Value;
use criterion::{criterion_group, criterion_main, Criterion};

fn floor(c: &mut Criterion) {
    let persons = support::persons();
    let dir = support::dataset(persons);
    let params = support::params(&dir);
    let param = |name: &str| match params.get(name) {
        Some(Value::Int(n)) => *n,
        _ => panic!("params.json has no integer `{name}`"),
    };
    let (person, far_person) = (param("person"), param("far_person"));
    let graph = support::floor::Floor::load(&dir).expect("the generated graph loads");

    let mut group = c.benchmark_group(format!("floor-{persons}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for query in support::queries() {
        if graph.answer(&query.name, person, far_person).is_some() {
            group.bench_function(&query.name, |b| {
                b.iter(|| graph.answer(&query.name, person, far_person))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, floor);
criterion_main!(benches);
