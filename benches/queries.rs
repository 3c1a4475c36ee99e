//! Criterion benchmarks of Baobab on the generated social graph: every query of
//! `benches/queries.toml`, the bulk load (through the importer, and through Cypher as
//! `bulk_load_cypher`) and 10,000 one-by-one CREATE statements.
//! 10,000 persons by default; `BAOBAB_BENCH_PERSONS=100000 cargo bench --bench queries`
//! for the larger graph.

mod support;

use std::time::Duration;

use baobab::{Database, Params, Value};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

fn baobab(c: &mut Criterion) {
    let persons = support::persons();
    let dir = support::dataset(persons);
    let params = support::params(&dir);
    let db = Database::in_memory();
    support::load::import(&db, &dir, &mut || (), &mut || ()).expect("the generated graph loads");

    let mut group = c.benchmark_group(format!("baobab-{persons}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for query in support::queries() {
        match query.kind.as_str() {
            "read" => {
                group.bench_function(&query.name, |b| {
                    b.iter(|| db.execute(&query.cypher, &params).expect("query runs"))
                });
            }
            "load" => {
                group.bench_function(&query.name, |b| {
                    b.iter_with_large_drop(|| {
                        let db = Database::in_memory();
                        support::load::import(&db, &dir, &mut || (), &mut || ())
                            .expect("the generated graph loads");
                        db
                    })
                });
                // The same data through Cypher: parameterised UNWIND ... CREATE batches.
                group.bench_function(format!("{}_cypher", query.name), |b| {
                    b.iter_with_large_drop(|| {
                        let db = Database::in_memory();
                        support::load::load(&db, &dir).expect("the generated graph loads");
                        db
                    })
                });
            }
            "write" => {
                group.bench_function(&query.name, |b| {
                    b.iter_batched(
                        Database::in_memory,
                        |db| {
                            let mut params = Params::new();
                            for i in 1..=query.repeat as i64 {
                                params.insert("i".to_string(), Value::Int(i));
                                params.insert("name".to_string(), Value::from(format!("item {i}")));
                                db.execute(&query.cypher, &params).expect("CREATE runs");
                            }
                            db
                        },
                        BatchSize::PerIteration,
                    )
                });
            }
            other => panic!("{}: unknown kind `{other}`", query.name),
        }
    }
    group.finish();
}

criterion_group!(benches, baobab);
criterion_main!(benches);
