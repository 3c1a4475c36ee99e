//! Shortcuts that rest on the store's counts or on a statement being read-only, each checked
//! against the long way round:
//! - counting without rows (ExpandCount): an aggregation that only counts the matches of
//!   the expansion below it gets each row's number of matches instead of a row per match.
//!   Every such query is checked against the same query counting with `sum(1)`, which the
//!   planner does not fold, on graphs with parallel relationships, self-loops, mixed
//!   labels, several types, label changes and deletions inside a transaction;
//! - label tests the counts prove (every relationship of a type reaches such a node) are
//!   skipped in read-only statements, and come back when the proof no longer holds;
//! - groups found by entity ids (`RETURN n.name, count(*)`) still merge entities with equal
//!   keys.

use baobab::{Database, Params, Value};

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A graph of `nodes` nodes labelled A, B, both or none, and `rels` relationships of types
/// T and U between random nodes (self-loops and parallel relationships included).
fn graph(seed: u64, nodes: u64, rels: u64) -> Database {
    let db = Database::in_memory();
    let mut rng = Lcg(seed);
    let mut script = String::new();
    for i in 0..nodes {
        let labels = [":A", ":B", ":A:B", ""][rng.next(4) as usize];
        script.push_str(&format!("CREATE (:N{labels} {{i: {i}}})\n"));
    }
    for stmt in script.lines() {
        db.execute(stmt, &Params::new()).expect("node created");
    }
    for _ in 0..rels {
        let (a, b) = (rng.next(nodes), rng.next(nodes));
        let ty = ["T", "U"][rng.next(2) as usize];
        db.execute(
            &format!("MATCH (a:N {{i: {a}}}), (b:N {{i: {b}}}) CREATE (a)-[:{ty}]->(b)"),
            &Params::new(),
        )
        .expect("relationship created");
    }
    db
}

fn rows(db: &Database, q: &str) -> Vec<Vec<Value>> {
    match db.execute(q, &Params::new()) {
        Ok(r) => {
            let mut rows = r.rows.to_vecs();
            rows.sort_by_key(|r| format!("{r:?}"));
            rows
        }
        Err(e) => panic!("{q}: {e}"),
    }
}

fn plan(db: &Database, q: &str) -> String {
    let r = db
        .execute(&format!("EXPLAIN {q}"), &Params::new())
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    r.plan.map(|p| p.to_string()).unwrap_or_default()
}

/// Queries whose `count(...)` the planner folds; `COUNT` is replaced by `sum(1)` for the
/// reference answer.
const QUERIES: &[&str] = &[
    "MATCH (a:A)-[:T]->(b:B) RETURN a.i AS a, COUNT AS n",
    "MATCH (a:A)-[:T]->(b) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)<-[:T]-(b:A) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)-[:T]-(b:B) RETURN a.i AS a, COUNT AS n",
    "MATCH (a:B)-[:T|U]->(b:A) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)-[r:U]->(b:A:B) RETURN COUNT AS n",
    "MATCH (a:A)-[:T]->(m)-[:U]->(b:B) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)-[:T]->(m)-[:T]->(b) RETURN m.i AS m, COUNT AS n",
    "MATCH (a)-[:T]-(m)-[:T]-(b) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)-[:T]->(b)-[:T]->(c), (a)-[:T]->(c) RETURN COUNT AS n",
    "MATCH (a:A)-[:T]->(b)-[:T]->(c:B), (a)-[:T]->(c) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)-[:T]-(b)-[:T]-(c), (a)-[:T]-(c) RETURN COUNT AS n",
    "MATCH (a)-[:T|U]->(b)-[:U]->(c), (a)<-[:T|U]-(c) RETURN b.i AS b, COUNT AS n",
    "MATCH (a)-[:T]->(a) RETURN a.i AS a, COUNT AS n",
    "MATCH (a)-[:T]->(b), (a)-[:T]->(b) RETURN a.i AS a, COUNT AS n",
];

/// Checks every query against its `sum(1)` form. Whether a count is folded depends on the
/// start point the planner picks (the counted expansion must come last), so this asserts
/// that two in three are, and that the reference never is.
fn check_all(run: &mut dyn FnMut(&str) -> Vec<Vec<Value>>, explain: &dyn Fn(&str) -> String) {
    let (mut folded_count, mut total) = (0, 0);
    for q in QUERIES {
        for counted in ["count(*)", "count(b)"] {
            if counted == "count(b)" && !q.contains("(b") {
                continue;
            }
            let folded = q.replace("COUNT", counted);
            let reference = q.replace("COUNT", "sum(1)");
            total += 1;
            if explain(&folded).contains("ExpandCount") {
                folded_count += 1;
            }
            assert!(!explain(&reference).contains("ExpandCount"));
            let got = run(&folded);
            let want = run(&reference);
            assert_eq!(got, want, "{folded}");
        }
    }
    // The cost model knows which expansion a count folds (the last one, when nothing reads
    // what it binds) and prefers starts that leave it last.
    assert!(
        folded_count * 3 >= total * 2,
        "only {folded_count} of {total} counts folded"
    );
}

