//! Durable storage: round trips, log replay, locking and corruption. The kill -9 test is
//! in `tests/crash.rs`: it spawns processes, and a child forked while another test holds a
//! database lock would hold that lock too until it execs.

use std::path::{Path, PathBuf};

use baobab::{Database, ErrorKind, OpenOptions, Params, SyncMode, Value};

mod common;
use common::TempDir;

/// A fresh, empty folder for one test, removed when the test ends.
fn scratch(name: &str) -> TempDir {
    common::temp_dir("storage", name)
}

fn run(db: &Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new())
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .rows
        .to_vecs()
}

/// Everything a database holds, ids included, as comparable text.
fn state(db: &Database) -> String {
    let nodes = db
        .execute("MATCH (n) RETURN n ORDER BY id(n)", &Params::new())
        .unwrap();
    let mut out = String::new();
    for row in &nodes.rows {
        let Value::Node(id) = &row[0] else { panic!() };
        out.push_str(&format!("{:?}\n", nodes.node(*id).unwrap()));
    }
    let rels = db
        .execute("MATCH ()-[r]->() RETURN r ORDER BY id(r)", &Params::new())
        .unwrap();
    for row in &rels.rows {
        let Value::Relationship(id) = &row[0] else {
            panic!()
        };
        out.push_str(&format!("{:?}\n", rels.relationship(*id).unwrap()));
    }
    out
}

fn no_close_checkpoint() -> OpenOptions {
    OpenOptions {
        checkpoint_on_close: false,
        ..OpenOptions::default()
    }
}

/// Statements touching every value type, labels, keys, deletions (id holes) and updates.
const SCRIPT: &[&str] = &[
    "CREATE (a:Country:State {name: 'Mali', pop: 22395489, area: 1240192.0, member: true})",
    "CREATE (AES:Alliance {name: 'Alliance of Sahel States', founded: date('2023-09-16')})",
    "CREATE (:Tmp {i: 1}), (:Tmp {i: 2}), (:Tmp {i: 3}), (:Tmp {i: 4})",
    "MATCH (c:Country), (a) WHERE a.founded IS NOT NULL CREATE (c)-[:MEMBER_OF {since: 2023, w: 0.5}]->(a)",
    "MATCH (t:Tmp) WHERE t.i IN [2, 3] DETACH DELETE t",
    "CREATE (:Value {l: [1, 2, 3], f: [1.5, -0.0], s: ['a', 'é', ''], b: [true, false]})",
    "CREATE (:Time {t: localtime('12:34:56.789'), tz: time('12:00+02:00'), dt: localdatetime('2024-02-29T23:59:59'), zdt: datetime('2024-07-01T10:00[Africa/Bamako]'), d: duration('P1Y2M3DT4H5M6.007S')})",
    "CREATE (n:Big {x: 9223372036854775807, y: -9223372036854775808, z: 1.0e300})",
    "MATCH (t:Tmp {i: 1}) SET t.i = 10, t:Renamed REMOVE t:Tmp",
    "MATCH (t:Tmp) DELETE t",
    "CREATE (:Fresh {n: 1})-[:R]->(:Fresh {n: 2})",
    "MATCH (c:Country)-[r:MEMBER_OF]->() SET r.w = null, r.note = 'kept'",
    "MATCH (f:Fresh {n: 2}) DETACH DELETE f",
    "CREATE (:Fresh {n: 3}), (:Fresh {n: 4})",
];

#[test]
fn snapshot_and_log_round_trip_every_value_type() {
    let dir = scratch("roundtrip");
    let path = dir.join("g.baobab");
    let db = Database::open(&path).unwrap();
    for q in SCRIPT {
        run(&db, q);
    }
    let before = state(&db);
    assert!(before.contains("Africa/Bamako"), "{before}");
    db.close().unwrap();
    // Through the snapshot alone.
    let db = Database::open_with(&path, &no_close_checkpoint()).unwrap();
    assert_eq!(state(&db), before);
    run(&db, "CREATE (:After {n: 1})");
    let after = state(&db);
    drop(db);
    // Through snapshot + log replay.
    let db = Database::open_read_only(&path).unwrap();
    assert_eq!(state(&db), after);
    assert!(db.warnings().is_empty(), "{:?}", db.warnings());
}

