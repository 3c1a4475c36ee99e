//! The fuzz targets of `fuzz/` on stable Rust: each runs over every saved regression input
//! (`fuzz/regressions/<target>/`) and over a fixed number of pseudo-random inputs from a
//! fixed seed, so a run takes seconds and repeats exactly. `FUZZ_SMOKE_CASES=N` runs N
//! inputs per target instead, `FUZZ_SMOKE_SEED=S` starts elsewhere (for longer hunts).

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use arbitrary::Unstructured;

/// xorshift64*: a fixed, dependency-free stream of bytes.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn fill(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn cases(default: usize) -> usize {
    std::env::var("FUZZ_SMOKE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SMOKE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15)
}

/// The saved inputs of `target`: crashes found earlier, kept as regression tests.
fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/fuzz/regressions/{target}", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let path = e.path();
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// Generated queries with a few bytes changed: text that is close to Cypher.
fn mutated(bytes: &mut Bytes) -> Vec<u8> {
    let data = bytes.fill(256);
    let mut u = Unstructured::new(&data);
    let mut text = targets::Gen::default()
        .query(&mut u)
        .unwrap_or_default()
        .into_bytes();
    for _ in 0..bytes.next() % 4 {
        if text.is_empty() {
            break;
        }
        let at = (bytes.next() as usize) % text.len();
        match bytes.next() % 3 {
            0 => {
                text.remove(at);
            }
            1 => text.insert(at, b"()[]{}'\"`:-.,|*$ \\0aZ"[(bytes.next() % 21) as usize]),
            _ => text[at] = bytes.next() as u8,
        }
    }
    text
}

#[test]
fn parse_target() {
    for (name, data) in regressions("parse") {
        eprintln!("regression {name}");
        targets::parse(&data);
    }
    let mut bytes = Bytes(seed());
    for _ in 0..cases(3000) {
        let data = if bytes.next().is_multiple_of(4) {
            let len = (bytes.next() % 64) as usize;
            bytes.fill(len)
        } else {
            mutated(&mut bytes)
        };
        targets::parse(&data);
    }
}

#[test]
fn execute_target() {
    for (name, data) in regressions("execute") {
        eprintln!("regression {name}");
        targets::execute(&data);
    }
    let mut bytes = Bytes(seed() ^ 1);
    for _ in 0..cases(1500) {
        let len = 16 + (bytes.next() % 512) as usize;
        targets::execute(&bytes.fill(len));
    }
}

/// The generator makes queries that get past the parser and planner, not only errors.
#[test]
fn generated_queries_mostly_parse() {
    let mut bytes = Bytes(seed() ^ 2);
    let (mut total, mut parsed) = (0, 0);
    for _ in 0..300 {
        let data = bytes.fill(256);
        let Ok(q) = targets::Gen::default().query(&mut Unstructured::new(&data)) else {
            continue;
        };
        total += 1;
        match baobab::syntax::parse(&q) {
            Ok(_) => parsed += 1,
            Err(e) if std::env::var_os("FUZZ_SMOKE_SHOW").is_some() => eprintln!("{q}\n  {e}"),
            Err(_) => {}
        }
    }
    assert!(
        total > 250,
        "the generator gave up on {} inputs",
        300 - total
    );
    assert!(
        parsed * 10 > total * 8,
        "only {parsed} of {total} generated queries parse"
    );
}

/// Real snapshot and log files of a small database, the seeds of the decoder mutations.
fn storage_seeds() -> Vec<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("baobab-fuzz-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("g.baobab");
    let options = baobab::OpenOptions {
        checkpoint_on_close: false,
        ..baobab::OpenOptions::default()
    };
    let db = baobab::Database::open_with(&path, &options).unwrap();
    let run = |q: &str| {
        db.execute(q, &baobab::Params::new()).unwrap();
    };
    run("CREATE (AES:Alliance {name: 'AES', founded: date('2023-09-16')})");
    run("CREATE INDEX FOR (c:Country) ON (c.name)");
    run("UNWIND ['Mali', 'Niger', 'Burkina Faso'] AS n CREATE (:Country {name: n, l: [1, 2.5]})");
    run("MATCH (c:Country), (a:Alliance) CREATE (c)-[:MEMBER_OF {since: 2023}]->(a)");
    run("MATCH (c:Country {name: 'Niger'}) SET c.capital = 'Niamey' REMOVE c:Country");
    run("MATCH (c {name: 'Mali'}) DETACH DELETE c");
    // The log of everything since the empty database, then a snapshot of the result.
    let log = std::fs::read(baobab::storage::wal_path(&path)).unwrap();
    db.checkpoint().unwrap();
    drop(db);
    let snapshot = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    // As the target sees them: a leading byte picks the decoder. Payload seeds skip the
    // file and chunk or record headers (24 + 8 and 24 + 12 bytes).
    vec![
        [&[0u8][..], &snapshot].concat(),
        [&[1u8][..], &log].concat(),
        [&[2u8][..], snapshot.get(32..).unwrap_or_default()].concat(),
        [&[3u8][..], log.get(36..).unwrap_or_default()].concat(),
    ]
}

#[test]
fn decode_target() {
    for (name, data) in regressions("decode") {
        eprintln!("regression {name}");
        targets::decode(&data);
    }
    let seeds = storage_seeds();
    // The seeds themselves are accepted (so the mutations start from valid input).
    assert!(baobab::storage::fuzzing::snapshot(&seeds[0][1..]));
    assert!(baobab::storage::fuzzing::log(&seeds[1][1..]));
    let mut bytes = Bytes(seed() ^ 3);
    for i in 0..cases(4000) {
        let mut data = seeds[i % seeds.len()].clone();
        for _ in 0..1 + bytes.next() % 4 {
            if data.len() < 2 {
                break;
            }
            let at = 1 + (bytes.next() as usize) % (data.len() - 1);
            match bytes.next() % 4 {
                0 => data.truncate(at),
                1 => data.insert(at, bytes.next() as u8),
                _ => {
                    if let Some(b) = data.get_mut(at) {
                        *b ^= 1 << (bytes.next() % 8);
                    }
                }
            }
        }
        targets::decode(&data);
    }
    for _ in 0..cases(4000) / 4 {
        let len = (bytes.next() % 200) as usize;
        targets::decode(&bytes.fill(len));
    }
}
