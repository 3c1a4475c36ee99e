//! Several readers and one writer share one `Database` for a fixed number of operations.
//! Every committed write adds pairs (two nodes and one relationship between them), so each
//! read, which sees one consistent state, finds twice as many nodes as relationships, never
//! fewer than before; failed and rolled-back writes leave no trace; nothing is lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use baobab::{Database, ErrorKind, Params, Value};

const READERS: usize = 4;
const WRITES: i64 = 300;
const READS_PER_READER: usize = 300;
/// Only a deadlock takes this long: the work itself needs a few seconds at most.
const DEADLOCK: Duration = Duration::from_secs(300);

const PAIR: &str = "CREATE (:P {k: $k})-[:PAIR]->(:P {k: $k})";

fn k(i: i64) -> Params {
    let mut p = Params::new();
    p.insert("k".into(), Value::Int(i));
    p
}

/// The writer: per round one autocommit pair, one transaction of two pairs, one failing
/// statement (rolled back), one rolled-back transaction. Returns the pairs committed.
fn writer(db: &Database) -> i64 {
    let mut committed = 0;
    for i in 0..WRITES {
        match i % 4 {
            0 => {
                db.execute(PAIR, &k(i)).unwrap();
                committed += 1;
            }
            1 => {
                let mut tx = db.begin().unwrap();
                tx.execute(PAIR, &k(i)).unwrap();
                tx.execute(PAIR, &k(i)).unwrap();
                tx.commit().unwrap();
                committed += 2;
            }
            2 => {
                // Creates a pair, then fails: the pair must vanish.
                let err = db
                    .execute(&format!("{PAIR} WITH 1 AS one RETURN one / 0"), &k(i))
                    .unwrap_err();
                assert_eq!(err.kind, ErrorKind::ArithmeticError);
            }
            _ => {
                let mut tx = db.begin().unwrap();
                tx.execute(PAIR, &k(i)).unwrap();
                tx.rollback().unwrap();
            }
        }
    }
    committed
}

/// One reader: checks the invariant on every read and that counts never go down. Reads
/// at least `READS_PER_READER` times and on until the writer is done.
fn reader(db: &Database, writer_done: &AtomicBool) -> usize {
    let mut last = 0;
    let mut reads = 0;
    let mut n = 0;
    while n < READS_PER_READER || !writer_done.load(Ordering::Relaxed) {
        n += 1;
        let (nodes, rels) = if n % 3 == 0 {
            let s = db.schema().unwrap();
            (s.nodes as i64, s.relationships as i64)
        } else {
            let r = db
                .execute(
                    "MATCH (n:P) WITH count(n) AS nodes \
                     OPTIONAL MATCH (:P)-[r:PAIR]->(:P) RETURN nodes, count(r) AS rels",
                    &Params::new(),
                )
                .unwrap();
            (
                r.rows[0][0].as_int().unwrap(),
                r.rows[0][1].as_int().unwrap(),
            )
        };
        assert_eq!(nodes, 2 * rels, "a read saw half a pair");
        assert!(
            rels >= last,
            "a read went back in time: {rels} after {last}"
        );
        last = rels;
        reads += 1;
        // Pairs are never split: every relationship joins two nodes of the same k.
        if n % 50 == 0 {
            let r = db
                .execute(
                    "MATCH (a:P)-[:PAIR]->(b:P) WHERE a.k <> b.k RETURN count(*)",
                    &Params::new(),
                )
                .unwrap();
            assert_eq!(r.rows[0][0].as_int(), Some(0));
        }
    }
    reads
}

#[test]
fn readers_see_whole_writes_and_nothing_is_lost() {
    let db = Database::in_memory();
    let (done, finished) = mpsc::channel();
    let writer_done = AtomicBool::new(false);
    let (committed, reads) = std::thread::scope(|s| {
        let w = {
            let (db, done, writer_done) = (&db, done.clone(), &writer_done);
            s.spawn(move || {
                let c = writer(db);
                writer_done.store(true, Ordering::Relaxed);
                let _ = done.send(());
                c
            })
        };
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                let (db, done, writer_done) = (&db, done.clone(), &writer_done);
                s.spawn(move || {
                    let r = reader(db, writer_done);
                    let _ = done.send(());
                    r
                })
            })
            .collect();
        for _ in 0..=READERS {
            finished
                .recv_timeout(DEADLOCK)
                .expect("every thread finishes (no deadlock)");
        }
        let committed = w.join().unwrap();
        let reads: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
        (committed, reads)
    });
    assert!(reads >= READERS * READS_PER_READER);
    let r = db
        .execute(
            "MATCH (n:P) WITH count(n) AS nodes MATCH ()-[r:PAIR]->() RETURN nodes, count(r)",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows[0][0].as_int(), Some(2 * committed));
    assert_eq!(r.rows[0][1].as_int(), Some(committed));
}

#[test]
fn a_reader_cancelled_mid_query_leaves_the_database_usable() {
    let db = Database::in_memory();
    for i in 0..200 {
        db.execute(PAIR, &k(i)).unwrap();
    }
    let cancel = baobab::CancelHandle::new();
    let options = baobab::ExecuteOptions::new().cancel(cancel.clone());
    std::thread::scope(|s| {
        let long = s.spawn(|| {
            db.execute_with(
                "MATCH (a:P), (b:P), (c:P) RETURN count(*)",
                &Params::new(),
                &options,
            )
        });
        cancel.cancel();
        assert_eq!(long.join().unwrap().unwrap_err().kind, ErrorKind::Cancelled);
    });
    // The read lock was released: a writer gets in.
    db.execute(PAIR, &k(1000)).unwrap();
    let r = db
        .execute("MATCH (n:P) RETURN count(n)", &Params::new())
        .unwrap();
    assert_eq!(r.rows[0][0].as_int(), Some(402));
}