/// Runs `SCRIPT` twice: once in one session, once with crashes (closing without a
/// checkpoint) and reopenings between statements; ids and all must come out the same.
#[test]
fn replay_hands_out_the_same_ids_as_the_live_database() {
    for seed in 0..6u64 {
        let dir = scratch("replay");
        let live_path = dir.join("live.baobab");
        let crash_path = dir.join("crash.baobab");
        let live = Database::open(&live_path).unwrap();
        let mut crashy = Some(Database::open_with(&crash_path, &no_close_checkpoint()).unwrap());
        let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for (i, q) in SCRIPT.iter().chain(SCRIPT.iter().skip(2)).enumerate() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            run(&live, q);
            run(crashy.as_ref().unwrap(), q);
            if rng % 4 == 0 {
                // The same checkpoints on both sides: checkpoints reorder free ids.
                live.checkpoint().unwrap();
                crashy.as_ref().unwrap().checkpoint().unwrap();
            }
            if rng % 3 == 0 {
                drop(crashy.take());
                crashy = Some(Database::open_with(&crash_path, &no_close_checkpoint()).unwrap());
            }
            assert_eq!(
                state(&live),
                state(crashy.as_ref().unwrap()),
                "seed {seed}, after statement {i}: {q}"
            );
        }
    }
}

#[test]
fn transactions_are_logged_whole_and_rolled_back_ones_not_at_all() {
    let dir = scratch("tx");
    let path = dir.join("g.baobab");
    let db = Database::open_with(&path, &no_close_checkpoint()).unwrap();
    let mut tx = db.begin().unwrap();
    tx.execute("CREATE (:A {n: 1})", &Params::new()).unwrap();
    tx.execute("CREATE (:A {n: 2})", &Params::new()).unwrap();
    tx.commit().unwrap();
    let mut tx = db.begin().unwrap();
    tx.execute("CREATE (:B)", &Params::new()).unwrap();
    tx.rollback().unwrap();
    assert!(db.execute("CREATE (:C {n: 1/0})", &Params::new()).is_err());
    let before = state(&db);
    drop(db);
    let db = Database::open(&path).unwrap();
    assert_eq!(state(&db), before);
    assert_eq!(
        run(&db, "MATCH (n) RETURN count(n)"),
        vec![vec![Value::Int(2)]]
    );
}

#[test]
fn checkpoint_statement_empties_the_log() {
    let dir = scratch("checkpoint");
    let path = dir.join("g.baobab");
    let wal = baobab::storage::wal_path(&path);
    let db = Database::open(&path).unwrap();
    run(&db, "UNWIND range(1, 100) AS i CREATE (:N {i: i})");
    let logged = std::fs::metadata(&wal).unwrap().len();
    assert!(logged > 200, "{logged}");
    run(&db, "CHECKPOINT");
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 24);
    drop(db);
    let db = Database::open(&path).unwrap();
    assert_eq!(
        run(&db, "MATCH (n:N) RETURN sum(n.i)"),
        vec![vec![Value::Int(5050)]]
    );
}

#[test]
fn the_log_checkpoints_itself_past_its_size_limit() {
    let dir = scratch("auto");
    let path = dir.join("g.baobab");
    let wal = baobab::storage::wal_path(&path);
    let options = OpenOptions {
        checkpoint_bytes: 4096,
        sync: SyncMode::Normal,
        ..no_close_checkpoint()
    };
    let db = Database::open_with(&path, &options).unwrap();
    for i in 0..200 {
        run(
            &db,
            &format!("CREATE (:N {{i: {i}, pad: '{}'}})", "x".repeat(40)),
        );
    }
    assert!(std::fs::metadata(&wal).unwrap().len() <= 4096 + 200);
    drop(db);
    let db = Database::open(&path).unwrap();
    assert_eq!(
        run(&db, "MATCH (n:N) RETURN count(n)"),
        vec![vec![Value::Int(200)]]
    );
}

#[test]
fn one_writer_many_readers() {
    let dir = scratch("lock");
    let path = dir.join("g.baobab");
    let db = Database::open(&path).unwrap();
    run(&db, "CREATE (:N)");
    let second = Database::open(&path)
        .err()
        .expect("a second writer must be refused");
    assert_eq!(second.kind, ErrorKind::Locked, "{second}");
    let reader = Database::open_read_only(&path)
        .err()
        .expect("readers wait for the writer");
    assert_eq!(reader.kind, ErrorKind::Locked);
    drop(db);
    let r1 = Database::open_read_only(&path).unwrap();
    let r2 = Database::open_read_only(&path).unwrap();
    assert_eq!(
        run(&r2, "MATCH (n) RETURN count(n)"),
        vec![vec![Value::Int(1)]]
    );
    let refused = r1.execute("CREATE (:M)", &Params::new()).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::TransactionError, "{refused}");
    assert_eq!(
        run(&r1, "MATCH (n) RETURN count(n)"),
        vec![vec![Value::Int(1)]]
    );
    assert_eq!(
        Database::open(&path).err().map(|e| e.kind),
        Some(ErrorKind::Locked)
    );
}