#[test]
fn folded_counts_equal_row_counts() {
    for seed in 1..=4 {
        let db = graph(seed, 30, 120);
        check_all(&mut |q| rows(&db, q), &|q| plan(&db, q));
    }
}

#[test]
fn folded_counts_follow_label_changes() {
    let db = graph(7, 25, 100);
    // Make every T start and end at an A node: the counts then prove the label test.
    db.execute("MATCH (n:N) SET n:A", &Params::new()).unwrap();
    check_all(&mut |q| rows(&db, q), &|q| plan(&db, q));
    // ...and no longer after a label goes.
    db.execute("MATCH (n:N) WHERE n.i % 3 = 0 REMOVE n:A", &Params::new())
        .unwrap();
    check_all(&mut |q| rows(&db, q), &|q| plan(&db, q));
}

#[test]
fn folded_counts_skip_relationships_deleted_in_the_transaction() {
    let db = graph(11, 25, 100);
    let explain = |q: &str| plan(&db, q);
    let mut tx = db.begin().unwrap();
    tx.execute(
        "MATCH (a)-[r]->(b) WHERE (a.i + b.i) % 4 = 0 DELETE r",
        &Params::new(),
    )
    .unwrap();
    tx.execute("MATCH (n:N) WHERE n.i = 3 DETACH DELETE n", &Params::new())
        .unwrap();
    let mut in_tx = |q: &str| {
        let mut r = tx.execute(q, &Params::new()).unwrap().rows.to_vecs();
        r.sort_by_key(|r| format!("{r:?}"));
        r
    };
    let mut answers = Vec::new();
    for q in QUERIES {
        let folded = q.replace("COUNT", "count(*)");
        let reference = q.replace("COUNT", "sum(1)");
        let got = in_tx(&folded);
        assert_eq!(got, in_tx(&reference), "{folded}");
        answers.push((folded, got));
    }
    tx.commit().unwrap();
    // After the commit the tombstones are gone: the same answers, now read without them.
    let mut folded = 0;
    for (q, want) in &answers {
        folded += usize::from(explain(q).contains("ExpandCount"));
        assert_eq!(&rows(&db, q), want, "{q}");
    }
    assert!(folded * 2 > answers.len(), "only {folded} counts folded");
}

#[test]
fn counts_over_written_rows_are_not_folded_wrongly() {
    // A write under the count: the counted expansion sees the relationships just created.
    let db = graph(3, 10, 20);
    let q = "MATCH (a:N {i: 1}), (b:N {i: 2}) CREATE (a)-[:T]->(b) \
             WITH a MATCH (a)-[:T]->(x) RETURN count(x) AS n";
    let before = rows(&db, "MATCH (a:N {i: 1})-[:T]->(x) RETURN count(x) AS n");
    let after = rows(&db, q);
    let (Some(Value::Int(b)), Some(Value::Int(a))) = (before[0].first(), after[0].first()) else {
        panic!("counts expected");
    };
    assert_eq!(*a, b + 1);
}

#[test]
fn label_tests_proven_by_the_counts_stop_holding_when_the_data_changes() {
    let db = Database::in_memory();
    let names = |db: &Database| -> Vec<String> {
        rows(db, "MATCH (a:P)-[:T]->(b:Q) RETURN b.name AS name")
            .into_iter()
            .map(|r| r[0].to_string())
            .collect()
    };
    db.execute(
        "UNWIND range(1, 5) AS i CREATE (:P)-[:T]->(:Q {name: 'q' + i})",
        &Params::new(),
    )
    .unwrap();
    assert_eq!(names(&db).len(), 5);
    // Now a T reaches a node without Q: the test must be made again.
    db.execute("CREATE (:P)-[:T]->(:R {name: 'r'})", &Params::new())
        .unwrap();
    let got = names(&db);
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(!got.contains(&"'r'".to_string()), "{got:?}");
    assert!(got.contains(&"'q1'".to_string()), "{got:?}");
    // A label removed from one end, and the same inside a transaction (which can write).
    db.execute("MATCH (b:Q {name: 'q1'}) REMOVE b:Q", &Params::new())
        .unwrap();
    assert_eq!(names(&db).len(), 4);
    let mut tx = db.begin().unwrap();
    tx.execute("MATCH (b:Q {name: 'q2'}) REMOVE b:Q", &Params::new())
        .unwrap();
    let in_tx = tx
        .execute("MATCH (a:P)-[:T]->(b:Q) RETURN b.name", &Params::new())
        .unwrap();
    assert_eq!(in_tx.rows.len(), 3);
}

