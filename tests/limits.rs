//! Time limits, cancellation and row limits through the public API.

use std::time::Duration;

use baobab::{CancelHandle, Database, ErrorKind, ExecuteOptions, Params, QueryLimits};

/// 10^8 rows: far longer than any limit below lets it run.
const ENDLESS: &str = "UNWIND range(1, 10000) AS x UNWIND range(1, 10000) AS y RETURN count(*)";

fn none() -> Params {
    Params::new()
}

#[track_caller]
fn fails_with(db: &Database, query: &str, options: &ExecuteOptions, kind: ErrorKind) {
    match db.execute_with(query, &none(), options) {
        Ok(r) => panic!("{query} succeeded with {} rows", r.rows.len()),
        Err(e) => assert_eq!(e.kind, kind, "{query}: {e}"),
    }
}

fn count(db: &Database, query: &str) -> i64 {
    let r = db.execute(query, &none()).unwrap();
    r.rows[0][0].as_int().unwrap()
}

/// A complete graph on `n` nodes, one relationship per pair.
fn complete_graph(n: usize) -> Database {
    let db = Database::in_memory();
    let q = format!(
        "UNWIND range(1, {n}) AS i CREATE (:N {{i: i}}) WITH count(*) AS done \
         MATCH (a:N), (b:N) WHERE a.i < b.i CREATE (a)-[:R]->(b)"
    );
    db.execute(&q, &none()).unwrap();
    db
}

#[test]
fn a_timeout_stops_a_long_query() {
    let db = Database::in_memory();
    let options = ExecuteOptions::new().timeout(Duration::from_millis(20));
    fails_with(&db, ENDLESS, &options, ErrorKind::Timeout);
}

#[test]
fn a_timeout_stops_work_inside_one_expression() {
    // No row flows while these run: each is one expression over a long list (a reduce, a
    // comprehension, a quantifier), stopped all the same.
    let db = Database::in_memory();
    let options = ExecuteOptions::new().timeout(Duration::from_millis(20));
    // `range` itself takes no turns: each loop below is the only one that can stop.
    for q in [
        "UNWIND [100000] AS n RETURN reduce(acc = 0, i IN range(1, n) | acc + size(range(1, 20000 + i % 2)))",
        "UNWIND [100000] AS n RETURN size([i IN range(1, n) | size(range(1, 20000 + i % 2))])",
        "UNWIND [100000] AS n RETURN all(i IN range(1, n) WHERE size(range(1, 20000 + i % 2)) > 0)",
    ] {
        fails_with(&db, q, &options, ErrorKind::Timeout);
    }
}

#[test]
fn the_default_timeout_applies_and_options_override_it() {
    let db = Database::in_memory();
    db.set_default_limits(QueryLimits {
        timeout: Some(Duration::from_millis(20)),
        ..QueryLimits::default()
    });
    assert_eq!(
        db.execute(ENDLESS, &none()).unwrap_err().kind,
        ErrorKind::Timeout
    );
    // A short query is unaffected; an explicit option replaces the default.
    assert_eq!(count(&db, "RETURN 1"), 1);
    let generous = ExecuteOptions::new().timeout(Duration::from_secs(3600));
    let r = db
        .execute_with(
            "UNWIND range(1, 5000) AS x RETURN count(*)",
            &none(),
            &generous,
        )
        .unwrap();
    assert_eq!(r.rows[0][0].as_int(), Some(5000));
}

#[test]
fn another_thread_cancels_a_running_query() {
    let db = Database::in_memory();
    let cancel = CancelHandle::new();
    let options = ExecuteOptions::new().cancel(cancel.clone());
    std::thread::scope(|s| {
        let runner = s.spawn(|| db.execute_with(ENDLESS, &none(), &options));
        cancel.cancel();
        let err = runner.join().unwrap().unwrap_err();
        assert_eq!(err.kind, ErrorKind::Cancelled);
    });
    // The handle stays cancelled until reset, then serves again.
    fails_with(
        &db,
        "UNWIND range(1, 5000) AS x RETURN x",
        &options,
        ErrorKind::Cancelled,
    );
    cancel.reset();
    let r = db
        .execute_with("UNWIND range(1, 5000) AS x RETURN x", &none(), &options)
        .unwrap();
    assert_eq!(r.rows.len(), 5000);
}

#[test]
fn cancelled_writes_change_nothing() {
    let db = Database::in_memory();
    let cancel = CancelHandle::new();
    cancel.cancel();
    let options = ExecuteOptions::new().cancel(cancel);
    fails_with(
        &db,
        "UNWIND range(1, 100000) AS x CREATE (:N {x: x})",
        &options,
        ErrorKind::Cancelled,
    );
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 0);
}