#[test]
fn missing_files_and_foreign_files_are_clear_errors() {
    let dir = scratch("foreign");
    let missing = Database::open_read_only(dir.join("nope.baobab"))
        .err()
        .unwrap();
    assert_eq!(missing.kind, ErrorKind::Io);
    assert!(missing.message.contains("nope.baobab"), "{missing}");
    let text = dir.join("notes.txt");
    std::fs::write(
        &text,
        "MATCH (n) RETURN n; some text that is not a database",
    )
    .unwrap();
    let e = Database::open(&text).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Corruption);
    assert!(
        e.message.contains("notes.txt") && e.message.contains("magic"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "MATCH (n) RETURN n; some text that is not a database"
    );
    // The failed open takes back the log it created: the folder is as it was.
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&dir), ["notes.txt"]);
    // A log that was there before stays.
    std::fs::write(dir.join("notes.txt-wal"), "").unwrap();
    assert!(Database::open(&text).is_err());
    assert_eq!(names(&dir), ["notes.txt", "notes.txt-wal"]);
}

#[test]
fn an_empty_file_is_a_new_database_unless_its_log_holds_records() {
    let dir = scratch("empty");
    let path = dir.join("touched.baobab");
    std::fs::write(&path, "").unwrap();
    // Read-only: an empty database, and the file is left as it is.
    let db = Database::open_read_only(&path).unwrap();
    assert_eq!(run(&db, "MATCH (n) RETURN count(n)"), [[Value::Int(0)]]);
    drop(db);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    let db = Database::open(&path).unwrap();
    run(&db, "CREATE (:Country {name: 'Mali'})");
    db.close().unwrap();
    let db = Database::open(&path).unwrap();
    assert_eq!(
        run(&db, "MATCH (c:Country) RETURN c.name"),
        [[Value::from("Mali")]]
    );
    drop(db);
    // An empty snapshot with records logged after it lost what they build on.
    let lost = dir.join("lost.baobab");
    let db = Database::open_with(&lost, &no_close_checkpoint()).unwrap();
    run(&db, "CREATE (:Country {name: 'Niger'})");
    drop(db);
    std::fs::write(&lost, "").unwrap();
    let e = Database::open(&lost).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Corruption);
    assert!(e.message.contains("snapshot file is empty"), "{e}");
    assert_eq!(std::fs::metadata(&lost).unwrap().len(), 0, "left as it was");
    // So does one whose log follows a checkpoint, records or not: `touched.baobab` was
    // closed (checkpointed) above.
    std::fs::write(&path, "").unwrap();
    let e = Database::open(&path).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Corruption);
    assert!(e.message.contains("follows snapshot generation"), "{e}");
    // Deleted, with its log left: the error says what to do.
    std::fs::remove_file(&path).unwrap();
    let e = Database::open(&path).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Corruption);
    assert!(e.message.contains("deleted on purpose"), "{e}");
    assert!(!path.exists(), "no snapshot written");
}

/// A database with a snapshot and a log of `SCRIPT`'s statements after it. Returns the
/// states after each logged statement (index 0: the snapshot alone).
fn damaged_fixture(dir: &Path) -> (PathBuf, Vec<String>) {
    let path = dir.join("g.baobab");
    let db = Database::open_with(&path, &no_close_checkpoint()).unwrap();
    for q in &SCRIPT[..6] {
        run(&db, q);
    }
    db.checkpoint().unwrap();
    let mut states = vec![state(&db)];
    for q in &SCRIPT[6..] {
        run(&db, q);
        states.push(state(&db));
    }
    drop(db);
    (path, states)
}

/// Opens a damaged copy; asserts it either opens to one of `states` or fails cleanly with
/// the files left untouched.
fn check_damaged(path: &Path, states: &[String], what: &str) -> bool {
    let wal = baobab::storage::wal_path(path);
    let snap_before = std::fs::read(path).unwrap();
    let wal_before = std::fs::read(&wal).unwrap();
    match Database::open_read_only(path) {
        Ok(db) => {
            let s = state(&db);
            assert!(
                states.contains(&s),
                "{what}: opened to a state that never was"
            );
            true
        }
        Err(e) => {
            assert!(
                matches!(e.kind, ErrorKind::Corruption),
                "{what}: unexpected error {e}"
            );
            assert!(e.message.contains("byte"), "{what}: no offset in {e}");
            assert_eq!(std::fs::read(path).unwrap(), snap_before, "{what}");
            assert_eq!(std::fs::read(&wal).unwrap(), wal_before, "{what}");
            false
        }
    }
}

