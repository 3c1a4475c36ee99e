//! Kills a writer with SIGKILL at random moments and checks what survived. In its own test
//! binary: spawning processes while other tests hold database locks in this process would
//! let a forked child briefly hold those locks too.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use baobab::{Database, Params, Value};

fn run(db: &Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new())
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .rows
        .to_vecs()
}

/// Numbered statements in the shape the crash test checks: statement `i` creates
/// `(:A {i})-[:R {i}]->(:B {i})`, every fourth one in an explicit two-statement transaction.
fn crash_script(from: u64, count: u64) -> String {
    let mut s = String::new();
    for i in from..from + count {
        if i % 4 == 0 {
            s.push_str(&format!(
                "BEGIN;\nCREATE (:A {{i: {i}}});\nMATCH (a:A {{i: {i}}}) CREATE (a)-[:R {{i: {i}}}]->(:B {{i: {i}}});\nCOMMIT;\nRETURN {i} AS done;\n"
            ));
        } else {
            s.push_str(&format!(
                "CREATE (:A {{i: {i}}})-[:R {{i: {i}}}]->(:B {{i: {i}}}) RETURN {i} AS done;\n"
            ));
        }
    }
    s
}

/// Kills a writer with SIGKILL at random moments; every acknowledged statement must be
/// there after reopening, and no statement may be there in part.
#[cfg(unix)]
#[test]
fn acknowledged_writes_survive_sigkill() {
    let rounds: u64 = std::env::var("BAOBAB_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let dir: PathBuf = std::env::temp_dir().join(format!("baobab-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("g.baobab");
    let script = dir.join("script.cypher");
    let mut next = 0u64;
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut killed_mid_script = 0;
    for round in 0..rounds {
        std::fs::write(&script, crash_script(next, 400)).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_baobab"))
            .arg(&path)
            .arg("-f")
            .arg(&script)
            .arg("--format")
            .arg("jsonl")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let after_acks = 1 + rng % 60;
        let stdout = child.stdout.take().unwrap();
        let mut acked = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            acked.push(v["done"].as_u64().unwrap());
            if acked.len() as u64 == after_acks {
                // Let it run on a little, then kill it mid-write.
                std::thread::sleep(Duration::from_micros(rng % 3000));
                let _ = child.kill();
                break;
            }
        }
        let status = child.wait().unwrap();
        if !status.success() {
            killed_mid_script += 1;
        }
        let db = Database::open(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let count = |q: &str| -> BTreeMap<u64, i64> {
            run(&db, q)
                .into_iter()
                .map(|r| (r[0].as_int().unwrap() as u64, r[1].as_int().unwrap()))
                .collect()
        };
        let a = count("MATCH (a:A) RETURN a.i, count(*)");
        let b = count("MATCH (b:B) RETURN b.i, count(*)");
        let r = count("MATCH (:A)-[r:R]->(:B) RETURN r.i, count(*)");
        for i in &acked {
            assert_eq!(a.get(i), Some(&1), "round {round}: acknowledged {i} lost");
        }
        assert_eq!(a, b, "round {round}: half-applied statement");
        assert_eq!(a, r, "round {round}: half-applied statement");
        let present: Vec<u64> = a.keys().copied().collect();
        assert_eq!(
            present,
            (0..present.len() as u64).collect::<Vec<_>>(),
            "round {round}"
        );
        next = present.len() as u64;
        drop(db);
    }
    assert!(killed_mid_script > 0, "no round was killed before its end");
    let _ = std::fs::remove_dir_all(&dir);
    let mut log = std::io::stderr();
    let _ = writeln!(
        log,
        "crash test: {rounds} rounds, {killed_mid_script} killed mid-script, {next} statements survived"
    );
}