#[test]
fn groups_by_entity_merge_equal_keys() {
    let db = Database::in_memory();
    db.execute(
        "CREATE (:X {name: 'a'}), (:X {name: 'a'}), (:X {name: 'b'}), (:X), \
                (:X {name: 1}), (:X {name: 1.0})",
        &Params::new(),
    )
    .unwrap();
    let got = rows(&db, "MATCH (n:X) RETURN n.name AS name, count(*) AS c");
    let want = rows(
        &db,
        "MATCH (n:X) WITH n.name AS name RETURN name, count(*) AS c",
    );
    assert_eq!(got, want);
    let counts: Vec<String> = got.iter().map(|r| format!("{} {}", r[0], r[1])).collect();
    assert_eq!(counts, ["1 2", "null 1", "'a' 2", "'b' 1"]);
    // Two keys from two entities, and a map key that is no entity.
    let pairs = rows(
        &db,
        "MATCH (m:X), (n:X) WHERE m.name = 'a' RETURN m.name AS a, n.name AS b, count(*) AS c",
    );
    assert_eq!(pairs.len(), 4);
    let maps = rows(
        &db,
        "UNWIND [{k: 1}, {k: 1}, {k: 2}] AS m RETURN m.k AS k, count(*) AS c",
    );
    assert_eq!(maps.len(), 2);
}

/// Variable-length patterns whose far nodes are only counted distinctly are searched
/// breadth-first; the answers equal the path enumeration's (`collect(DISTINCT ...)` is not
/// folded), closed paths back to the start included.
#[test]
fn distinct_far_nodes_of_variable_length_patterns_match_the_path_enumeration() {
    const PAIRS: &[(&str, &str)] = &[
        (
            "MATCH (a:A)-[:T*1..3]-(f) RETURN a.i AS a, count(DISTINCT f) AS n",
            "MATCH (a:A)-[:T*1..3]-(f) RETURN a.i AS a, size(collect(DISTINCT f)) AS n",
        ),
        (
            "MATCH (a)-[:T*1..2]->(f:B) RETURN a.i AS a, count(DISTINCT f) AS n",
            "MATCH (a)-[:T*1..2]->(f:B) RETURN a.i AS a, size(collect(DISTINCT f)) AS n",
        ),
        (
            "MATCH (a:B)<-[:T|U*..3]-(f) WHERE f.i % 2 = 0 RETURN a.i AS a, count(DISTINCT f) AS n",
            "MATCH (a:B)<-[:T|U*..3]-(f) WHERE f.i % 2 = 0 RETURN a.i AS a, size(collect(DISTINCT f)) AS n",
        ),
        (
            "MATCH (a:A)-[:U*0..2]->(f) RETURN a.i AS a, count(DISTINCT f) AS n, min(f.i) AS lo, max(f.i) AS hi",
            "MATCH (a:A)-[:U*0..2]->(f) RETURN a.i AS a, size(collect(DISTINCT f)) AS n, min(f.i) AS lo, max(f.i) AS hi",
        ),
        (
            "MATCH (f)-[:T*1..2]-(a:A {i: 1}) RETURN count(DISTINCT f) AS n",
            "MATCH (f)-[:T*1..2]-(a:A {i: 1}) RETURN size(collect(DISTINCT f)) AS n",
        ),
        (
            "MATCH (a)-[:T*1..1]-(f) RETURN a.i AS a, count(DISTINCT f) AS n",
            "MATCH (a)-[:T*1..1]-(f) RETURN a.i AS a, size(collect(DISTINCT f)) AS n",
        ),
    ];
    let mut folded = 0;
    for seed in 1..=4 {
        let db = graph(seed, 30, 60);
        for (fast, slow) in PAIRS {
            folded += usize::from(plan(&db, fast).contains("distinct ends"));
            assert!(!plan(&db, slow).contains("distinct ends"));
            assert_eq!(rows(&db, fast), rows(&db, slow), "seed {seed}: {fast}");
        }
    }
    assert!(folded * 2 > PAIRS.len() * 4, "only {folded} folded");
    // Unbounded, on a graph small enough to enumerate every path.
    let db = graph(9, 8, 12);
    assert_eq!(
        rows(
            &db,
            "MATCH (a)-[:T|U*]-(f) RETURN a.i AS a, count(DISTINCT f) AS n"
        ),
        rows(
            &db,
            "MATCH (a)-[:T|U*]-(f) RETURN a.i AS a, size(collect(DISTINCT f)) AS n"
        )
    );
}