#[test]
fn every_damaged_byte_is_caught_or_harmless() {
    let dir = scratch("damage");
    let (path, states) = damaged_fixture(&dir);
    let wal = baobab::storage::wal_path(&path);
    let snap = std::fs::read(&path).unwrap();
    let log = std::fs::read(&wal).unwrap();
    let mut snapshot_accepted = 0;
    for i in 0..snap.len() {
        let mut bad = snap.clone();
        bad[i] ^= 0x5a;
        std::fs::write(&path, &bad).unwrap();
        if check_damaged(&path, &states, &format!("snapshot byte {i} flipped")) {
            snapshot_accepted += 1;
        }
        std::fs::write(&path, &snap[..i]).unwrap();
        if check_damaged(&path, &states, &format!("snapshot cut at {i}")) {
            snapshot_accepted += 1;
        }
    }
    assert_eq!(snapshot_accepted, 0, "a damaged snapshot must never open");
    std::fs::write(&path, &snap).unwrap();
    let mut recovered = 0;
    for i in 0..log.len() {
        let mut bad = log.clone();
        bad[i] ^= 0xa5;
        std::fs::write(&wal, &bad).unwrap();
        check_damaged(&path, &states, &format!("log byte {i} flipped"));
        std::fs::write(&wal, &log[..i]).unwrap();
        // A log cut anywhere opens to the commits wholly before the cut (or fails at a
        // header cut inside).
        if check_damaged(&path, &states, &format!("log cut at {i}")) {
            recovered += 1;
        }
    }
    assert!(recovered > log.len() / 2, "{recovered} of {}", log.len());
    // The intact files still open to the last state.
    std::fs::write(&wal, &log).unwrap();
    let db = Database::open_read_only(&path).unwrap();
    assert_eq!(&state(&db), states.last().unwrap());
}

#[test]
fn a_torn_last_record_is_dropped_with_a_warning_and_the_log_repaired() {
    let dir = scratch("torn");
    let (path, states) = damaged_fixture(&dir);
    let wal = baobab::storage::wal_path(&path);
    let log = std::fs::read(&wal).unwrap();
    std::fs::write(&wal, &log[..log.len() - 3]).unwrap();
    let db = Database::open_with(&path, &no_close_checkpoint()).unwrap();
    assert_eq!(&state(&db), &states[states.len() - 2]);
    let w = db.warnings();
    assert!(
        w.len() == 1 && w[0].contains("incomplete last record"),
        "{w:?}"
    );
    run(&db, "CREATE (:AfterRepair)");
    drop(db);
    let db = Database::open(&path).unwrap();
    assert!(db.warnings().is_empty());
    assert_eq!(
        run(&db, "MATCH (n:AfterRepair) RETURN count(n)"),
        vec![vec![Value::Int(1)]]
    );
}

#[test]
fn a_damaged_record_in_the_middle_is_an_error_naming_file_and_offset() {
    let dir = scratch("middle");
    let (path, _) = damaged_fixture(&dir);
    let wal = baobab::storage::wal_path(&path);
    let mut log = std::fs::read(&wal).unwrap();
    log[24 + 14] ^= 1; // inside the first record's payload
    std::fs::write(&wal, &log).unwrap();
    let e = Database::open(&path).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Corruption);
    assert!(
        e.message.contains("-wal") && e.message.contains("byte 24"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        log,
        "a failed open must not repair"
    );
}

