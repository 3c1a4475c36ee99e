//! Indexes, unique constraints, count-store answers, traversal by type and PROFILE, through
//! the public API. Every index test checks the plan uses the index AND that the answer
//! equals the one of a database without the index.

use baobab::{Database, ErrorKind, Params, Value};

fn run(db: &Database, q: &str) -> Vec<Vec<Value>> {
    match db.execute(q, &Params::new()) {
        Ok(r) => r.rows.to_vecs(),
        Err(e) => panic!("query failed: {e}\n{q}"),
    }
}

fn plan(db: &Database, q: &str) -> String {
    match db.execute(&format!("EXPLAIN {q}"), &Params::new()) {
        Ok(r) => r.plan.unwrap_or_default(),
        Err(e) => panic!("EXPLAIN failed: {e}\n{q}"),
    }
}

fn rows(db: &Database, q: &str) -> Vec<String> {
    run(db, q)
        .iter()
        .map(|r| {
            r.iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

const DATA: &str = "UNWIND range(1, 60) AS i
    CREATE (:Person {id: i, name: 'p' + toString(i % 17), age: i % 7, score: toFloat(i) / 2})";

/// Two databases with the same data, one with the indexes.
fn pair(schema: &[&str]) -> (Database, Database) {
    let plain = Database::in_memory();
    let indexed = Database::in_memory();
    for s in schema {
        run(&indexed, s);
    }
    run(&plain, DATA);
    run(&indexed, DATA);
    (plain, indexed)
}

#[track_caller]
fn same_answer_with(plain: &Database, indexed: &Database, q: &str, operator: &str) {
    let p = plan(indexed, q);
    assert!(p.contains(operator), "expected {operator} in\n{p}for {q}");
    assert!(
        !plan(plain, q).contains(operator),
        "no index, no {operator}: {q}"
    );
    let expected = rows(plain, q);
    assert!(
        !expected.is_empty(),
        "a test query must find something: {q}"
    );
    assert_eq!(rows(indexed, q), expected, "query: {q}");
}

#[test]
fn equality_range_in_and_prefix_use_the_index() {
    let (plain, ix) = pair(&[
        "CREATE INDEX person_name FOR (p:Person) ON (p.name)",
        "CREATE INDEX FOR (p:Person) ON (p.age)",
        "CREATE INDEX FOR (p:Person) ON (p.score)",
    ]);
    let cases = [
        (
            "MATCH (p:Person {name: 'p3'}) RETURN p.id ORDER BY p.id",
            "NodeIndexSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.name = 'p5' RETURN p.id ORDER BY p.id",
            "NodeIndexSeek",
        ),
        (
            "MATCH (p:Person) WHERE 'p5' = p.name RETURN p.id ORDER BY p.id",
            "NodeIndexSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.age = 3.0 RETURN p.id ORDER BY p.id",
            "NodeIndexSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.age IN [1, 2, null, 'x'] RETURN p.id ORDER BY p.id",
            "NodeIndexSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.age > 4 RETURN p.id ORDER BY p.id",
            "NodeIndexRangeSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.age >= 2 AND p.age < 4 RETURN p.id ORDER BY p.id",
            "NodeIndexRangeSeek",
        ),
        (
            "MATCH (p:Person) WHERE 5 > p.score RETURN p.id ORDER BY p.id",
            "NodeIndexRangeSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.score <= 3 AND p.score > 1.5 RETURN p.id ORDER BY p.id",
            "NodeIndexRangeSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.name STARTS WITH 'p1' RETURN p.id ORDER BY p.id",
            "NodeIndexRangeSeek",
        ),
        (
            "MATCH (p:Person) WHERE p.name >= 'p15' RETURN p.id ORDER BY p.id",
            "NodeIndexRangeSeek",
        ),
        (
            "UNWIND [2, 4] AS a MATCH (p:Person {age: a}) RETURN a, count(p) ORDER BY a",
            "NodeIndexSeek",
        ),
    ];
    for (q, op) in cases {
        same_answer_with(&plain, &ix, q, op);
    }
}

#[test]
fn empty_and_mixed_type_ranges_find_nothing() {
    let (plain, ix) = pair(&["CREATE INDEX FOR (p:Person) ON (p.age)"]);
    for q in [
        "MATCH (p:Person) WHERE p.age > 4 AND p.age < 2 RETURN p.id",
        "MATCH (p:Person) WHERE p.age > 3 AND p.age < 3 RETURN p.id",
        "MATCH (p:Person) WHERE p.age > 1 AND p.age < 'z' RETURN p.id",
        "MATCH (p:Person) WHERE p.age < null RETURN p.id",
    ] {
        assert!(plan(&ix, q).contains("NodeIndexRangeSeek"), "{q}");
        assert_eq!(rows(&ix, q), rows(&plain, q), "{q}");
        assert!(rows(&ix, q).is_empty(), "{q}");
    }
}

#[test]
fn parameters_feed_seeks() {
    let (_, ix) = pair(&["CREATE INDEX FOR (p:Person) ON (p.name)"]);
    let mut params = Params::new();
    params.insert("n".into(), Value::from("p2"));
    let q = "MATCH (p:Person {name: $n}) RETURN count(*)";
    let r = ix.execute(q, &params).unwrap();
    assert_eq!(r.rows, vec![vec![Value::Int(4)]]);
    assert!(plan(&ix, q).contains("NodeIndexSeek"));
}

#[test]
fn composite_index_needs_every_property() {
    let (plain, ix) = pair(&["CREATE INDEX FOR (p:Person) ON (p.name, p.age)"]);
    same_answer_with(
        &plain,
        &ix,
        "MATCH (p:Person {name: 'p3', age: 6}) RETURN p.id",
        "NodeIndexSeek",
    );
    let q = "MATCH (p:Person {name: 'p3'}) RETURN p.id";
    assert!(!plan(&ix, q).contains("NodeIndexSeek"));
}

#[test]
fn indexes_follow_every_write_and_rollback() {
    let db = Database::in_memory();
    run(&db, "CREATE INDEX FOR (n:T) ON (n.v)");
    let q = "MATCH (n:T) WHERE n.v = 1 RETURN count(*)";
    assert!(plan(&db, q).contains("NodeIndexSeek"));
    let count = |db: &Database| run(db, q)[0][0].clone();
    run(&db, "CREATE (:T {v: 1}), (:T {v: 2}), (:U {v: 1})");
    assert_eq!(count(&db), Value::Int(1));
    run(&db, "MATCH (n:T {v: 2}) SET n.v = 1");
    assert_eq!(count(&db), Value::Int(2));
    run(&db, "MATCH (n:U) SET n:T");
    assert_eq!(count(&db), Value::Int(3));
    run(&db, "MATCH (n:T) WHERE n.v = 1 WITH n LIMIT 1 REMOVE n.v");
    assert_eq!(count(&db), Value::Int(2));
    run(&db, "MATCH (n:T {v: 1}) WITH n LIMIT 1 REMOVE n:T");
    assert_eq!(count(&db), Value::Int(1));
    run(&db, "MATCH (n:T {v: 1}) DELETE n");
    assert_eq!(count(&db), Value::Int(0));

    // A failed statement (and a rolled-back transaction) leaves the index as it was.
    run(&db, "CREATE (:T {v: 1})");
    let err = db.execute(
        "MATCH (n:T {v: 1}) SET n.v = 5 CREATE (:T {v: 1}) WITH 1 AS x RETURN 1 / 0",
        &Params::new(),
    );
    assert!(err.is_err());
    assert_eq!(count(&db), Value::Int(1));
    let mut tx = db.begin().unwrap();
    tx.execute("MATCH (n:T {v: 1}) DETACH DELETE n", &Params::new())
        .unwrap();
    tx.execute("CREATE (:T {v: 1}), (:T {v: 1})", &Params::new())
        .unwrap();
    tx.rollback().unwrap();
    assert_eq!(count(&db), Value::Int(1));
    assert_eq!(
        rows(&db, "MATCH (n:T) WHERE n.v = 1 RETURN n.v"),
        rows(&db, "MATCH (n) WHERE n:T AND n.v = 1 RETURN n.v")
    );
}

#[test]
fn unique_constraints_refuse_duplicates_and_change_nothing() {
    let db = Database::in_memory();
    run(
        &db,
        "CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE",
    );
    run(
        &db,
        "CREATE (:Person {id: 1, name: 'a'}), (:Person {id: 2})",
    );
    let before = rows(&db, "MATCH (n) RETURN n.id, n.name ORDER BY n.id");
    for q in [
        "CREATE (:Person {id: 1})",
        "CREATE (:Person {id: 1.0})",
        "CREATE (:Person {id: 7}), (:Person {id: 7})",
        "MATCH (p:Person {id: 2}) SET p.id = 1",
        "CREATE (n {id: 2}) SET n:Person",
        "MATCH (p:Person {id: 1}) SET p.name = 'b' CREATE (:Person {id: 2})",
    ] {
        let e = db.execute(q, &Params::new()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ConstraintVerificationFailed, "{q}: {e}");
        assert_eq!(
            rows(&db, "MATCH (n) RETURN n.id, n.name ORDER BY n.id"),
            before,
            "{q} changed the graph"
        );
    }
    // Not a violation: other label, missing property, the node itself.
    run(&db, "CREATE (:Other {id: 1}), (:Person {name: 'no id'})");
    run(&db, "MATCH (p:Person {id: 1}) SET p.id = 1");
    // A constraint on data that breaks it is refused.
    run(&db, "CREATE (:City {name: 'x'}), (:City {name: 'x'})");
    let e = db
        .execute(
            "CREATE CONSTRAINT FOR (c:City) REQUIRE c.name IS UNIQUE",
            &Params::new(),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ConstraintVerificationFailed);
    assert_eq!(run(&db, "SHOW CONSTRAINTS").len(), 1);
}

#[test]
fn schema_statements_show_and_drop() {
    let db = Database::in_memory();
    run(&db, "CREATE INDEX by_name FOR (p:Person) ON (p.name)");
    run(
        &db,
        "CREATE INDEX by_name IF NOT EXISTS FOR (p:Person) ON (p.age)",
    );
    run(&db, "CREATE INDEX IF NOT EXISTS FOR (p:Person) ON (p.name)");
    run(
        &db,
        "CREATE CONSTRAINT FOR (c:City) REQUIRE (c.country, c.name) IS UNIQUE",
    );
    let e = db
        .execute("CREATE INDEX FOR (p:Person) ON (p.name)", &Params::new())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::SemanticError);
    let r = db.execute("SHOW INDEXES", &Params::new()).unwrap();
    assert_eq!(r.columns[1], "name");
    let shown: Vec<String> = r
        .rows
        .iter()
        .map(|row| format!("{} {} {} {}", row[1], row[5], row[6], row[7]))
        .collect();
    assert_eq!(shown.len(), 2);
    assert_eq!(shown[0], "'by_name' ['Person'] ['name'] null");
    assert!(
        shown[1].contains("['City'] ['country', 'name']"),
        "{shown:?}"
    );
    let constraint = run(&db, "SHOW CONSTRAINTS");
    assert_eq!(constraint.len(), 1);
    let Value::String(name) = &constraint[0][1] else {
        panic!("constraint name is not a string");
    };
    assert!(name.starts_with("constraint_"));

    let e = db
        .execute(&format!("DROP INDEX {name}"), &Params::new())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::SemanticError);
    run(&db, &format!("DROP CONSTRAINT {name}"));
    run(&db, "DROP INDEX by_name");
    run(&db, "DROP INDEX by_name IF EXISTS");
    assert!(db.execute("DROP INDEX by_name", &Params::new()).is_err());
    assert!(run(&db, "SHOW INDEXES").is_empty());

    // Schema changes inside a rolled-back transaction are undone.
    run(&db, "CREATE INDEX keep FOR (p:Person) ON (p.name)");
    let mut tx = db.begin().unwrap();
    tx.execute("DROP INDEX keep", &Params::new()).unwrap();
    tx.execute(
        "CREATE INDEX temp FOR (p:Person) ON (p.age)",
        &Params::new(),
    )
    .unwrap();
    tx.rollback().unwrap();
    let names: Vec<Value> = run(&db, "SHOW INDEXES")
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(names, vec![Value::from("keep")]);
}

#[test]
fn counts_come_from_the_store() {
    let (plain, ix) = pair(&[]);
    let _ = ix;
    for q in [
        "MATCH (p:Person) RETURN count(p)",
        "MATCH (p:Person) RETURN count(*) AS c",
        "MATCH (n) RETURN count(n)",
    ] {
        assert!(plan(&plain, q).contains("NodeCountFromCountStore"), "{q}");
    }
    assert_eq!(rows(&plain, "MATCH (p:Person) RETURN count(p)"), ["60"]);
    assert_eq!(rows(&plain, "MATCH (p:Nobody) RETURN count(*)"), ["0"]);
    // Not a plain label count: filters, DISTINCT, grouping.
    for q in [
        "MATCH (p:Person) WHERE p.age = 1 RETURN count(p)",
        "MATCH (p:Person) RETURN count(DISTINCT p)",
        "MATCH (p:Person) RETURN p.age, count(p)",
        "MATCH (p:Person:Other) RETURN count(p)",
    ] {
        assert!(!plan(&plain, q).contains("NodeCountFromCountStore"), "{q}");
    }
}

#[test]
fn expansion_by_type_sees_only_that_type() {
    let db = Database::in_memory();
    run(
        &db,
        "CREATE (a:A {k: 'a'}) WITH a UNWIND range(1, 50) AS i
         CREATE (a)-[:LIKES]->(:B {i: i}), (a)<-[:LIKES]-(:C {i: i})",
    );
    run(
        &db,
        "MATCH (a:A) CREATE (a)-[:KNOWS {w: 1}]->(:B {i: 100}), (a)-[:KNOWS {w: 2}]->(a)",
    );
    let cases = [
        (
            "MATCH (:A)-[r:KNOWS]->(x) RETURN r.w, labels(x) ORDER BY r.w",
            vec!["1 | ['B']", "2 | ['A']"],
        ),
        (
            "MATCH (:A)-[r:KNOWS]-(x) RETURN r.w ORDER BY r.w",
            vec!["1", "2"],
        ),
        ("MATCH (:A)<-[r:KNOWS]-(x) RETURN r.w", vec!["2"]),
        ("MATCH (:A)-[:LIKES]->(x) RETURN count(x)", vec!["50"]),
        ("MATCH (:A)<-[:LIKES]-(x) RETURN count(x)", vec!["50"]),
        ("MATCH (:A)-[:LIKES|KNOWS]->(x) RETURN count(x)", vec!["52"]),
        ("MATCH (:A)-[:NOPE]->(x) RETURN count(x)", vec!["0"]),
    ];
    for (q, expected) in &cases {
        assert_eq!(&rows(&db, q), expected, "{q}");
    }
    // Deletion, rollback and commit keep the typed lists right.
    let e = db.execute(
        "MATCH (:A)-[r:KNOWS]->(:B) DELETE r WITH 1 AS x RETURN 1 / 0",
        &Params::new(),
    );
    assert!(e.is_err());
    assert_eq!(&rows(&db, cases[0].0), &cases[0].1);
    run(&db, "MATCH (:A)-[r:KNOWS]->(:B) DELETE r");
    assert_eq!(rows(&db, cases[0].0), ["2 | ['A']"]);
    run(&db, "MATCH (a:A) CREATE (a)-[:KNOWS {w: 3}]->(:B)");
    assert_eq!(rows(&db, cases[0].0), ["2 | ['A']", "3 | ['B']"]);
}

#[test]
fn profile_counts_rows_per_operator() {
    let (_, ix) = pair(&["CREATE INDEX FOR (p:Person) ON (p.age)"]);
    let r = ix
        .execute(
            "PROFILE MATCH (p:Person) WHERE p.age = 3 RETURN p.id",
            &Params::new(),
        )
        .unwrap();
    let expected = run(&ix, "MATCH (p:Person) WHERE p.age = 3 RETURN p.id");
    assert_eq!(r.rows, expected);
    let text = r.plan.unwrap();
    let line = |op: &str| {
        text.lines()
            .find(|l| l.contains(op))
            .unwrap_or_else(|| panic!("no {op} in\n{text}"))
            .to_string()
    };
    let n = expected.len();
    assert!(
        line("NodeIndexSeek").contains(&format!("rows={n},")),
        "{text}"
    );
    assert!(line("Projection").contains(&format!("rows={n},")), "{text}");
    assert!(line("Argument").contains("rows=1,"), "{text}");
    assert!(line("Filter").contains("time="), "{text}");

    // Without an index the scan produces every Person and the filter keeps a few.
    let (plain, _) = pair(&[]);
    let r = plain
        .execute(
            "PROFILE MATCH (p:Person) WHERE p.age = 3 RETURN p.id",
            &Params::new(),
        )
        .unwrap();
    let text = r.plan.unwrap();
    let scan = text
        .lines()
        .find(|l| l.contains("NodeByLabelScan"))
        .unwrap();
    assert!(scan.contains("rows=60,"), "{text}");
    // EXPLAIN shows no counts.
    assert!(!plan(&plain, "MATCH (p:Person) RETURN p").contains("rows="));
}

#[test]
fn planner_starts_at_the_cheaper_end() {
    let db = Database::in_memory();
    run(
        &db,
        "UNWIND range(1, 200) AS i CREATE (:Many {i: i})-[:IN]->(:Few {i: i % 2})",
    );
    run(&db, "CREATE INDEX FOR (f:Few) ON (f.i)");
    // Reaching Few from Many costs 200 expansions; seeking Few costs one lookup.
    let q = "MATCH (m:Many)-[:IN]->(f:Few) WHERE f.i = 1 RETURN count(m)";
    let p = plan(&db, q);
    assert!(p.contains("NodeIndexSeek") && p.contains("Few"), "{p}");
    assert_eq!(rows(&db, q), ["100"]);
}

#[test]
fn pattern_parts_are_joined_cheapest_first() {
    let db = Database::in_memory();
    run(&db, "UNWIND range(1, 300) AS i CREATE (:Big {i: i})");
    run(
        &db,
        "UNWIND range(1, 3) AS j CREATE (:Small {j: j})-[:R]->(:Leaf {j: j})",
    );
    // Written big part first; the small part (3 rows) is planned first, the big scan once
    // per small row after it.
    let q = "MATCH (b:Big), (s:Small)-[:R]->(l:Leaf) WHERE b.i <= 2 RETURN s.j AS j, b.i AS i";
    let p = plan(&db, q);
    let small = p.find(":Small").expect("Small scanned");
    let big = p.find(":Big").expect("Big scanned");
    // The plan text prints operators top-down, so the part planned first is printed last.
    assert!(small > big, "{p}");
    let mut got = rows(&db, q);
    got.sort();
    assert_eq!(got, ["1 | 1", "1 | 2", "2 | 1", "2 | 2", "3 | 1", "3 | 2"]);
    // A part tied to a variable bound earlier goes before a disconnected one.
    let q = "MATCH (s:Small {j: 1}), (b:Big), (s)-[:R]->(l) RETURN count(*) AS n";
    let p = plan(&db, q);
    let expand = p.find("Expand").expect("an expansion");
    let big = p.find(":Big").expect("Big scanned");
    assert!(expand > big, "{p}");
    assert_eq!(rows(&db, q), ["300"]);
}

/// Expansions from the node the rows come ordered by read adjacency in memory order; from
/// any other node, at random. The start is chosen with that in mind, cycles included.
#[test]
fn parts_start_where_expansions_read_in_node_order() {
    let db = Database::in_memory();
    run(&db, "UNWIND range(0, 99) AS i CREATE (:Tag {id: i})");
    run(
        &db,
        "UNWIND range(0, 399) AS i CREATE (m:Post {id: i}) WITH m, i
         MATCH (t:Tag) WHERE t.id = i % 100 OR t.id = (i * 3 + 1) % 100
         CREATE (m)-[:HAS_TAG]->(t)",
    );
    // Starting at a tag, every post's tags are read at random: start at the posts.
    let q = "MATCH (t1:Tag)<-[:HAS_TAG]-(m:Post)-[:HAS_TAG]->(t2:Tag) WHERE t1.id < t2.id
             RETURN t1.id AS a, t2.id AS b, count(*) AS n ORDER BY a, b";
    let p = plan(&db, q);
    assert!(p.contains("NodeByLabelScan #0:Post"), "{p}");
    let from_tags = "MATCH (t1:Tag) WITH t1 MATCH (t1)<-[:HAS_TAG]-(m:Post)-[:HAS_TAG]->(t2:Tag)
             WHERE t1.id < t2.id RETURN t1.id AS a, t2.id AS b, count(*) AS n ORDER BY a, b";
    assert!(plan(&db, from_tags).contains("NodeByLabelScan #0:Tag"));
    let got = rows(&db, q);
    assert!(!got.is_empty());
    assert_eq!(got, rows(&db, from_tags));

    // A triangle starts where its closing side begins, so that the closing Expand(Into)
    // reads the relationships of the node the rows are grouped by.
    run(
        &db,
        "UNWIND range(1, 60) AS i CREATE (:P {i: i}) WITH count(*) AS done
         MATCH (a:P), (b:P) WHERE b.i = a.i + 1 OR b.i = a.i + 2 CREATE (a)-[:K]->(b)",
    );
    let q = "MATCH (a:P)-[:K]->(b:P)-[:K]->(c:P), (a)-[:K]->(c) RETURN count(*) AS n";
    let p = plan(&db, q);
    assert!(p.contains(", (#0)-["), "{p}");
    assert_eq!(rows(&db, q), ["58"]);
}

#[test]
fn shortest_paths_match_the_shortest_variable_length_paths() {
    let db = Database::in_memory();
    // A deterministic tangle: node i links to (i*7+3) % 40 and (i*11+5) % 40 and i+1.
    run(&db, "UNWIND range(0, 39) AS i CREATE (:V {i: i})");
    run(
        &db,
        "MATCH (a:V), (b:V) WHERE b.i = (a.i * 7 + 3) % 40 OR b.i = (a.i * 11 + 5) % 40
            OR b.i = a.i + 1
         CREATE (a)-[:E]->(b)",
    );
    for (from, to, dir) in [
        (0, 9, "->"),
        (3, 31, "->"),
        (17, 2, "-"),
        (5, 6, "->"),
        (38, 1, "-"),
    ] {
        let (l, r) = if dir == "->" { ("-", "->") } else { ("-", "-") };
        let all = format!(
            "MATCH (a:V {{i: {from}}}), (b:V {{i: {to}}}), p = allShortestPaths((a){l}[:E*..10]{r}(b))
             RETURN [n IN nodes(p) | n.i] AS ns ORDER BY ns"
        );
        let enumerated = format!(
            "MATCH p = (a:V {{i: {from}}}){l}[:E*1..6]{r}(b:V {{i: {to}}})
             WITH collect(p) AS ps, min(length(p)) AS m
             UNWIND [p IN ps WHERE length(p) = m] AS p
             RETURN [n IN nodes(p) | n.i] AS ns ORDER BY ns"
        );
        let expected = rows(&db, &enumerated);
        assert!(!expected.is_empty(), "{from}->{to}");
        assert_eq!(rows(&db, &all), expected, "{from} {dir} {to}");
        let one = format!(
            "MATCH (a:V {{i: {from}}}), (b:V {{i: {to}}}), p = shortestPath((a){l}[:E*..10]{r}(b))
             RETURN [n IN nodes(p) | n.i] AS ns"
        );
        let got = rows(&db, &one);
        assert_eq!(got.len(), 1);
        assert!(expected.contains(&got[0]), "{got:?} not among {expected:?}");
    }
    // Too short a bound finds nothing; a bound equal to the distance finds it.
    let len = |max: u32| {
        rows(
            &db,
            &format!(
                "MATCH (a:V {{i: 0}}), (b:V {{i: 9}}), p = shortestPath((a)-[:E*..{max}]->(b))
                 RETURN length(p)"
            ),
        )
    };
    let d: u32 = len(10)[0].parse().unwrap();
    assert!(len(d - 1).is_empty());
    assert_eq!(len(d), [d.to_string()]);
}

#[test]
fn hash_join_where_parts_meet_on_an_equality() {
    let db = Database::in_memory();
    run(
        &db,
        "UNWIND range(1, 30) AS i CREATE (:A {x: i % 7, i: i}), (:B {y: i % 5, j: i})",
    );
    run(
        &db,
        "CREATE (:A {i: 99}), (:B {j: 99, y: null}), (:B {j: 100, y: 2.0})",
    );
    let joined = "MATCH (a:A), (b:B) WHERE a.x = b.y RETURN a.i, b.j ORDER BY a.i, b.j";
    let nested = "MATCH (a:A), (b:B) WHERE (a.x = b.y) = true RETURN a.i, b.j ORDER BY a.i, b.j";
    let p = plan(&db, joined);
    assert!(p.contains("HashJoin"), "{p}");
    assert!(!plan(&db, nested).contains("HashJoin"));
    let expected = rows(&db, nested);
    assert!(expected.len() > 30);
    assert_eq!(rows(&db, joined), expected);
    // Expressions on both sides, and the node's side written first.
    let q = "MATCH (a:A), (b:B {y: 1}) WHERE b.j + 1 = a.i * 2 RETURN a.i, b.j ORDER BY a.i";
    let q_nested =
        "MATCH (a:A), (b:B {y: 1}) WHERE (b.j + 1 = a.i * 2) = true RETURN a.i, b.j ORDER BY a.i";
    assert!(plan(&db, q).contains("HashJoin"));
    assert_eq!(rows(&db, q), rows(&db, q_nested));
    assert!(!rows(&db, q).is_empty());
    // An index on the far side is better used per row than hashed.
    run(&db, "CREATE INDEX FOR (b:B) ON (b.y)");
    let p = plan(&db, joined);
    assert!(
        !p.contains("HashJoin") && p.contains("NodeIndexSeek"),
        "{p}"
    );
    assert_eq!(rows(&db, joined), expected);
}

#[test]
fn where_conjuncts_run_right_after_their_variables_are_bound() {
    let db = Database::in_memory();
    run(
        &db,
        "UNWIND range(1, 20) AS i CREATE (:A {x: i})-[:R]->(:B {y: i % 4})-[:R]->(:C {z: i % 3})",
    );
    let q = "MATCH (a:A)-[:R]->(b)-[:R]->(c) WHERE a.x > 5 AND b.y = 1 AND c.z <> 0
             RETURN a.x ORDER BY a.x";
    let p = plan(&db, q);
    // Filter above each of the scan and the two expansions.
    let lines: Vec<&str> = p.lines().collect();
    for op in ["NodeByLabelScan", "Expand (#0)", "Expand (#1)"] {
        let at = lines.iter().position(|l| l.contains(op)).expect(op);
        assert!(
            lines[at - 1].contains("+Filter"),
            "no filter right above {op}:\n{p}"
        );
    }
    let unpushed = "MATCH (a:A)-[:R]->(b)-[:R]->(c) WITH a, b, c
                    WHERE a.x > 5 AND b.y = 1 AND c.z <> 0 RETURN a.x ORDER BY a.x";
    let expected = rows(&db, unpushed);
    assert!(!expected.is_empty());
    assert_eq!(rows(&db, q), expected);
    // PROFILE shows the early filter cutting the rows the expansion sees.
    let r = db.execute(&format!("PROFILE {q}"), &Params::new()).unwrap();
    let text = r.plan.unwrap();
    let first_expand = text.lines().find(|l| l.contains("Expand (#0)")).unwrap();
    assert!(first_expand.contains("rows=15,"), "{text}");
}

/// A conjunct that reads one side of a hash join filters that side before the join: the
/// scan it builds on, or the rows it probes with; one that reads both stays above.
#[test]
fn where_conjuncts_filter_each_side_of_a_hash_join() {
    let db = Database::in_memory();
    run(
        &db,
        "UNWIND range(1, 60) AS i CREATE (:A {i: i, x: i % 10}), (:B {j: i, y: i % 7})",
    );
    let q = "MATCH (a:A), (b:B) WHERE a.x = b.y AND b.j > 30 AND a.i < 20 AND a.i + b.j < 70
             RETURN a.i, b.j ORDER BY a.i, b.j";
    let p = plan(&db, q);
    let lines: Vec<&str> = p.lines().collect();
    let join = lines
        .iter()
        .position(|l| l.contains("HashJoin"))
        .expect("a hash join");
    // A filter right above each scan, under the join; the one on both sides above it.
    for label in [":A", ":B"] {
        let at = lines.iter().position(|l| l.contains(label)).expect(label);
        assert!(
            at > join && lines[at - 1].contains("+Filter"),
            "{label}:\n{p}"
        );
    }
    assert!(lines[join - 1].contains("+Filter"), "{p}");
    let unpushed = "MATCH (a:A), (b:B) WITH a, b
                    WHERE a.x = b.y AND b.j > 30 AND a.i < 20 AND a.i + b.j < 70
                    RETURN a.i, b.j ORDER BY a.i, b.j";
    let expected = rows(&db, unpushed);
    assert!(expected.len() > 10, "{expected:?}");
    assert_eq!(rows(&db, q), expected);
    // The join builds on the 30 rows that pass the filter of its scan.
    let r = db.execute(&format!("PROFILE {q}"), &Params::new()).unwrap();
    let text = r.plan.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let build = lines.iter().position(|l| l.contains(":B")).unwrap();
    assert!(lines[build - 1].contains("rows=30,"), "{text}");
}

#[test]
fn order_by_with_limit_is_a_top() {
    let (plain, _) = pair(&[]);
    let q = "MATCH (p:Person) RETURN p.id ORDER BY p.score DESC LIMIT 3";
    let p = plan(&plain, q);
    assert!(p.contains("Top") && !p.contains("Sort"), "{p}");
    assert_eq!(rows(&plain, q), ["60", "59", "58"]);
}

#[test]
fn expand_into_from_either_end_finds_the_same_relationships() {
    let db = Database::in_memory();
    // The hub has many KNOWS; the leaf few: checking hub-leaf walks the leaf's side.
    run(
        &db,
        "CREATE (h:Hub), (l:Leaf) WITH h, l UNWIND range(1, 40) AS i
         CREATE (h)-[:KNOWS {i: i}]->(:X)",
    );
    run(
        &db,
        "MATCH (h:Hub), (l:Leaf) CREATE (h)-[:KNOWS {i: 100}]->(l), (h)-[:KNOWS {i: 101}]->(l),
         (l)-[:KNOWS {i: 102}]->(h), (l)-[:KNOWS {i: 103}]->(l)",
    );
    let cases = [
        (
            "MATCH (h:Hub), (l:Leaf) MATCH (h)-[r:KNOWS]->(l) RETURN r.i ORDER BY r.i",
            vec!["100", "101"],
        ),
        (
            "MATCH (h:Hub), (l:Leaf) MATCH (h)<-[r:KNOWS]-(l) RETURN r.i ORDER BY r.i",
            vec!["102"],
        ),
        (
            "MATCH (h:Hub), (l:Leaf) MATCH (h)-[r:KNOWS]-(l) RETURN r.i ORDER BY r.i",
            vec!["100", "101", "102"],
        ),
        (
            "MATCH (l:Leaf) MATCH (l)-[r:KNOWS]-(l) RETURN r.i",
            vec!["103"],
        ),
        (
            "MATCH (h:Hub), (l:Leaf) MATCH (l)-[r:KNOWS]->(h) RETURN r.i",
            vec!["102"],
        ),
    ];
    for (q, expected) in &cases {
        assert!(plan(&db, q).contains("Expand(Into)"), "{q}");
        assert_eq!(&rows(&db, q), expected, "{q}");
    }
}

#[test]
fn schema_statements_count_what_they_changed() {
    let db = Database::in_memory();
    let stats = |q: &str| {
        db.execute(q, &Params::new())
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .stats
    };
    let s = stats("CREATE INDEX ix FOR (n:P) ON (n.a)");
    assert_eq!((s.indexes_added, s.indexes_removed), (1, 0));
    // Already there: nothing changes, nothing is counted.
    let s = stats("CREATE INDEX ix IF NOT EXISTS FOR (n:P) ON (n.a)");
    assert!(s.is_empty(), "{s:?}");
    let s = stats("CREATE CONSTRAINT u FOR (n:P) REQUIRE n.b IS UNIQUE");
    assert_eq!((s.constraints_added, s.indexes_added), (1, 0));
    let s = stats("DROP CONSTRAINT u");
    assert_eq!(s.constraints_removed, 1);
    let s = stats("DROP INDEX ix");
    assert_eq!(s.indexes_removed, 1);
    assert!(stats("DROP INDEX ix IF EXISTS").is_empty());
}

/// Plans are kept by query text; the same text must keep answering correctly while the
/// indexes, the names and the size of the store change under it.
#[test]
fn kept_plans_answer_correctly_after_the_store_changes() {
    let db = Database::in_memory();
    let q = "MATCH (p:P {k: 3}) RETURN count(p) AS n";
    let count = |db: &Database| rows(db, q);
    assert_eq!(count(&db), ["0"]);
    run(&db, "UNWIND range(1, 50) AS i CREATE (:P {k: i % 10})");
    assert_eq!(count(&db), ["5"]);
    run(&db, "CREATE INDEX ix FOR (p:P) ON (p.k)");
    assert_eq!(count(&db), ["5"]);
    assert!(plan(&db, q).contains("NodeIndexSeek"));
    run(&db, "DROP INDEX ix");
    assert_eq!(count(&db), ["5"]);
    // A key first written after the plan was made.
    let q2 = "MATCH (p:P) WHERE p.fresh = 1 RETURN count(p) AS n";
    assert_eq!(rows(&db, q2), ["0"]);
    run(&db, "MATCH (p:P {k: 1}) SET p.fresh = 1");
    assert_eq!(rows(&db, q2), ["5"]);
    // Inside a transaction, with its own changes.
    let mut tx = db.begin().unwrap();
    tx.execute("CREATE (:P {k: 3})", &Params::new()).unwrap();
    let r = tx.execute(q, &Params::new()).unwrap();
    assert_eq!(r.rows, vec![vec![Value::Int(6)]]);
    tx.rollback().unwrap();
    assert_eq!(count(&db), ["5"]);
    // A procedure registered later is called by the same text.
    let call = "CALL test.answer() YIELD x RETURN x";
    assert!(db.execute(call, &Params::new()).is_err());
    db.register_procedure("test.answer", 0, &["x"], |_| Ok(vec![vec![Value::Int(42)]]));
    assert_eq!(rows(&db, call), ["42"]);
}

/// The estimate of an equality seek on an index that is not unique comes from the number
/// of distinct keys it holds. Guessed at a tenth of the label instead, a seek for one
/// person lost to a scan of every person once the pattern fanned out wide enough: here
/// each person knows 30 others, and counting the two-hop rows started from the middle.
#[test]
fn equality_seeks_on_indexes_that_are_not_unique_are_estimated_by_their_keys() {
    let ring = "UNWIND range(0, 99) AS i CREATE (:Person {id: i})
        WITH count(*) AS made
        MATCH (a:Person), (b:Person)
        WHERE a.id < b.id AND (b.id - a.id <= 15 OR a.id + 100 - b.id <= 15)
        CREATE (a)-[:KNOWS]->(b)";
    let plain = Database::in_memory();
    let indexed = Database::in_memory();
    run(&indexed, "CREATE INDEX FOR (p:Person) ON (p.id)");
    run(&plain, ring);
    run(&indexed, ring);
    for q in [
        "MATCH (:Person {id: 7})-[:KNOWS]-(:Person)-[:KNOWS]-(f:Person) WHERE f.id <> 7 RETURN count(*)",
        "MATCH (:Person {id: 7})-[:KNOWS]-(:Person)-[:KNOWS]-(f:Person) RETURN count(DISTINCT f)",
    ] {
        same_answer_with(&plain, &indexed, q, "NodeIndexSeek");
    }
}
