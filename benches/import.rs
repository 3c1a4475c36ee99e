//! Bulk import throughput: a generated social graph (people and KNOWS relationships) in
//! neo4j-admin CSV, imported into an empty in-memory database.

use std::io::Write;
use std::path::{Path, PathBuf};

use baobab::transfer::import::{CsvFiles, ImportOptions};
use baobab::Database;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const PEOPLE: u64 = 100_000;
const KNOWS: u64 = 1_000_000;

/// Writes `people.csv` and `knows.csv` (seeded, so every run reads the same files).
fn generate(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let people = dir.join("people.csv");
    let knows = dir.join("knows.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&people).unwrap());
    writeln!(w, "id:ID,name,age:int").unwrap();
    for i in 0..PEOPLE {
        writeln!(w, "p{i},Person {i},{}", 18 + i % 60).unwrap();
    }
    w.flush().unwrap();
    let mut w = std::io::BufWriter::new(std::fs::File::create(&knows).unwrap());
    writeln!(w, ":START_ID,:END_ID").unwrap();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..KNOWS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        writeln!(w, "p{},p{}", i % PEOPLE, x % PEOPLE).unwrap();
    }
    w.flush().unwrap();
    (people, knows)
}

fn import(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("baobab-bench-import-{}", std::process::id()));
    let (people, knows) = generate(&dir);
    let options = ImportOptions {
        nodes: vec![CsvFiles {
            name: Some("Person".into()),
            paths: vec![people],
        }],
        relationships: vec![CsvFiles {
            name: Some("KNOWS".into()),
            paths: vec![knows],
        }],
        ..ImportOptions::default()
    };
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(KNOWS));
    group.bench_function("social_100k_people_1m_knows", |b| {
        b.iter(|| {
            let db = Database::in_memory();
            let report = db.import_csv(&options, &mut |_| {}).unwrap();
            assert_eq!(report.relationships, KNOWS);
            db
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, import);
criterion_main!(benches);