#[test]
fn indexes_constraints_and_keys_survive_restarts() {
    let dir = scratch("schema");
    let path = dir.join("g.baobab");
    let show = |db: &Database| {
        let mut rows = run(db, "SHOW INDEXES");
        rows.extend(run(db, "SHOW CONSTRAINTS"));
        format!("{rows:?}")
    };
    let db = Database::open_with(&path, &no_close_checkpoint()).unwrap();
    run(&db, "CREATE (AES:Alliance {name: 'AES'})");
    run(&db, "CREATE INDEX country_name FOR (c:Country) ON (c.name)");
    run(
        &db,
        "CREATE CONSTRAINT iso FOR (c:Country) REQUIRE c.iso IS UNIQUE",
    );
    run(&db, "CREATE (:Country {name: 'Mali', iso: 'ML'})");
    let schema = show(&db);
    assert!(
        schema.contains("country_name") && schema.contains("iso"),
        "{schema}"
    );
    drop(db); // no checkpoint: the definitions come back from the log
    for round in 0..2 {
        let db = Database::open(&path).unwrap();
        assert_eq!(show(&db), schema, "round {round}");
        let dup = db
            .execute(
                "CREATE (:Country {name: 'Mali bis', iso: 'ML'})",
                &Params::new(),
            )
            .unwrap_err();
        assert_eq!(dup.kind, ErrorKind::ConstraintVerificationFailed, "{dup}");
        let key = db
            .execute("CREATE (AES:Alliance {name: 'again'})", &Params::new())
            .unwrap_err();
        assert_eq!(key.kind, ErrorKind::ConstraintVerificationFailed, "{key}");
        let plan = db
            .execute(
                "EXPLAIN MATCH (c:Country {name: 'Mali'}) RETURN c.iso",
                &Params::new(),
            )
            .unwrap()
            .plan
            .unwrap();
        assert!(plan.contains("NodeIndexSeek"), "{plan}");
        assert_eq!(
            run(&db, "MATCH (c:Country {name: 'Mali'}) RETURN c.iso"),
            vec![vec![Value::from("ML")]]
        );
        drop(db); // checkpointed: the second round reads them from the snapshot
    }
    let db = Database::open_with(&path, &no_close_checkpoint()).unwrap();
    run(&db, "DROP INDEX country_name");
    drop(db);
    let db = Database::open(&path).unwrap();
    assert!(!show(&db).contains("country_name"));
    assert!(show(&db).contains("iso"));
}

/// A restore packs the properties of records sharing a key set into column tables (64 or
/// more records). Packed records must read, change, roll back and persist exactly as the
/// same records written one statement at a time.
#[test]
fn packed_properties_behave_as_written_ones() {
    let dir = scratch("packed");
    let path = dir.join("g.baobab");
    let setup = [
        "UNWIND range(1, 150) AS i CREATE (:P {i: i, name: 'p' + toString(i % 7), l: [i, -i]})",
        "UNWIND range(1, 70) AS i CREATE (:Q {i: i})",
        "CREATE (:P {i: 0})",
        "MATCH (a:P), (b:Q) WHERE a.i = b.i CREATE (a)-[:R {w: a.i * 2}]->(b)",
        "MATCH (a:P), (b:P) WHERE a.i + 1 = b.i AND a.i < 20 CREATE (a)-[:S]->(b)",
    ];
    let reference = Database::in_memory();
    let db = Database::open(&path).unwrap();
    for q in setup {
        run(&reference, q);
        run(&db, q);
    }
    db.close().unwrap();
    let db = Database::open(&path).unwrap();
    assert_eq!(state(&db), state(&reference));
    let reads = [
        "MATCH (p:P) WHERE p.i >= 140 RETURN p.name AS n, count(*) AS c ORDER BY n",
        "MATCH (p:P)-[r:R]->(q) WHERE r.w > 130 RETURN p.i, r.w, q.i ORDER BY p.i",
        "MATCH (p:P {i: 3}) RETURN properties(p), keys(p)",
        "MATCH ()-[r]->() RETURN type(r), sum(r.w), count(r.w) ORDER BY type(r)",
    ];
    let writes = [
        "MATCH (p:P) WHERE p.i % 10 = 0 SET p.i = p.i + 1000, p.extra = true",
        "MATCH (p:P {i: 5}) REMOVE p.name",
        "MATCH (p:P {i: 6}) SET p = {only: 1}",
        "MATCH (q:Q) WHERE q.i < 4 SET q += {i: null, z: 'z'}",
        "MATCH ()-[r:R]->() WHERE r.w < 10 SET r.w = -r.w",
        "MATCH (p:P {i: 7}) DETACH DELETE p",
    ];
    let check = |db: &Database| {
        assert_eq!(state(db), state(&reference));
        for q in reads {
            assert_eq!(run(db, q), run(&reference, q), "{q}");
        }
    };
    for q in writes {
        // Rolled back first: the packed rows must come back as they were.
        let mut tx = db.begin().unwrap();
        tx.execute(q, &Params::new()).unwrap();
        tx.rollback().unwrap();
        check(&db);
        run(&db, q);
        run(&reference, q);
        check(&db);
    }
    db.close().unwrap();
    let db = Database::open(&path).unwrap();
    check(&db);
}