#[test]
fn a_timed_out_statement_rolls_its_transaction_back() {
    let db = Database::in_memory();
    db.execute("CREATE (:Before)", &none()).unwrap();
    {
        let mut tx = db.begin().unwrap();
        tx.execute("CREATE (:InTx)", &none()).unwrap();
        let options = ExecuteOptions::new().timeout(Duration::from_millis(10));
        let err = tx
            .execute_with(
                "UNWIND range(1, 10000) AS x UNWIND range(1, 10000) AS y CREATE (:Lost)",
                &none(),
                &options,
            )
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Timeout);
        let again = tx.execute("RETURN 1", &none()).unwrap_err();
        assert_eq!(again.kind, ErrorKind::TransactionError);
        assert_eq!(tx.commit().unwrap_err().kind, ErrorKind::TransactionError);
    }
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 1);
    assert_eq!(count(&db, "MATCH (n:Before) RETURN count(n)"), 1);
}

#[test]
fn path_enumeration_on_a_dense_graph_hits_the_row_limit() {
    let db = complete_graph(9);
    let options = ExecuteOptions::new().max_rows(100_000);
    for q in [
        "MATCH (a)-[*]-(b) RETURN count(*)",
        "MATCH p = (a)-[*]-(b) RETURN p",
        "MATCH (a)-[*]-(b) RETURN DISTINCT a, b",
        "MATCH (a {i: 1})-[*]-(b {i: 2}) RETURN count(*)",
    ] {
        fails_with(&db, q, &options, ErrorKind::ResourceLimit);
    }
    // Bounded expansions still work under the same limit.
    let r = db
        .execute_with("MATCH (a)-[*1..2]->(b) RETURN count(*)", &none(), &options)
        .unwrap();
    // 36 one-hop paths and, for each a < b < c, one two-hop path: C(9,3) = 84.
    assert_eq!(r.rows[0][0].as_int(), Some(36 + 84));
}

#[test]
fn path_enumeration_on_a_dense_graph_stops_with_the_defaults() {
    let db = complete_graph(12);
    assert_eq!(
        db.execute("MATCH (a)-[*]-(b) RETURN count(*)", &none())
            .unwrap_err()
            .kind,
        ErrorKind::ResourceLimit
    );
}

#[test]
fn buffering_operators_respect_the_row_limit() {
    let db = Database::in_memory();
    let options = ExecuteOptions::new().max_rows(1000);
    for q in [
        "UNWIND range(1, 2000) AS x RETURN x ORDER BY x DESC",
        "UNWIND range(1, 2000) AS x RETURN x % 1500 AS k, count(*)",
        "UNWIND range(1, 2000) AS x RETURN collect(x)",
        "UNWIND range(1, 2000) AS x RETURN count(DISTINCT x)",
        "UNWIND range(1, 2000) AS x RETURN percentileDisc(x, 0.5)",
        "UNWIND range(1, 2000) AS x WITH DISTINCT x RETURN count(*)",
        "UNWIND range(1, 2000) AS x RETURN x UNION UNWIND range(1, 10) AS x RETURN x",
        "UNWIND range(1, 2000) AS x RETURN x",
        // A write whose input reads the graph buffers that input (eager); one fed only by
        // UNWIND streams row by row and holds nothing.
        "UNWIND range(1, 2000) AS x OPTIONAL MATCH (m) CREATE (:N)",
    ] {
        fails_with(&db, q, &options, ErrorKind::ResourceLimit);
    }
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 0);
    // Streaming work under the limit is fine.
    let r = db
        .execute_with(
            "UNWIND range(1, 2000) AS x WITH x WHERE x > 1500 RETURN sum(x)",
            &none(),
            &options,
        )
        .unwrap();
    assert_eq!(r.rows[0][0].as_int(), Some((1501..=2000).sum::<i64>()));
    // ORDER BY ... LIMIT holds only a few times the limit, not every row.
    let r = db
        .execute_with(
            "UNWIND range(1, 2000) AS x RETURN x ORDER BY x DESC LIMIT 5",
            &none(),
            &options,
        )
        .unwrap();
    let top: Vec<_> = r.rows.iter().map(|row| row[0].as_int()).collect();
    assert_eq!(top, [2000, 1999, 1998, 1997, 1996].map(Some));
}

#[test]
fn values_cannot_grow_without_bound() {
    let db = Database::in_memory();
    for q in [
        "RETURN size(reduce(s = 'ab', i IN range(1, 64) | s + s))",
        "RETURN size(reduce(l = [1], i IN range(1, 64) | l + l))",
        "RETURN size(range(1, 10000000000))",
        "WITH reduce(s = 'a', i IN range(1, 20) | s + s) AS s RETURN size(replace(s, 'a', s))",
    ] {
        fails_with(&db, q, &ExecuteOptions::new(), ErrorKind::ResourceLimit);
    }
}

#[test]
fn deep_nesting_is_a_syntax_error() {
    let db = Database::in_memory();
    let deep = format!("RETURN {}1{}", "[".repeat(5000), "]".repeat(5000));
    let err = db.execute(&deep, &none()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::SyntaxError, "{err}");
    let fine = format!("RETURN {}1{} AS x", "[".repeat(100), "]".repeat(100));
    assert!(db.execute(&fine, &none()).is_ok());
}
