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
