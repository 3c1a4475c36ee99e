//! Integration tests of the engine through the public API: clauses, expressions, node keys,
//! errors (kind, detail, position) and statement atomicity.

use baobab::{Database, ErrorKind, Params, Value};

struct TestDb {
    db: Database,
}

impl TestDb {
    fn new() -> TestDb {
        TestDb {
            db: Database::in_memory(),
        }
    }

    #[track_caller]
    fn run(&self, q: &str) -> Vec<Vec<Value>> {
        match self.db.execute(q, &Params::new()) {
            Ok(r) => r.rows.to_vecs(),
            Err(e) => panic!("query failed: {e}\n{q}"),
        }
    }

    /// Rows rendered with `Display`, one string per row, cells joined by ` | `.
    #[track_caller]
    fn rows(&self, q: &str) -> Vec<String> {
        self.run(q)
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    }

    #[track_caller]
    fn check(&self, q: &str, expected: &[&str]) {
        assert_eq!(self.rows(q), expected, "query: {q}");
    }

    #[track_caller]
    fn error(&self, q: &str, kind: ErrorKind, detail: Option<&str>) -> baobab::Error {
        match self.db.execute(q, &Params::new()) {
            Ok(r) => panic!("expected {kind} but got {} rows for {q}", r.rows.len()),
            Err(e) => {
                assert_eq!(e.kind, kind, "{e}");
                if detail.is_some() {
                    assert_eq!(e.detail, detail, "{e}");
                }
                e
            }
        }
    }

    fn count(&self, q: &str) -> i64 {
        self.run(q)[0][0].as_int().expect("an integer")
    }
}

fn aes() -> TestDb {
    let t = TestDb::new();
    let script =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/aes.cypher"))
            .expect("the dataset");
    for stmt in baobab::syntax::parse(&script).expect("the dataset parses") {
        t.run(&script[stmt.span.start..stmt.span.end]);
    }
    t
}

#[test]
fn the_users_example_answers_the_three_members() {
    let t = aes();
    let mut names = t.rows("MATCH (c:Country)-[:MEMBER_OF]->(AES) RETURN c.name");
    names.sort();
    assert_eq!(names, ["'Burkina Faso'", "'Mali'", "'Niger'"]);
}

#[test]
fn explain_shows_a_key_lookup() {
    let t = aes();
    let plan =
        t.db.execute(
            "EXPLAIN MATCH (c:Country)-[:MEMBER_OF]->(AES) RETURN c.name",
            &Params::new(),
        )
        .unwrap()
        .plan
        .unwrap();
    assert!(plan.contains("NodeByKey"), "{plan}");
    assert!(!plan.contains("AllNodesScan"), "{plan}");
}

#[test]
fn keys_are_unique_and_readable() {
    let t = TestDb::new();
    t.run("CREATE (Mali:Country {name: 'Mali'})");
    t.check(
        "MATCH (Mali) RETURN key(Mali), Mali.name",
        &["'Mali' | 'Mali'"],
    );
    t.error(
        "CREATE (Mali:Country)",
        ErrorKind::ConstraintVerificationFailed,
        Some("DuplicateKey"),
    );
    t.check("MATCH (Nowhere) RETURN count(*)", &["0"]);
    t.error(
        "CREATE (Nowhere)-[:T]->(Mali)",
        ErrorKind::EntityNotFound,
        None,
    );
    t.check("MATCH (`Mali`) RETURN count(*)", &["1"]);
}

#[test]
fn match_where_return_order_skip_limit() {
    let t = TestDb::new();
    t.run("UNWIND range(1, 10) AS i CREATE (:N {i: i, even: i % 2 = 0})");
    t.check(
        "MATCH (n:N) WHERE n.even RETURN n.i ORDER BY n.i DESC SKIP 1 LIMIT 2",
        &["8", "6"],
    );
    t.check(
        "MATCH (n:N) RETURN DISTINCT n.even AS e ORDER BY e",
        &["false", "true"],
    );
    t.check(
        "MATCH (n:N) WITH n.even AS e, count(*) AS c WHERE c > 4 RETURN e, c ORDER BY e",
        &["false | 5", "true | 5"],
    );
    t.check(
        "UNWIND [3, 1, 2] AS x RETURN x AS y ORDER BY y",
        &["1", "2", "3"],
    );
    t.check("MATCH (n:N) RETURN * ORDER BY n.i LIMIT 1", &["(#0)"]);
    // Equal keys keep the rows' order of arrival, both ways, on every path of a sort:
    // integer keys, strings alike in their first eight bytes, keys of mixed types.
    let pairs = "UNWIND [[1, 'a'], [0, 'b'], [1, 'c'], [0, 'd']] AS p";
    t.check(
        &format!("{pairs} RETURN p[0] AS k, p[1] AS v ORDER BY k"),
        &["0 | 'b'", "0 | 'd'", "1 | 'a'", "1 | 'c'"],
    );
    t.check(
        &format!("{pairs} RETURN p[0] AS k, p[1] AS v ORDER BY k DESC"),
        &["1 | 'a'", "1 | 'c'", "0 | 'b'", "0 | 'd'"],
    );
    t.check(
        "UNWIND [['abcdefghZ', 1], ['abcdefgh', 2], ['abcdefghA', 3], ['abcdefgh', 4]] AS p \
         RETURN p[0] AS s, p[1] AS i ORDER BY s",
        &[
            "'abcdefgh' | 2",
            "'abcdefgh' | 4",
            "'abcdefghA' | 3",
            "'abcdefghZ' | 1",
        ],
    );
    t.check(
        "UNWIND [[2, 1], ['b', 2], [1, 3], ['a', 4], [2, 5]] AS p \
         RETURN p[0] AS x, p[1] AS i ORDER BY x DESC",
        &["2 | 1", "2 | 5", "1 | 3", "'b' | 2", "'a' | 4"],
    );
    // More rows than a small sort's insertion sort takes, most of them tied.
    let expected: Vec<String> = (0..3)
        .flat_map(|k| {
            (0..100)
                .filter(move |i| i % 3 == k)
                .map(move |i| format!("{k} | {i}"))
        })
        .collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    t.check(
        "UNWIND range(0, 99) AS i RETURN i % 3 AS k, i ORDER BY k",
        &expected,
    );
}

#[test]
fn limit_stops_its_input_once_it_has_its_rows() {
    let t = TestDb::new();
    t.run("UNWIND range(1, 5) AS i CREATE (:N {i: i})");
    // A row past the limit would divide by zero: it must never be computed, whether
    // the rows reach the LIMIT through a projection, an aggregation or a subquery.
    t.check(
        "UNWIND [1, 2, 0] AS x RETURN 10 / x AS q LIMIT 2",
        &["10", "5"],
    );
    t.check(
        "UNWIND [1, 2, 0] AS x WITH 10 / x AS q LIMIT 2 RETURN sum(q)",
        &["15"],
    );
    t.check(
        "MATCH (n:N) WITH n ORDER BY n.i LIMIT 3 \
         UNWIND [1, 0] AS d WITH n, n.i / d AS q LIMIT 1 RETURN n.i, q",
        &["1 | 1"],
    );
    t.error(
        "UNWIND [1, 2, 0] AS x RETURN 10 / x AS q LIMIT 3",
        ErrorKind::ArithmeticError,
        None,
    );
    // Nested limits, each with its own count; SKIP before LIMIT.
    t.check(
        "MATCH (n:N) WITH n ORDER BY n.i LIMIT 4 WITH n SKIP 1 LIMIT 2 RETURN collect(n.i)",
        &["[2, 3]"],
    );
    t.check(
        "MATCH (n:N) WITH n ORDER BY n.i LIMIT 4 \
         CALL { WITH n MATCH (m:N) WHERE m.i > n.i RETURN m.i AS later LIMIT 1 } \
         RETURN n.i, later LIMIT 2",
        &["1 | 2", "2 | 3"],
    );
    t.check("MATCH (n:N) RETURN count(n) AS c LIMIT 0", &[]);
}

#[test]
fn scans_read_in_parts_see_every_node_once() {
    // Label sets both sparse (nodes created by statements) and dense (a bulk import), with
    // holes from deletions, over more nodes than a scan reads at a time.
    for bulk in [false, true] {
        let t = TestDb::new();
        if bulk {
            let lines: String = (0..3000)
                .map(|i| {
                    format!("{{\"type\":\"node\",\"id\":{i},\"labels\":[\"N\"],\"properties\":{{\"i\":{i}}}}}\n")
                })
                .collect();
            t.db.import_jsonl(lines.as_bytes(), "nodes", false).unwrap();
        } else {
            t.run("UNWIND range(0, 2999) AS i CREATE (:N {i: i})");
        }
        t.run("CREATE (:M {i: 10000})");
        t.run("MATCH (n:N) WHERE n.i % 7 = 3 DELETE n");
        let live: Vec<i64> = (0..3000).filter(|i| i % 7 != 3).collect();
        let (n, sum) = (live.len(), live.iter().sum::<i64>());
        // Sums, not counts: a count of a label's nodes comes from the store's counters.
        t.check(
            "MATCH (n:N) RETURN count(n.i), sum(n.i)",
            &[&format!("{n} | {sum}")],
        );
        t.check(
            "MATCH (n) RETURN count(n.i), sum(n.i)",
            &[&format!("{} | {}", n + 1, sum + 10000)],
        );
        // Stopped inside a later part; started again after skipping parts.
        let first: i64 = live.iter().take(1500).sum();
        t.check(
            "MATCH (n:N) WITH n LIMIT 1500 RETURN count(DISTINCT n), sum(n.i)",
            &[&format!("1500 | {first}")],
        );
        let rest: i64 = live.iter().skip(1999).sum::<i64>() + 10000;
        t.check(
            "MATCH (n) WITH n SKIP 1999 RETURN count(n.i), sum(n.i)",
            &[&format!("{} | {rest}", n + 1 - 1999)],
        );
        // Rows pulled one by one: a hash join pulls the rows of the side it builds on.
        t.check(
            "MATCH (a:N), (b:N) WHERE a.i = b.i RETURN count(*), sum(b.i)",
            &[&format!("{n} | {sum}")],
        );
        // Parts one after the other, then counted by value.
        let rows = t.run("MATCH (n:N) RETURN n.i AS i UNION ALL MATCH (n) RETURN n.i AS i");
        let mut seen = std::collections::HashMap::new();
        for r in &rows {
            *seen.entry(r[0].as_int().unwrap()).or_insert(0) += 1;
        }
        assert_eq!(rows.len(), 2 * n + 1, "bulk: {bulk}");
        assert!(live.iter().all(|i| seen.get(i) == Some(&2)), "bulk: {bulk}");
        assert_eq!(seen.get(&10000), Some(&1), "bulk: {bulk}");
        // A statement that creates while it scans does not scan what it creates.
        t.run("MATCH (n:N) CREATE (:N {i: -1})");
        t.check("MATCH (n:N) RETURN count(n.i)", &[&format!("{}", 2 * n)]);
    }
}

/// A scan tests comparisons of its node's properties with constants and parameters on a
/// whole part of its nodes before it builds their rows (the sifts of `exec`). Whatever the
/// property holds (nothing, integers, floats, strings, a value written after the load) and
/// whichever side the property is on, the rows kept are those whose comparison, evaluated
/// as a returned column, is true.
#[test]
fn scan_filters_tested_ahead_of_rows_keep_their_meaning() {
    // In blocks, so that an import packs each into a table of its own, read by id: no `x`;
    // `x` of mixed types (a column of values); `x` and `z` integers (a column of integers).
    let value = |i: i64| match (i, i % 4) {
        (..600, _) => None,
        (2400.., _) | (_, 0 | 3) => Some(format!("{}", i % 100)),
        (_, 1) => Some(format!("{}.5", i % 100)),
        _ => Some(format!("\"{}\"", (b'a' + (i % 26) as u8) as char)),
    };
    let z = |i: i64| if i >= 2400 { ", \"z\": 0" } else { "" };
    for bulk in [false, true] {
        let t = TestDb::new();
        if bulk {
            let lines: String = (0..3000)
                .map(|i| {
                    let x = value(i).map(|v| format!(",\"x\":{v}")).unwrap_or_default();
                    let z = z(i);
                    format!(
                        "{{\"type\":\"node\",\"id\":{i},\"labels\":[\"N\"],\"properties\":{{\"i\":{i}{x}{z}}}}}\n"
                    )
                })
                .collect();
            t.db.import_jsonl(lines.as_bytes(), "nodes", false).unwrap();
        } else {
            for i in 0..3000 {
                let x = value(i).map(|v| format!(", x: {v}")).unwrap_or_default();
                let z = z(i).replace('"', "");
                t.run(&format!("CREATE (:N {{i: {i}{x}{z}}})"));
            }
        }
        // Reached by expansions too; not every T reaches an N, so the label stays a test.
        t.run("CREATE (h:H) WITH h MATCH (n:N) CREATE (h)-[:T]->(n)");
        t.run("CREATE (:H)-[:T]->(:Other {i: -1, x: 99})");
        // Changed and deleted after the load: read through their records, or gone.
        t.run("MATCH (n:N) WHERE n.i % 13 = 6 SET n.x = 50");
        t.run("MATCH (n:N) WHERE n.i % 11 = 4 DETACH DELETE n");
        let mut params = Params::new();
        params.insert("p".to_string(), Value::Int(30));
        params.insert("q".to_string(), Value::Float(41.5));
        params.insert("s".to_string(), Value::from("m"));
        params.insert("none".to_string(), Value::Null);
        let ids = |rows: Vec<Vec<Value>>| -> Vec<i64> {
            rows.iter().filter_map(|r| r[0].as_int()).collect()
        };
        for pred in [
            "n.x > 50",
            "50 < n.x",
            "n.x = 42",
            "42.0 = n.x",
            "n.x <> 42",
            "n.x >= $p",
            "$q >= n.x",
            "n.x = $q",
            "n.x < $s",
            "n.x = $none",
            "n.x <= 'c'",
            "n.y = 1",
            "n.x > 10 AND n.x < 20",
        ] {
            let kept =
                t.db.execute(
                    &format!("MATCH (n:N) WHERE {pred} RETURN n.i ORDER BY n.i"),
                    &params,
                )
                .unwrap();
            let all =
                t.db.execute(
                    &format!("MATCH (n:N) RETURN n.i, {pred} AS t ORDER BY n.i"),
                    &params,
                )
                .unwrap();
            let expected: Vec<Vec<Value>> = all
                .rows
                .into_iter()
                .filter(|r| r[1] == Value::Bool(true))
                .collect();
            let expected = ids(expected);
            assert_eq!(ids(kept.rows.to_vecs()), expected, "bulk: {bulk}, {pred}");
            // The scan a hash join builds on, pulled row by row.
            let on_m = pred.replace("n.", "m.");
            let joined =
                t.db.execute(
                    &format!(
                        "MATCH (n:N), (m:N) WHERE n.i = m.i AND {on_m} RETURN n.i ORDER BY n.i"
                    ),
                    &params,
                )
                .unwrap();
            assert_eq!(
                ids(joined.rows.to_vecs()),
                expected,
                "bulk: {bulk}, joined, {pred}"
            );
            // The far nodes of an expansion.
            let reached =
                t.db.execute(
                    &format!("MATCH (:H)-[:T]->(n:N) WHERE {pred} RETURN n.i ORDER BY n.i"),
                    &params,
                )
                .unwrap();
            assert_eq!(
                ids(reached.rows.to_vecs()),
                expected,
                "bulk: {bulk}, expanded, {pred}"
            );
            // The far nodes of a variable-length expansion (one or two hops: each N once),
            // from the hubs (the WITH keeps the planner from starting at the N).
            let paths =
                t.db.execute(
                    &format!(
                        "MATCH (h:H) WITH h MATCH (h)-[:T*1..2]->(n:N) WHERE {pred} \
                         RETURN n.i ORDER BY n.i"
                    ),
                    &params,
                )
                .unwrap();
            assert_eq!(
                ids(paths.rows.to_vecs()),
                expected,
                "bulk: {bulk}, paths, {pred}"
            );
        }
        // Not every predicate keeps nothing or everything.
        t.check(
            "MATCH (n:N) WHERE n.x > 50 RETURN count(*) > 0, count(*) < 2000",
            &["true | true"],
        );
    }
}

#[test]
fn optional_match_and_subqueries_run_their_inner_plan_on_every_row() {
    let t = TestDb::new();
    t.run(
        "CREATE (a:P {n: 1})-[:K]->(:Q {v: 10}), (a)-[:K]->(q:Q {v: 11})-[:L]->(:R {w: 'x'}), \
         (:P {n: 2}), (c:P {n: 3})-[:K]->(:Q {v: 30}), (c)-[:K]->(q)",
    );
    // The inner plan, opened once, is started over on each row: what the last row left
    // (its argument, its expansion's items) must not leak into the next.
    t.check(
        "MATCH (p:P) OPTIONAL MATCH (p)-[:K]->(q:Q) WHERE q.v > 10 \
         RETURN p.n, q.v ORDER BY p.n, q.v",
        &["1 | 11", "2 | null", "3 | 11", "3 | 30"],
    );
    t.check(
        "MATCH (p:P) OPTIONAL MATCH (p)-[:K]->(:Q)-[:L]->(r) RETURN p.n, r.w ORDER BY p.n",
        &["1 | 'x'", "2 | null", "3 | 'x'"],
    );
    t.check(
        "MATCH (p:P) CALL { WITH p MATCH (p)-[:K]->(q) RETURN q.v AS v } \
         RETURN p.n, v ORDER BY p.n, v",
        &["1 | 10", "1 | 11", "3 | 11", "3 | 30"],
    );
    // Counts, aggregations, projections and filters start over too.
    t.check(
        "MATCH (p:P) CALL { WITH p MATCH (p)-[:K]->(q) RETURN count(q) AS c, sum(q.v) AS s } \
         RETURN p.n, c, s ORDER BY p.n",
        &["1 | 2 | 21", "2 | 0 | 0", "3 | 2 | 41"],
    );
    t.check(
        "MATCH (p:P) CALL { WITH p MATCH (p)-[:K]->(q) RETURN count(q) AS c } \
         RETURN p.n, c ORDER BY p.n",
        &["1 | 2", "2 | 0", "3 | 2"],
    );
    t.check(
        "MATCH (p:P) CALL { WITH p WITH p WHERE p.n > 1 RETURN p.n * 10 AS m } \
         RETURN p.n, m ORDER BY p.n",
        &["2 | 20", "3 | 30"],
    );
    // A sorted inner plan hands its rows on in its order.
    t.check(
        "MATCH (p:P) CALL { WITH p MATCH (p)-[:K]->(q) RETURN q.v AS v, p.n * 2 AS m \
         ORDER BY v DESC } RETURN p.n, collect(v), collect(m) ORDER BY p.n",
        &["1 | [11, 10] | [2, 2]", "3 | [30, 11] | [6, 6]"],
    );
    // An inner plan that cannot start over (a LIMIT) is opened again instead.
    t.check(
        "MATCH (p:P) CALL { WITH p MATCH (p)-[:K]->(q) RETURN q.v AS v ORDER BY v LIMIT 1 } \
         RETURN p.n, v ORDER BY p.n",
        &["1 | 10", "3 | 11"],
    );
}

#[test]
fn optional_match_and_null_propagation() {
    let t = TestDb::new();
    t.run("CREATE (:A {v: 1})-[:R]->(:B), (:A {v: 2})");
    t.check(
        "MATCH (a:A) OPTIONAL MATCH (a)-[:R]->(b) RETURN a.v, b IS NULL ORDER BY a.v",
        &["1 | false", "2 | true"],
    );
    t.check(
        "RETURN null + 1, null = null, null IS NULL, 1 IN [null, 1]",
        &["null | null | true | true"],
    );
}

#[test]
fn patterns_directions_types_and_variable_length() {
    let t = TestDb::new();
    t.run("CREATE (a:P {n: 'a'})-[:K]->(b:P {n: 'b'})-[:K]->(c:P {n: 'c'})-[:L]->(d:P {n: 'd'})");
    t.check(
        "MATCH (x {n: 'a'})-[:K*]->(y) RETURN y.n ORDER BY y.n",
        &["'b'", "'c'"],
    );
    t.check(
        "MATCH (x {n: 'a'})-[:K|L*2..3]->(y) RETURN y.n ORDER BY y.n",
        &["'c'", "'d'"],
    );
    t.check("MATCH (x {n: 'c'})<--(y) RETURN y.n", &["'b'"]);
    // A type that no relationship has does not hide the ones that exist.
    t.check("MATCH (x {n: 'a'})-[:K|NOPE]->(y) RETURN y.n", &["'b'"]);
    t.check(
        "MATCH (x {n: 'b'})--(y) RETURN y.n ORDER BY y.n",
        &["'a'", "'c'"],
    );
    t.check(
        "MATCH p = (x {n: 'a'})-[*..5]->(y {n: 'd'}) RETURN length(p), size(nodes(p))",
        &["3 | 4"],
    );
    t.check(
        "MATCH p = shortestPath((x {n: 'a'})-[*]-(y {n: 'd'})) RETURN length(p)",
        &["3"],
    );
    // Relationship uniqueness within one MATCH.
    t.check("MATCH (x)-[r1]->(y)<-[r2]-(z) RETURN count(*)", &["0"]);
}

/// A variable-length pattern the plan walks from its far end lists its relationships in
/// the pattern's order all the same, and filters on the node it starts from go below it.
#[test]
fn variable_length_relationships_keep_the_patterns_order_when_walked_backwards() {
    let t = TestDb::new();
    t.run(
        "CREATE (m:M)-[:K {i: 2}]->(:E {n: 'e'}) WITH m \
         UNWIND range(1, 30) AS i CREATE (:S {n: i})-[:K {i: 1}]->(m)",
    );
    let q = "MATCH p = (x:S)-[rs:K*2]->(y:E) WHERE x.n > 28 \
             RETURN x.n, [r IN rs | r.i], [n IN nodes(p) | coalesce(n.n, 'm')] ORDER BY x.n";
    let plan =
        t.db.execute(&format!("EXPLAIN {q}"), &Params::new())
            .unwrap()
            .plan
            .unwrap();
    // Walked from the one E, and the filters on x (its label, `x.n > 28`) tested where x
    // is bound, below the projection of the path.
    let lines: Vec<&str> = plan.lines().collect();
    let at = |op: &str| lines.iter().position(|l| l.contains(op)).unwrap();
    assert!(plan.contains("NodeByLabelScan #0:E"), "{plan}");
    assert!(lines[at("VarLengthExpand")].contains("<-[#"), "{plan}");
    assert!(
        lines[at("VarLengthExpand") - 1].contains("Filter"),
        "{plan}"
    );
    assert!(
        lines[at("VarLengthExpand") - 2].contains("Filter"),
        "{plan}"
    );
    t.check(
        q,
        &[
            "29 | [1, 2] | [29, 'm', 'e']",
            "30 | [1, 2] | [30, 'm', 'e']",
        ],
    );
}

#[test]
fn expressions_and_functions() {
    let t = TestDb::new();
    t.check(
        "RETURN 0x1F, 0o17, 1.5e1, 'it\\'s' = \"it's\", 2 ^ 3, 7 % 3, -7 / 2",
        &["31 | 15 | 15.0 | true | 8.0 | 1 | -3"],
    );
    t.check(
        "RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * 10]",
        &["[10, 30, 50]"],
    );
    t.check("RETURN reduce(s = 0, x IN [1, 2, 3] | s + x), all(x IN [1, 2] WHERE x > 0), none(x IN [1] WHERE x > 5), single(x IN [1, 2] WHERE x = 2)", &["6 | true | true | true"]);
    t.check(
        "RETURN CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END, CASE WHEN false THEN 1 ELSE 2 END",
        &["'two' | 2"],
    );
    t.check("RETURN 'Sahel' STARTS WITH 'Sa', 'Sahel' ENDS WITH 'el', 'Sahel' CONTAINS 'he', 'Sahel' =~ 'S.*l'", &["true | true | true | true"]);
    t.check(
        "RETURN [1, 2, 3][0], [1, 2, 3][-1], [1, 2, 3][1..], {a: 1}['a']",
        &["1 | 3 | [2, 3] | 1"],
    );
    t.check("RETURN toUpper('mali'), substring('Burkina', 0, 3), split('a,b', ','), coalesce(null, 2), toInteger('42')", &["'MALI' | 'Bur' | ['a', 'b'] | 2 | 42"]);
    t.check("UNWIND [1, 2, 3, 4] AS x RETURN sum(x), avg(x), min(x), max(x), collect(x), count(DISTINCT x % 2)", &["10 | 2.5 | 1 | 4 | [1, 2, 3, 4] | 2"]);
    t.check(
        "RETURN true XOR false, NOT true, true AND null, false OR null",
        &["true | false | null | null"],
    );
}

#[test]
fn subqueries_and_pattern_predicates() {
    let t = TestDb::new();
    t.run("CREATE (:A {v: 1})-[:R]->(:B {v: 2}), (:A {v: 3})");
    t.check("MATCH (a:A) WHERE (a)-[:R]->() RETURN a.v", &["1"]);
    t.check(
        "MATCH (a:A) WHERE EXISTS { MATCH (a)-[:R]->(b) WHERE b.v = 2 } RETURN a.v",
        &["1"],
    );
    t.check(
        "MATCH (a:A) RETURN a.v, [(a)-[:R]->(b) | b.v] ORDER BY a.v",
        &["1 | [2]", "3 | []"],
    );
    t.check(
        "MATCH (a:A) RETURN a.v, COUNT { (a)-->() } AS c ORDER BY a.v",
        &["1 | 1", "3 | 0"],
    );
    t.check(
        "MATCH (a:A) RETURN a{.v, k: 1} ORDER BY a.v",
        &["{k: 1, v: 1}", "{k: 1, v: 3}"],
    );
    t.check("RETURN 1 AS x UNION RETURN 1 AS x", &["1"]);
    t.check("RETURN 1 AS x UNION ALL RETURN 1 AS x", &["1", "1"]);
    // Each part keeps its own order; the sorted values of each are handed on row by row.
    t.check(
        "UNWIND [3, 1, 2] AS x RETURN x, -x AS y ORDER BY x DESC \
         UNION ALL UNWIND [5, 4] AS x RETURN x, -x AS y ORDER BY y",
        &["3 | -3", "2 | -2", "1 | -1", "5 | -5", "4 | -4"],
    );
}

#[test]
fn writes_and_their_statistics() {
    let t = TestDb::new();
    // Rows sorted after writes, then cut: every write happens, and the rows keep their
    // columns in order.
    t.check(
        "UNWIND [3, 1, 2, 5, 4] AS x CREATE (n:W {x: x}) \
         RETURN n.x AS y, -n.x AS z ORDER BY y SKIP 1 LIMIT 2",
        &["2 | -2", "3 | -3"],
    );
    t.check(
        "UNWIND [3, 1, 2] AS x CREATE (n:W {x: x}) RETURN n.x AS y, -n.x AS z ORDER BY y SKIP 1",
        &["2 | -2", "3 | -3"],
    );
    assert_eq!(t.count("MATCH (n:W) RETURN count(n) AS c"), 8);
    t.run("MATCH (n:W) DELETE n");
    let r =
        t.db.execute("CREATE (a:X {k: 1})-[:T {w: 2}]->(b:X:Y)", &Params::new())
            .unwrap();
    assert_eq!(
        (
            r.stats.nodes_created,
            r.stats.relationships_created,
            r.stats.labels_added,
            r.stats.properties_set
        ),
        (2, 1, 3, 2)
    );
    t.run("MATCH (n:Y) SET n.k = 2, n:Z");
    t.check(
        "MATCH (n:Z) RETURN n.k, labels(n)",
        &["2 | ['X', 'Y', 'Z']"],
    );
    t.run("MATCH (n:Z) REMOVE n:Z, n.k");
    t.check("MATCH (n:X) RETURN n.k ORDER BY n.k", &["1", "null"]);
    t.run("MATCH (n {k: 1}) SET n += {extra: 'x'}");
    t.check(
        "MATCH (n {k: 1}) RETURN properties(n)",
        &["{extra: 'x', k: 1}"],
    );
    t.run("MERGE (m:M {id: 1}) ON CREATE SET m.c = 1 ON MATCH SET m.c = m.c + 1");
    t.run("MERGE (m:M {id: 1}) ON CREATE SET m.c = 1 ON MATCH SET m.c = m.c + 1");
    t.check("MATCH (m:M) RETURN m.c", &["2"]);
    t.error(
        "MATCH (n:X) DELETE n",
        ErrorKind::ConstraintVerificationFailed,
        Some("DeleteConnectedNode"),
    );
    let r =
        t.db.execute("MATCH (n:X) DETACH DELETE n", &Params::new())
            .unwrap();
    assert_eq!(
        (r.stats.nodes_deleted, r.stats.relationships_deleted),
        (2, 1)
    );
    assert_eq!(t.count("MATCH (n) RETURN count(n)"), 1);
    t.run("FOREACH (i IN [1, 2] | CREATE (:F {i: i}))");
    assert_eq!(t.count("MATCH (f:F) RETURN count(f)"), 2);
}

#[test]
fn a_failing_statement_leaves_the_graph_unchanged() {
    let t = TestDb::new();
    t.run("CREATE (:Keep {v: 1})-[:R]->(:Keep {v: 2})");
    let before =
        t.rows("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN n, n.v, labels(n), r, m ORDER BY n.v");
    // Writes of every kind, then a division by zero.
    t.error(
        "MATCH (k:Keep) SET k.v = k.v + 10, k:Changed CREATE (:New)-[:R]->(k) WITH k DETACH DELETE k RETURN 1 / 0",
        ErrorKind::ArithmeticError,
        None,
    );
    assert_eq!(
        t.rows("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN n, n.v, labels(n), r, m ORDER BY n.v"),
        before
    );
    // Ids stay as they were: new nodes do not reuse them either.
    t.run("CREATE (:Later)");
    assert_eq!(t.count("MATCH (n) RETURN count(n)"), 3);
}

#[test]
fn explicit_transactions_commit_and_roll_back() {
    let db = Database::in_memory();
    let p = Params::new();
    let mut tx = db.begin().unwrap();
    tx.execute("CREATE (:T)", &p).unwrap();
    tx.execute("CREATE (:T)", &p).unwrap();
    tx.commit().unwrap();
    {
        let mut tx = db.begin().unwrap();
        tx.execute("MATCH (t:T) DETACH DELETE t", &p).unwrap();
        // dropped: rolled back
    }
    let r = db.execute("MATCH (t:T) RETURN count(t)", &p).unwrap();
    assert_eq!(r.rows[0][0], Value::Int(2));
}

#[test]
fn parameters_from_rust_and_json() {
    let db = Database::in_memory();
    let mut p = Params::new();
    p.insert("name".into(), Value::from("Niger"));
    p.insert(
        "props".into(),
        Value::from(serde_json::json!({"pop": 26, "tags": ["sahel"]})),
    );
    db.execute("CREATE (n:Country {name: $name}) SET n += $props", &p)
        .unwrap();
    let r = db
        .execute(
            "MATCH (n:Country) RETURN n.name, n.pop, n.tags",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(
        r.rows[0],
        vec![
            Value::from("Niger"),
            Value::Int(26),
            Value::from(vec!["sahel"])
        ]
    );
    let e = db.execute("RETURN $missing", &Params::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ParameterMissing);
}

#[test]
fn a_missing_parameter_fails_the_statement_before_it_runs() {
    let t = TestDb::new();
    // No row ever reaches `$missing`: the statement still fails, at it, and creates nothing.
    let e = t.error(
        "CREATE (:Made)\nWITH 1 AS one MATCH (n:Nothing)\nRETURN n, $missing AS m",
        ErrorKind::ParameterMissing,
        Some("MissingParameter"),
    );
    assert_eq!(place(&e), (3, 11, 8), "{e}");
    assert!(e.message.contains("`missing`"), "{e}");
    assert_eq!(t.count("MATCH (n:Made) RETURN count(n)"), 0);
    // Given, it is read as before.
    let mut params = Params::new();
    params.insert("missing".into(), Value::Int(7));
    let r = t.db.execute("RETURN $missing AS m", &params).unwrap();
    assert_eq!(r.rows[0][0], Value::Int(7));
}

#[test]
fn a_top_k_keeps_whole_rows_of_different_widths() {
    // After an aggregation, an OPTIONAL MATCH that finds nothing leaves its anonymous
    // relationship's slot unset: such rows are narrower than matched ones, arriving
    // before and after them.
    let t = TestDb::new();
    t.run(
        "CREATE (:P {name: 'a'}), (:P {name: 'b'})-[:R]->(:P {name: 'c'}), (:P {name: 'd'}),
                (:P {name: 'e'})-[:R]->(:P {name: 'f'}), (:P {name: 'g'})",
    );
    let query = |order: &str, limit: &str| {
        t.run(&format!(
            "MATCH (p:P) WITH p, count(*) AS c OPTIONAL MATCH (p)-->(q)
             WITH p, q ORDER BY p.name {order} {limit} RETURN p.name AS p, q.name AS q"
        ))
    };
    for order in ["", "DESC"] {
        let all = query(order, "");
        assert_eq!(all.len(), 7);
        for k in [1, 2, 3, 5, 10] {
            let top = query(order, &format!("LIMIT {k}"));
            assert_eq!(top, all[..k.min(7)].to_vec(), "{order} LIMIT {k}");
        }
    }
}

/// The line, column and length of the place an error points at.
fn place(e: &baobab::Error) -> (usize, usize, usize) {
    let pos = e.position.unwrap_or_else(|| panic!("no position: {e}"));
    let len = e.span.map_or(0, |s| s.end - s.start);
    (pos.line, pos.column, len)
}

#[test]
fn runtime_errors_point_at_the_call_or_operation_that_failed() {
    let t = TestDb::new();
    // Division by zero, on the second line, in the second item.
    let e = t.error(
        "UNWIND [1, 0] AS x\nRETURN x AS a, 10 / x AS b",
        ErrorKind::ArithmeticError,
        Some("DivisionByZero"),
    );
    assert_eq!(place(&e), (2, 16, 6), "{e}");
    // A function's bad argument: the call, not its enclosing arithmetic.
    let e = t.error(
        "WITH -1 AS n RETURN 1 + size(substring('abc', n))",
        ErrorKind::ArgumentError,
        None,
    );
    assert_eq!(place(&e), (1, 30, 19), "{e}");
    // Overflow of a value read at runtime.
    let e = t.error(
        "WITH 9223372036854775807 AS m\nRETURN m + 1",
        ErrorKind::ArithmeticError,
        Some("IntegerOverflow"),
    );
    assert_eq!(place(&e), (2, 8, 5), "{e}");
    // A date that does not exist names its parts and the text it was read from.
    let e = t.error(
        "WITH '2024-02-30' AS s RETURN date(s)",
        ErrorKind::TypeError,
        None,
    );
    assert_eq!(place(&e), (1, 31, 7), "{e}");
    assert!(e.message.contains("no day 30 of month 2"), "{e}");
    assert!(e.message.contains("`2024-02-30`"), "{e}");
    // A property read of a value that turns out to be a number, and an index of the
    // wrong type: the read, on the line it is on.
    let e = t.error(
        "UNWIND [{a: 1}, 2] AS x
RETURN x.a AS a",
        ErrorKind::TypeError,
        None,
    );
    assert_eq!(place(&e), (2, 8, 3), "{e}");
    let e = t.error(
        "WITH [1, 2] AS l, 'one' AS i
RETURN l[0] AS a,
  l[i] AS b",
        ErrorKind::TypeError,
        None,
    );
    assert_eq!(place(&e), (3, 3, 4), "{e}");
}

#[test]
fn an_unterminated_string_or_name_is_named_at_its_opening_quote() {
    let t = TestDb::new();
    for (q, column, what) in [
        ("RETURN 'abc", 8, "unterminated string"),
        ("RETURN \"a\\\"bc", 8, "unterminated string"),
        (
            "MATCH (n) WHERE n.name = 'x RETURN n",
            26,
            "unterminated string",
        ),
        ("RETURN 1 AS `x", 13, "unterminated name"),
    ] {
        let e = t.error(q, ErrorKind::SyntaxError, Some("UnexpectedSyntax"));
        assert_eq!(place(&e), (1, column, 1), "{q}: {e}");
        assert!(e.message.contains(what), "{q}: {e}");
    }
    // A stray quote after a closed string is the one left open.
    let e = t.error("RETURN 'a' '", ErrorKind::SyntaxError, None);
    assert!(e.message.contains("unterminated string"), "{e}");
    let e = t.error("RETURN 'it''s'", ErrorKind::SyntaxError, None);
    assert!(!e.message.contains("unterminated"), "{e}");
}

#[test]
fn errors_carry_kind_detail_and_position() {
    let t = TestDb::new();
    let e = t.error(
        "MATCH (n)\nRETURN m",
        ErrorKind::SyntaxError,
        Some("UndefinedVariable"),
    );
    let pos = e.position.expect("a position");
    assert_eq!((pos.line, pos.column), (2, 8));
    let e = t.error(
        "MATCH (n) RETRUN n",
        ErrorKind::SyntaxError,
        Some("UnexpectedSyntax"),
    );
    assert_eq!(e.position.unwrap().column, 11);
    t.error(
        "CREATE (a)-[:T]->(b), (a)-[:T]->(a) WITH a MATCH (a)-[a]->() RETURN 1",
        ErrorKind::SyntaxError,
        Some("VariableTypeConflict"),
    );
    t.error(
        "MATCH (a) CREATE (a)",
        ErrorKind::SyntaxError,
        Some("VariableAlreadyBound"),
    );
    t.error(
        "MATCH (a) WHERE count(a) > 1 RETURN a",
        ErrorKind::SyntaxError,
        Some("InvalidAggregation"),
    );
    t.error(
        "RETURN 1 AND 'x'",
        ErrorKind::SyntaxError,
        Some("InvalidArgumentType"),
    );
    t.error(
        "RETURN 9223372036854775807 + 1",
        ErrorKind::ArithmeticError,
        None,
    );
    t.error(
        "RETURN nosuch(1)",
        ErrorKind::SyntaxError,
        Some("UnknownFunction"),
    );
    t.error(
        "WITH 1 AS x RETURN x AS y, x AS y",
        ErrorKind::SyntaxError,
        Some("ColumnNameConflict"),
    );
    t.error("RETURN [1][true]", ErrorKind::TypeError, None);
}

/// What a query's static types show can only fail is rejected before anything runs, with
/// the error at the offending expression; what may succeed still runs.
#[test]
fn static_types_reject_at_compile_time_only_what_cannot_succeed() {
    use baobab::Phase;
    let t = TestDb::new();
    t.run("CREATE (:A {num: 1})-[:T]->(:B)");
    let syntax = ErrorKind::SyntaxError;
    let rejected: &[(&str, ErrorKind, &str, &str)] = &[
        // (query, kind, detail, the text the error points at)
        (
            "WITH 123 AS x RETURN x.num",
            ErrorKind::TypeError,
            "InvalidArgumentType",
            "x.num",
        ),
        (
            "WITH 'a' AS x RETURN x.num",
            ErrorKind::TypeError,
            "InvalidArgumentType",
            "x.num",
        ),
        (
            "WITH [1, true] AS x RETURN x.num",
            ErrorKind::TypeError,
            "InvalidArgumentType",
            "x.num",
        ),
        (
            "UNWIND [1, 2] AS x RETURN x.num",
            ErrorKind::TypeError,
            "InvalidArgumentType",
            "x.num",
        ),
        (
            "MATCH p = (a)-->() RETURN p.num",
            syntax,
            "InvalidArgumentType",
            "p.num",
        ),
        ("RETURN 1 IN 'abc'", syntax, "InvalidArgumentType", "'abc'"),
        (
            "RETURN 1 IN {x: []}",
            syntax,
            "InvalidArgumentType",
            "{x: []}",
        ),
        (
            "WITH true AS n MATCH (n) RETURN n",
            syntax,
            "VariableTypeConflict",
            "n)",
        ),
        (
            "MATCH (n) WITH [n] AS l MATCH (l)-->() RETURN 1",
            syntax,
            "VariableTypeConflict",
            "l)",
        ),
        (
            "WITH 1 AS r MATCH ()-[r]->() RETURN r",
            syntax,
            "VariableTypeConflict",
            "r]",
        ),
        (
            "MATCH p = (a) RETURN labels(p)",
            syntax,
            "InvalidArgumentType",
            "p)",
        ),
        (
            "MATCH (n) RETURN type(n)",
            syntax,
            "InvalidArgumentType",
            "n)",
        ),
        (
            "MATCH ()-[r]->() RETURN length(r)",
            syntax,
            "InvalidArgumentType",
            "r)",
        ),
        (
            "MATCH p = ()-->() RETURN size(p)",
            syntax,
            "InvalidArgumentType",
            "p)",
        ),
        (
            "RETURN properties('a')",
            syntax,
            "InvalidArgumentType",
            "'a'",
        ),
        (
            "RETURN none(x IN ['a', 'b'] WHERE x % 2 = 0)",
            syntax,
            "InvalidArgumentType",
            "x %",
        ),
        (
            "RETURN [x IN [true] | x * 2]",
            syntax,
            "InvalidArgumentType",
            "x *",
        ),
        (
            "MATCH (n) DELETE 1 + 1",
            syntax,
            "InvalidArgumentType",
            "1 + 1",
        ),
        (
            "MATCH (n) WHERE (n) RETURN n",
            syntax,
            "InvalidArgumentType",
            "n)",
        ),
        (
            "WITH 1 AS x WHERE x RETURN x",
            syntax,
            "InvalidArgumentType",
            "x R",
        ),
        (
            "MATCH (n) WHERE n.num AND n RETURN n",
            syntax,
            "InvalidArgumentType",
            "n R",
        ),
        (
            "WITH 'a' AS s RETURN NOT s",
            syntax,
            "InvalidArgumentType",
            "s",
        ),
        // Nothing has run: the CREATE before the mistake is not applied.
        (
            "CREATE (:C) WITH 2.5 AS x RETURN x.num",
            ErrorKind::TypeError,
            "InvalidArgumentType",
            "x.num",
        ),
    ];
    for (q, kind, detail, at) in rejected {
        let e = t.error(q, *kind, Some(detail));
        assert_eq!(e.phase, Phase::Compile, "{q}: {e}");
        let span = e.span.unwrap_or_else(|| panic!("{q}: no span in {e}"));
        assert_eq!(Some(span.start), q.rfind(at), "{q}: {e} points elsewhere");
    }
    assert_eq!(t.count("MATCH (c:C) RETURN count(c)"), 0);
    // Types that are not known, or that may succeed, are left to run.
    let allowed: &[(&str, &str)] = &[
        ("WITH {num: 7} AS m RETURN m.num", "7"),
        ("WITH null AS x RETURN x.num", "null"),
        ("MATCH (a:A) WITH a AS x RETURN x.num", "1"),
        ("MATCH (a:A) WITH [a] AS l UNWIND l AS x RETURN x.num", "1"),
        ("WITH date('2020-03-04') AS d RETURN d.month", "3"),
        ("WITH null AS n MATCH (n) RETURN count(*)", "0"),
        (
            "MATCH (a:A) WITH a AS n MATCH (n)-->(b) RETURN labels(b)",
            "['B']",
        ),
        (
            "MATCH ()-[r]->() WITH [r] AS rs MATCH ()-[rs*]->() RETURN size(rs)",
            "1",
        ),
        ("RETURN 1 IN [1, 2]", "true"),
        ("RETURN 1 IN null", "null"),
        ("RETURN 'a' + 1", "'a1'"),
        ("RETURN [1] + 'a'", "[1, 'a']"),
        ("RETURN 7 % 4 * 2.0", "6.0"),
        ("RETURN [x IN ['a', 1] WHERE x = 1 | x % 2]", "[1]"),
        ("RETURN 'a' IN [1] + 'a'", "true"),
        ("RETURN [x IN [1, 2] | x * 2]", "[2, 4]"),
        ("RETURN date('2020-03-04') - duration('P1D')", "2020-03-03"),
        (
            "MATCH p = (:A)-->() RETURN length(p), size(nodes(p))",
            "1 | 2",
        ),
        ("RETURN properties({k: 1})", "{k: 1}"),
        (
            "WITH true AS b MATCH (a:A) WHERE b AND a.num = 1 RETURN a.num",
            "1",
        ),
        ("WITH null AS b RETURN NOT b", "null"),
    ];
    for (q, expected) in allowed {
        t.check(q, &[expected]);
    }
}

/// Beside an aggregate, a grouping key is read from its group when it is a variable or a
/// property read, also inside larger expressions; a key that is a larger expression, and
/// variables the projection hides, are errors.
#[test]
fn grouping_keys_beside_aggregates() {
    let t = TestDb::new();
    t.run(
        "CREATE (a:P {name: 'Andres', age: 40}), (b:P {name: 'Bo', age: 30}), \
         (a)<-[:FATHER]-(:P {name: 'C1', age: 5}), (a)<-[:FATHER]-(:P {name: 'C2', age: 7}), \
         (b)<-[:FATHER]-(:P {name: 'C3', age: 2})",
    );
    t.check(
        "MATCH (a)<-[:FATHER]-(c) \
         RETURN a.name AS n, {andres: a.name = 'Andres', kids: size(collect(c.name))} AS m \
         ORDER BY n",
        &[
            "'Andres' | {andres: true, kids: 2}",
            "'Bo' | {andres: false, kids: 1}",
        ],
    );
    t.check(
        "MATCH (a)<-[:FATHER]-(c) \
         RETURN a.age AS age, count(c) AS k, a.age + count(c) AS x \
         ORDER BY a.age * 10 + count(c) DESC",
        &["40 | 2 | 42", "30 | 1 | 31"],
    );
    // Inside a comprehension beside an aggregate, keys are still read by text, except
    // those the comprehension's own variable hides.
    t.check(
        "MATCH (a)<-[:FATHER]-(c) \
         RETURN a.age AS age, count(*) + size([y IN [4, 30, 40] WHERE y < a.age]) AS n \
         ORDER BY age",
        &["30 | 2", "40 | 4"],
    );
    t.check(
        "UNWIND [1, 2] AS x WITH x, count(*) + size([x IN [5, 6, 7] WHERE x > 5]) AS n \
         RETURN x, n ORDER BY x",
        &["1 | 3", "2 | 3"],
    );
    // A subquery beside an aggregate names its own variables.
    t.check(
        "MATCH (a)<-[:FATHER]-(c) \
         WITH a, count(*) + COUNT { MATCH (a)<-[:FATHER]-(k) WHERE k.age > 4 RETURN k } AS n \
         RETURN a.name, n ORDER BY a.name",
        &["'Andres' | 4", "'Bo' | 1"],
    );
    let ambiguous = Some("AmbiguousAggregationExpression");
    let syntax = ErrorKind::SyntaxError;
    for q in [
        "MATCH (a)<-[:FATHER]-(c) RETURN a.age + c.age, a.age + c.age + count(*)",
        "MATCH (a)<-[:FATHER]-(c) WITH a.age + c.age AS g, a.age + c.age + count(*) AS n RETURN *",
        "MATCH (a)<-[:FATHER]-(c) RETURN a.age + c.age, count(*) AS n ORDER BY a.age + c.age + count(*)",
        "MATCH (a)<-[:FATHER]-(c) RETURN a.name, c.age + count(*)",
    ] {
        t.error(q, syntax, ambiguous);
    }
    // A WITH's unnamed expression is reported after its ORDER BY's own mistakes.
    t.error(
        "MATCH (a)<-[:FATHER]-(c) WITH a.age + c.age, count(*) AS n \
         ORDER BY a.age + c.age + count(*) RETURN *",
        syntax,
        ambiguous,
    );
    t.error(
        "MATCH (a)<-[:FATHER]-(c) WITH a.age + c.age, count(*) AS n ORDER BY n RETURN *",
        syntax,
        Some("NoExpressionAlias"),
    );
    for q in [
        "MATCH (a)<-[:FATHER]-(c) RETURN count(c.age) AS n ORDER BY a.age + count(c.age)",
        "MATCH (a)<-[:FATHER]-(c) WITH count(c.age) AS n ORDER BY a.age + count(c.age) RETURN *",
    ] {
        t.error(q, syntax, Some("UndefinedVariable"));
    }
}

/// Rules of CREATE, MERGE, MATCH and WITH that openCypher states, each checked where it
/// can first be: at compile time when the query shows it, else when the row comes.
#[test]
fn clause_rules_of_create_merge_match_and_with() {
    let t = TestDb::new();
    t.run("CREATE (:A)-[:T]->(:B)");
    // `WITH *` with nothing named passes its rows on; `RETURN *` has nothing to return.
    t.check(
        "MATCH () CREATE () WITH * CREATE () RETURN 1 AS one",
        &["1", "1"],
    );
    assert_eq!(t.count("MATCH (n) RETURN count(n)"), 6);
    t.error(
        "MATCH () RETURN *",
        ErrorKind::SyntaxError,
        Some("NoVariablesInScope"),
    );
    let e = t.error(
        "MATCH ()-[r]->() CREATE ()-[r]->()",
        ErrorKind::SyntaxError,
        Some("VariableAlreadyBound"),
    );
    assert_eq!(e.position.map(|p| p.column), Some(29), "{e}");
    // A parameter may give what CREATE makes its properties, not what a pattern matches.
    let mut params = Params::new();
    params.insert("p".into(), Value::from(serde_json::json!({"k": 1})));
    for q in [
        "MATCH (n $p) RETURN n",
        "MERGE (n $p) RETURN n",
        "MATCH (n) WHERE (n)-[$p]->() RETURN n",
    ] {
        match t.db.execute(q, &params) {
            Err(e) => assert_eq!(e.detail, Some("InvalidParameterUse"), "{q}: {e}"),
            Ok(_) => panic!("{q} ran"),
        }
    }
    let r =
        t.db.execute("CREATE (n:P $p) RETURN n.k", &params)
            .expect("CREATE with a map");
    assert_eq!(r.rows, vec![vec![Value::Int(1)]]);
    // A MERGE that would create an entity with a null property fails, and changes nothing.
    for q in [
        "MERGE (:M {k: null})",
        "MATCH (a:A) MERGE (a)-[:R {w: null}]->(:M)",
    ] {
        let e = t.error(q, ErrorKind::SemanticError, Some("MergeReadOwnWrites"));
        assert_eq!(e.phase, baobab::Phase::Runtime, "{q}: {e}");
    }
    assert_eq!(t.count("MATCH (m:M) RETURN count(m)"), 0);
    assert_eq!(t.count("MATCH ()-[r:R]->() RETURN count(r)"), 0);
    t.check("MERGE (m:M {k: 1}) RETURN m.k", &["1"]);
    // A subquery expression only reads.
    t.error(
        "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) SET m.x = 1 } RETURN n",
        ErrorKind::SyntaxError,
        Some("InvalidClauseComposition"),
    );
    t.check(
        "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) } RETURN labels(n)",
        &["['A']"],
    );
    // An aggregate of rand() is refused; rand() beside one is not.
    t.error(
        "RETURN count(rand())",
        ErrorKind::SyntaxError,
        Some("NonConstantExpression"),
    );
    t.check("RETURN count(*) + rand() * 0 AS n", &["1.0"]);
    // After DISTINCT or aggregation, WHERE may name a projected expression by its text.
    t.check(
        "MATCH (n) WITH DISTINCT labels(n) AS l WHERE labels(n) = ['B'] RETURN l",
        &["['B']"],
    );
    t.error(
        "MATCH (n) WITH DISTINCT labels(n) AS l WHERE n.k = 1 RETURN l",
        ErrorKind::SyntaxError,
        Some("UndefinedVariable"),
    );
}

/// A procedure's declared argument types: an INTEGER for a FLOAT arrives as the FLOAT, a
/// NUMBER takes both, null passes, and anything else fails before the body runs.
#[test]
fn procedure_arguments_are_checked_against_their_types() {
    use baobab::ArgType;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let t = TestDb::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    t.db.register_typed_procedure(
        "my.show",
        &[
            ("f", ArgType::Float),
            ("n", ArgType::Number),
            ("s", ArgType::String),
        ],
        &["f", "n", "s"],
        move |args| {
            seen.fetch_add(1, Ordering::SeqCst);
            Ok(vec![args.to_vec()])
        },
    );
    t.check("CALL my.show(1, 2, 'x')", &["1.0 | 2 | 'x'"]);
    t.check(
        "CALL my.show(1.5, 2.5, null) YIELD f, n, s RETURN f, n, s",
        &["1.5 | 2.5 | null"],
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    for q in [
        "CALL my.show('1', 2, 'x')",
        "CALL my.show(1, true, 'x')",
        "UNWIND [1, 2] AS i CALL my.show(1, 2, i) YIELD s RETURN s",
    ] {
        let e = t.error(q, ErrorKind::TypeError, Some("InvalidArgumentType"));
        assert!(e.message.contains("argument"), "{q}: {e}");
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "a body ran for a call that failed"
    );
    // Untyped procedures take anything.
    t.db.register_procedure("my.echo", 1, &["v"], |args| Ok(vec![args.to_vec()]));
    t.check("CALL my.echo('a')", &["'a'"]);
    assert_eq!(ArgType::parse("integer?"), Some(ArgType::Integer));
    assert_eq!(ArgType::parse("LIST? OF INTEGER?"), Some(ArgType::List));
    assert_eq!(ArgType::parse("DECIMAL"), None);
}

#[test]
fn nothing_panics_on_odd_input() {
    let t = TestDb::new();
    let deep = format!("RETURN {}1{}", "(".repeat(5000), ")".repeat(5000));
    let inputs = [
        "",
        ";",
        "MATCH",
        "MATCH (",
        "RETURN $",
        "RETURN 1 +",
        "CREATE (:A {x: [1, [2]]})",
        "UNWIND range(1, 3) AS x RETURN x[0]",
        "RETURN {a: 1}.b.c",
        "MATCH (n) SET n = 1",
        "RETURN '\\u12'",
        "RETURN 1e999",
        deep.as_str(),
        "\u{0}",
        "MATCH ()-[*0..0]-() RETURN 1",
    ];
    for q in inputs {
        let _ = t.db.execute(q, &Params::new());
    }
}

#[test]
fn the_thread_holding_a_transaction_gets_an_error_instead_of_a_deadlock() {
    let db = Database::in_memory();
    let mut tx = db.begin().unwrap();
    tx.execute("CREATE (:N)", &Params::new()).unwrap();
    for e in [
        db.execute("MATCH (n) RETURN count(n)", &Params::new())
            .err(),
        db.schema().err(),
        db.begin().err(),
    ] {
        let e = e.expect("refused, not deadlocked");
        assert_eq!(e.kind, baobab::ErrorKind::TransactionError, "{e}");
    }
    tx.commit().unwrap();
    // Once the transaction is over the same calls work, from this thread and others.
    assert_eq!(
        db.execute("MATCH (n) RETURN count(n)", &Params::new())
            .unwrap()
            .rows,
        vec![vec![Value::Int(1)]]
    );
    let tx = db.begin().unwrap();
    drop(tx);
    std::thread::scope(|s| {
        s.spawn(|| assert!(db.schema().is_ok()));
    });
}

#[test]
fn order_by_with_limit_keeps_the_first_rows_of_the_full_order() {
    let db = TestDb::new();
    db.run(
        "UNWIND range(1, 3000) AS i CREATE (:T {i: i, k: (i * 7919) % 97, s: toString(i % 13)})",
    );
    for (order, limit) in [
        ("n.k", 1),
        ("n.k DESC", 10),
        ("n.s, n.k DESC", 25),
        ("n.k", 500),
        ("n.s DESC", 2999),
        ("n.k", 5000),
    ] {
        let all = db.run(&format!("MATCH (n:T) RETURN n.i, n.k ORDER BY {order}"));
        let some = db.run(&format!(
            "MATCH (n:T) RETURN n.i, n.k ORDER BY {order} LIMIT {limit}"
        ));
        // Ties keep the order the rows came in, with or without a limit.
        let first: Vec<_> = all.iter().take(limit).cloned().collect();
        assert_eq!(some, first, "ORDER BY {order} LIMIT {limit}");
        // Keys that are not returned: the top-k keeps them beside the rows.
        let all = db.run(&format!("MATCH (n:T) RETURN n.i ORDER BY {order}"));
        let some = db.run(&format!(
            "MATCH (n:T) RETURN n.i ORDER BY {order} LIMIT {limit}"
        ));
        let first: Vec<_> = all.iter().take(limit).cloned().collect();
        assert_eq!(
            some, first,
            "ORDER BY {order} LIMIT {limit}, keys not returned"
        );
    }
    assert!(db
        .run("MATCH (n:T) RETURN n ORDER BY n.i LIMIT 0")
        .is_empty());
    // A row that loses on its first key still has its later keys evaluated when they may
    // fail: node 2998 (k = 24; the first ten have k = 0) divides by zero.
    let failing = db.db.execute(
        "MATCH (n:T) RETURN n.i ORDER BY n.k, 10 / (n.i - 2998) LIMIT 10",
        &Params::new(),
    );
    assert_eq!(
        failing.map(|_| ()).map_err(|e| e.kind),
        Err(ErrorKind::ArithmeticError)
    );
    let skip = db.run("MATCH (n:T) RETURN n.i ORDER BY n.k, n.i SKIP 5 LIMIT 3");
    let all = db.run("MATCH (n:T) RETURN n.i ORDER BY n.k, n.i");
    assert_eq!(skip, all[5..8].to_vec());
}

/// The rows operator `op` produced, from a PROFILE's plan text.
fn profiled_rows(text: &str, op: &str) -> usize {
    text.lines()
        .find(|l| l.contains(op))
        .and_then(|l| l.split("rows=").nth(1))
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse().ok())
        .expect("the operator's row count")
}

/// A top-k tells the scan or expansion that binds the node of its first key the worst key
/// it keeps, and that operator drops nodes beyond it before building their rows. The rows
/// must stay those of the full order: ties on the first key (won on a later key, or lost
/// by arriving later), missing keys (first in a descending order), floats and strings
/// among integers, nodes changed or deleted after an import, keys read through a WITH,
/// and expansions above the bounded one. A filter that may fail on a dropped row stops the
/// bound, so its error is still raised.
#[test]
fn top_k_bounds_drop_only_rows_that_cannot_be_kept() {
    // k: integers with about 30 nodes each, some floats, and a few nodes early and late
    // without k (first in a descending order) or with a string (first in an ascending
    // one). s: strings with about 80 nodes each, f: floats with about 55.
    let k = |i: i64| {
        let k = match i {
            5 | 1700 | 2950 => String::new(),
            8 | 1600 | 2960 => format!(", \"k\": \"s{}\"", i % 7),
            _ if i % 97 == 3 => format!(", \"k\": {}.5", (i * 7919) % 97),
            _ => format!(", \"k\": {}", (i * 7919) % 97),
        };
        format!(
            "{k}, \"s\": \"x{}\", \"f\": {}.25",
            (i * 31) % 37,
            (i * 7) % 53
        )
    };
    for bulk in [false, true] {
        let t = TestDb::new();
        if bulk {
            // Imported nodes are read through their load's runs (column by column).
            let lines: String = (0..3000)
                .map(|i| {
                    format!(
                        "{{\"type\":\"node\",\"id\":{i},\"labels\":[\"T\"],\"properties\":{{\"i\":{i}{}}}}}\n",
                        k(i)
                    )
                })
                .collect();
            t.db.import_jsonl(lines.as_bytes(), "nodes", false).unwrap();
        } else {
            for i in 0..3000 {
                t.run(&format!(
                    "CREATE (:T {{i: {i}{}}})",
                    k(i).replace("\"k\"", "k")
                        .replace("\"s\"", "s")
                        .replace("\"f\"", "f")
                ));
            }
        }
        t.run("MATCH (n:T) WHERE n.i % 13 = 6 SET n.k = 40");
        t.run("MATCH (n:T) WHERE n.i % 11 = 4 DETACH DELETE n");
        t.run("CREATE (h:H {j: 1}) WITH h MATCH (n:T) WHERE n.i % 3 <> 1 CREATE (h)-[:R]->(n)");
        t.run("CREATE (h:H {j: 2}) WITH h MATCH (n:T) WHERE n.i % 3 <> 2 CREATE (h)-[:R]->(n)");
        t.run("MATCH (h:H) CREATE (h)-[:S]->(:O {j: h.j * 10, k: 90}), (h)-[:S]->(:O {j: h.j * 10 + 1, k: -5})");
        for (pattern, order, limit) in [
            ("(n:T)", "n.k, n.i", 10),
            ("(n:T)", "n.k, n.i DESC", 10),
            ("(n:T)", "n.k DESC", 25),
            ("(n:T)", "n.k DESC, n.i DESC", 7),
            ("(n:T)", "n.k", 2000),
            // Strings and floats as first keys.
            ("(n:T)", "n.s, n.i", 10),
            ("(n:T)", "n.s DESC, n.i DESC", 15),
            ("(n:T)", "n.f DESC, n.i", 10),
            ("(n:T)", "n.f, n.i DESC", 60),
            ("(:H)-[:R]->(n:T)", "n.s DESC, n.i", 8),
            ("(n)", "n.k DESC, n.i", 15),
            ("(n)", "n.k, n.i DESC", 40),
            ("(:H)-[:R]->(n:T)", "n.k DESC, n.i", 30),
            ("(:H)-[:R]->(n)", "n.k, n.i DESC", 5),
            ("(h:H)-[:R]->(n:T)", "n.k, h.j DESC, n.i", 12),
            ("(n:T)<-[:R]-(h:H)-[:S]->(o)", "n.k DESC, n.i, o.j", 12),
            ("(n:T)<-[:R]-(h:H)-[:S]->(o)", "n.k, n.i, o.j", 12),
            // The expansion that binds n below the one that binds o.
            (
                "(h:H)-[:R]->(n:T) WITH h, n MATCH (h)-[:S]->(o)",
                "n.k, n.i, o.j",
                12,
            ),
            (
                "(h:H)-[:R]->(n:T) WITH h, n MATCH (h)-[:S]->(o)",
                "n.k DESC, n.i, o.j",
                12,
            ),
            // Variable-length expansions that bind n, from the hubs, and one above n's.
            (
                "(h:H)-[:R]->(n:T) WITH h, n MATCH (h)-[:S*1..1]->(o)",
                "n.k, n.i, o.j",
                12,
            ),
            (
                "(h:H) WITH h MATCH (h)-[:R*1..2]->(n:T)",
                "n.k DESC, n.i, h.j",
                20,
            ),
            (
                "(h:H) WITH h MATCH (h)-[:R*1..2]->(n)",
                "n.k, h.j DESC, n.i",
                9,
            ),
        ] {
            for ret in ["n.i, n.k", "n.i"] {
                let q = format!("MATCH {pattern} RETURN {ret} ORDER BY {order}");
                let all = t.run(&q);
                let first: Vec<_> = all.iter().take(limit).cloned().collect();
                assert_eq!(
                    t.run(&format!("{q} LIMIT {limit}")),
                    first,
                    "bulk: {bulk}, {q}"
                );
                let skipped: Vec<_> = all.iter().skip(3).take(limit).cloned().collect();
                assert_eq!(
                    t.run(&format!("{q} SKIP 3 LIMIT {limit}")),
                    skipped,
                    "bulk: {bulk}, {q} SKIP 3"
                );
            }
        }
        // The first key read through a WITH.
        let all = t.run("MATCH (n:T) WITH n, n.k AS key RETURN n.i ORDER BY key DESC, n.i");
        assert_eq!(
            t.run("MATCH (n:T) WITH n, n.k AS key RETURN n.i ORDER BY key DESC, n.i LIMIT 9"),
            all[..9].to_vec(),
            "bulk: {bulk}"
        );
        // A top-k in the middle of a query, and one in a subquery run once per outer row.
        let all = t.run("MATCH (n:T) RETURN n.i ORDER BY n.k DESC, n.i");
        let six: Vec<String> = all[..6].iter().map(|r| r[0].to_string()).collect();
        assert_eq!(
            t.run(
                "MATCH (n:T) WITH n ORDER BY n.k DESC, n.i LIMIT 6 \
                 MATCH (n)<-[:R]-(h:H) RETURN n.i, h.j ORDER BY h.j, n.i"
            ),
            t.run(&format!(
                "MATCH (n:T)<-[:R]-(h:H) WHERE n.i IN [{}] RETURN n.i, h.j ORDER BY h.j, n.i",
                six.join(", ")
            )),
            "bulk: {bulk}"
        );
        let sub = t.run(
            "MATCH (h:H) CALL { WITH h MATCH (h)-[:R]->(n:T) RETURN n ORDER BY n.k DESC, n.i LIMIT 4 } \
             RETURN h.j, n.i ORDER BY h.j",
        );
        for j in [1, 2] {
            let full = t.run(&format!(
                "MATCH (h:H {{j: {j}}})-[:R]->(n:T) RETURN h.j, n.i ORDER BY n.k DESC, n.i"
            ));
            let got: Vec<_> = sub
                .iter()
                .filter(|r| r[0] == Value::Int(j))
                .cloned()
                .collect();
            assert_eq!(got, full[..4].to_vec(), "bulk: {bulk}, hub {j}");
        }
        // The bound drops nodes: the scan under the top-k emits rows for far fewer than the
        // 2,727 nodes it reads (all of its first part of 1,024, few after), and the
        // variable-length expansion for few of the second hub's (it finds each hub's paths
        // in one part).
        let emitted = |q: &str, op: &str| -> (usize, String) {
            let r =
                t.db.execute(&format!("PROFILE {q}"), &Params::new())
                    .unwrap();
            let text = r.plan.unwrap();
            (profiled_rows(&text, op), text)
        };
        let (rows, text) = emitted(
            "MATCH (n:T) RETURN n.i ORDER BY n.k LIMIT 10",
            "NodeByLabelScan",
        );
        assert!(rows < 1500, "{text}");
        let (rows, text) = emitted(
            "MATCH (n:T) RETURN n.i ORDER BY n.s DESC LIMIT 10",
            "NodeByLabelScan",
        );
        assert!(rows < 1500, "{text}");
        let q =
            "MATCH (h:H) WITH h MATCH (h)-[:R*1..2]->(n:T) RETURN n.i ORDER BY n.k DESC LIMIT 10";
        let (rows, text) = emitted(q, "VarLengthExpand");
        assert!(rows < 2500, "{text}");
        // Inside a transaction, after its own writes, a statement that only reads is bounded
        // too, and sees those writes.
        let mut tx = t.db.begin().unwrap();
        tx.execute("MATCH (n:T) WHERE n.i % 7 = 2 SET n.k = -1", &Params::new())
            .unwrap();
        tx.execute(
            "MATCH (n:T) WHERE n.i % 5 = 1 DETACH DELETE n",
            &Params::new(),
        )
        .unwrap();
        let q = "MATCH (n:T) RETURN n.i, n.k ORDER BY n.k, n.i DESC";
        let all = tx.execute(q, &Params::new()).unwrap().rows.to_vecs();
        let some = tx
            .execute(&format!("{q} LIMIT 10"), &Params::new())
            .unwrap();
        assert_eq!(
            some.rows,
            all[..10].to_vec(),
            "bulk: {bulk}, in a transaction"
        );
        let r = tx
            .execute(&format!("PROFILE {q} LIMIT 10"), &Params::new())
            .unwrap();
        let text = r.plan.unwrap();
        assert!(profiled_rows(&text, "NodeByLabelScan") < 1500, "{text}");
        tx.rollback().unwrap();
        // A filter that may fail sits between the top-k and the scan: the node it fails on
        // (the last, with the worst key) is not dropped ahead of it.
        t.run("CREATE (:T {i: 5000, k: 1000})");
        t.error(
            "MATCH (n:T) WHERE 100 / (n.i - 5000) > -1000 RETURN n.i ORDER BY n.k LIMIT 3",
            ErrorKind::ArithmeticError,
            None,
        );
    }
}

/// An expansion builds its rows in a scratch row that still holds the last row's values:
/// a slot that is null in the next input row (an OPTIONAL MATCH that found nothing) must
/// be null in its output too.
#[test]
fn an_expansion_keeps_the_nulls_of_the_rows_it_extends() {
    let t = TestDb::new();
    t.run(
        "CREATE (a1:A {n: 1})-[:R]->(:B {n: 10}), (a1)-[:S]->(:C {n: 100}), \
         (a2:A {n: 2})-[:S]->(:C {n: 200}), (a3:A {n: 3})-[:R]->(:B {n: 30}), \
         (a3)-[:S]->(:C {n: 300})",
    );
    t.check(
        "MATCH (a:A) OPTIONAL MATCH (a)-[:R]->(b) MATCH (a)-[:S]->(c) \
         RETURN a.n, b.n, c.n ORDER BY a.n",
        &["1 | 10 | 100", "2 | null | 200", "3 | 30 | 300"],
    );
}

/// A sort right under the results keeps only the returned columns and hands its rows over
/// as the results, and a projection right under them evaluates straight into the result
/// rows; under PROFILE every operator is wrapped, so the same query runs with a separate
/// Produce, and both must answer alike: keys among the columns or not, computed keys,
/// ties, SKIP and LIMIT, DISTINCT, sorts that are not last (WITH, subqueries), and
/// projections that pass variables through or read one another's inputs.
#[test]
fn results_built_by_the_fused_operators_equal_those_of_the_plain_plan() {
    let db = TestDb::new();
    db.run(
        "UNWIND range(1, 200) AS i
         CREATE (:T {i: i, k: (i * 7919) % 23, s: toString(i % 7), f: CASE WHEN i % 5 = 0 THEN null ELSE i / 3.0 END})",
    );
    db.run("MATCH (a:T), (b:T) WHERE b.i = a.i + 1 AND a.i % 3 = 0 CREATE (a)-[:NEXT {w: a.i % 4}]->(b)");
    for q in [
        "MATCH (n:T) RETURN n.i AS i, n.k AS k ORDER BY k, i",
        "MATCH (n:T) RETURN n.i AS i ORDER BY n.k DESC, n.s, n.i",
        "MATCH (n:T) RETURN n.s AS s, n.i AS i ORDER BY n.f, i DESC",
        "MATCH (n:T) RETURN n.i ORDER BY n.k + n.i % 5, n.i SKIP 7 LIMIT 20",
        "MATCH (n:T) RETURN n.k AS k, n.i AS i ORDER BY k LIMIT 15",
        "MATCH (n:T) RETURN n.k AS k, n.s AS s, n.i AS i ORDER BY i DESC, k LIMIT 11",
        "MATCH (n:T) RETURN n.k AS k, n.s AS s, n.i AS i ORDER BY k, s DESC, i LIMIT 13",
        "MATCH (n:T) RETURN n.k AS k ORDER BY k SKIP 3",
        "MATCH (n:T) RETURN DISTINCT n.k AS k, n.s AS s ORDER BY s DESC, k LIMIT 12",
        "MATCH (n:T) RETURN n.s AS s, count(*) AS c, collect(n.i)[0] AS first ORDER BY c DESC, s",
        "MATCH (a:T)-[r:NEXT]->(b) RETURN b, r.w AS w, a.i AS i ORDER BY w, i DESC LIMIT 9",
        "MATCH (n:T) WITH n ORDER BY n.k, n.i LIMIT 30 RETURN n.i AS i, n.s AS s",
        "MATCH (n:T) WHERE n.i < 40 CALL { WITH n MATCH (m:T) WHERE m.k = n.k RETURN m.i AS j ORDER BY j DESC LIMIT 2 } RETURN n.i AS i, j ORDER BY i, j",
        "MATCH (n:T) RETURN n.i AS i ORDER BY i LIMIT 0",
        "MATCH (n:T) RETURN n.i AS i, n.s AS s ORDER BY s, n.k SKIP 195 LIMIT 10",
        "MATCH (n:T) RETURN n.i AS i, n.k * 2 AS k2, n.f AS f",
        "MATCH (n:T) WITH n, n.k AS k WHERE k > 10 RETURN n, k, n.i + k AS both",
        "MATCH (a:T)-[r:NEXT]->(b) RETURN a.i AS a, r, b.i - a.i AS d, r.w AS w",
        "MATCH (n:T) WITH n.i AS i, n.k AS k RETURN k AS i, i AS k LIMIT 5",
        "UNWIND [1, 2, 3] AS x RETURN x, x * x AS sq",
        "MATCH (n:T) WHERE n.i > 190 RETURN *",
    ] {
        let narrow = db.rows(q);
        let whole = db.rows(&format!("PROFILE {q}"));
        assert_eq!(narrow, whole, "query: {q}");
        assert!(q.contains("LIMIT 0") || !narrow.is_empty(), "query: {q}");
    }
    // An item that can fail stays in its projection: the row that fails it cannot make
    // the top 3, and still stops the statement, as it does under PROFILE.
    let q = "MATCH (n:T) RETURN n.i AS i, 10 / (n.i - 150) AS x ORDER BY i LIMIT 3";
    db.error(q, ErrorKind::ArithmeticError, None);
    db.error(&format!("PROFILE {q}"), ErrorKind::ArithmeticError, None);
}

/// DISTINCT aggregates over a mix of nodes, relationships and values: entities are kept by
/// id, values by equivalence (1 and 1.0 are one), nulls skipped, first occurrences kept
/// in order.
#[test]
fn distinct_aggregates_mix_entities_and_values() {
    let t = TestDb::new();
    t.run("CREATE (a:N {i: 1})-[:R {i: 1}]->(b:N {i: 2})-[:R {i: 2}]->(c:N {i: 3}), (a)-[:R {i: 3}]->(c)");
    let q = "MATCH (a)-[r]->(b) WITH collect(a) + collect(b) AS ns, collect(r) AS rs
             UNWIND ns + rs + rs + [1, 1.0, 'x', null, 'x'] AS x
             WITH count(DISTINCT x) AS n, count(x) AS all, collect(DISTINCT x) AS firsts
             RETURN n, all, [y IN firsts[0..6] | y.i] AS entities, firsts[6..] AS values";
    // Nodes in the order collected (a of each relationship, then b), then the relationships.
    let entities: Vec<String> = t.run(
        "MATCH (a)-[r]->(b) WITH collect(a) + collect(b) AS ns, collect(r) AS rs
         UNWIND ns AS n WITH collect(DISTINCT n.i) AS seen, rs
         RETURN seen + [r IN rs | r.i]",
    )[0]
    .iter()
    .map(Value::to_string)
    .collect();
    t.check(q, &[&format!("8 | 16 | {} | [1, 'x']", entities[0])]);
}

/// `count(*)` grouped by entities' properties counts rows by entity first and merges the
/// combinations whose keys are equal at the end; `count(1)` takes the row-by-row path.
/// Both must agree: with entities sharing a key value, with rows whose key entity is null
/// (OPTIONAL MATCH), past the trial after which many combinations over few groups switch
/// to the row-by-row lookup, and when no two entities share keys, so that each
/// combination becomes a group without being looked up.
#[test]
fn counting_rows_by_entities_agrees_with_counting_them_one_by_one() {
    let t = TestDb::new();
    t.run(
        "UNWIND range(1, 3000) AS i
         CREATE (p:P {i: i, g: i % 3})
         WITH p, i WHERE i % 4 <> 0
         CREATE (p)-[:R]->(:Q {name: CASE WHEN i % 5 = 0 THEN 'five' ELSE 'other' END})",
    );
    t.run("UNWIND ['a', 'a', 'b'] AS name CREATE (:T {name: name})");
    let sorted = |q: &str| {
        let mut rows = t.rows(q);
        rows.sort();
        rows
    };
    for pattern in [
        // Many combinations (3,000 persons), three groups: the trial switches to keys.
        "MATCH (p:P) RETURN p.g AS k, COUNT AS n",
        // Null entities beside real ones.
        "MATCH (p:P) OPTIONAL MATCH (p)-[:R]->(q) RETURN q.name AS k, COUNT AS n",
        // Two combinations per name pair share a group: t1 and t2 take both 'a' nodes.
        "UNWIND range(1, 500) AS i MATCH (t1:T), (t2:T) RETURN t1.name AS a, t2.name AS b, COUNT AS n",
        // A group per entity, and the entity itself as the key.
        "MATCH (p:P)-[:R]->(q) WITH q, p LIMIT 2000 RETURN q AS k, p.g AS g, COUNT AS n",
        // Keys no two entities share (each combination its own group, made without a
        // lookup), whose combinations come back after the trial made their groups.
        "UNWIND range(1, 3) AS x MATCH (p:P) WHERE p.i <= 900 RETURN p.i AS k, COUNT AS n",
        // Two keys read from one entity; a relationship as a key.
        "MATCH (p:P) RETURN p.i AS a, p.g AS b, COUNT AS n",
        "MATCH (p:P)-[r:R]->(q) RETURN r AS k, p.i AS i, COUNT AS n",
        // Pairs of entities, as tag co-occurrence counts them.
        "MATCH (a:P), (b:P) WHERE a.i <= 60 AND b.i <= 60 AND a.i % 7 = b.i % 7
         UNWIND range(1, a.g + 1) AS x RETURN a.i AS a, b.i AS b, COUNT AS n",
    ] {
        let by_entities = sorted(&pattern.replace("COUNT", "count(*)"));
        let one_by_one = sorted(&pattern.replace("COUNT", "count(1)"));
        assert!(by_entities.len() > 1, "{pattern}");
        assert_eq!(by_entities, one_by_one, "{pattern}");
    }
    t.check(
        "UNWIND range(1, 500) AS i MATCH (t1:T), (t2:T) WHERE t1.name < t2.name
         RETURN t1.name AS a, t2.name AS b, count(*) AS n",
        &["'a' | 'b' | 1000"],
    );
}

/// DISTINCT in an aggregation without grouping keys keeps many nodes as bits: it must
/// count and collect as the hashed sets of a grouped aggregation do, with relationships
/// and nulls beside the nodes, and with nodes made while the statement runs (some in ids
/// freed by deletions, some past the store's size when it began).
#[test]
fn distinct_nodes_of_the_only_group_count_as_in_a_grouped_one() {
    let t = TestDb::new();
    t.run(
        "UNWIND range(1, 1000) AS i CREATE (a:D {i: i})
         WITH a, i WHERE i % 3 = 0 CREATE (a)-[:R {i: i}]->(:D {i: -i})",
    );
    let ungrouped = "MATCH (a:D) OPTIONAL MATCH (a)-[r:R]->(b)
                     UNWIND [a, r, b, a] AS x
                     RETURN count(DISTINCT x) AS n, collect(DISTINCT x.i)[..7] AS first, count(x) AS all";
    let grouped = "MATCH (a:D) OPTIONAL MATCH (a)-[r:R]->(b)
                   UNWIND [a, r, b, a] AS x WITH 'k' AS k, x
                   RETURN count(DISTINCT x) AS n, collect(DISTINCT x.i)[..7] AS first, count(x) AS all";
    // 1,333 nodes and 333 relationships.
    t.check(ungrouped, &["1666 | [1, 2, 3, -3, 4, 5, 6] | 3332"]);
    assert_eq!(t.rows(ungrouped), t.rows(grouped));
    t.run("MATCH (n:D) WHERE n.i > 0 AND n.i <= 200 DETACH DELETE n");
    t.check(
        "UNWIND range(1, 700) AS i CREATE (n:E {i: i})
         WITH n UNWIND [n, n] AS x RETURN count(DISTINCT x) AS n",
        &["700"],
    );
}

/// Relationship uniqueness is skipped only between relationships written with types no
/// relationship has both of: one written without a type may be any relationship, and types
/// that overlap may name the same one.
#[test]
fn uniqueness_is_skipped_only_between_disjoint_types() {
    let t = TestDb::new();
    t.run("CREATE (a:A)-[:T]->(b:B), (a)-[:U]->(b)");
    // `s` is the one T relationship; `r` may not be it too, so it is the U one. Without
    // the check, each would also find `r` = `s`. Bound first, `y` is where the second
    // MATCH starts: `r` is expanded before `s`, or `s` before `r`.
    for q in [
        "MATCH (y:B) WITH y MATCH (y)<-[r]-(x)-[s:T]->(w) RETURN count(*)",
        "MATCH (y:B) WITH y MATCH (y)<-[s:T]-(x)-[r]->(w) RETURN count(*)",
        "MATCH (x)-[r]->(y)<-[s:T]-(z) RETURN count(*)",
        "MATCH (x)-[s:T]->(y)<-[r]-(z) RETURN count(*)",
        "MATCH (x)-[r:T|U]->(y)<-[s:T]-(z) RETURN count(*)",
        "MATCH (x)-[s:T]->(y)<-[r:U|T]-(z) RETURN count(*)",
        "MATCH (x)-[s:T]->(y)<-[r:U]-(z) RETURN count(*)",
    ] {
        assert_eq!(t.count(q), 1, "{q}");
    }
    assert_eq!(
        t.count("MATCH (x)-[s:T]->(y)<-[r:T]-(z) RETURN count(*)"),
        0
    );
}

/// A sort key that is not a returned column reads what the projection made of its
/// variables: `n` below is the projected `m`, whether the sort keeps whole rows or only the
/// returned columns and the key (decision 0036), with or without a limit.
#[test]
fn keys_not_returned_read_the_projected_variables() {
    let t = TestDb::new();
    t.run(
        "CREATE (:T {a: 1})-[:R]->(:T {a: 30, name: 'thirty'}), \
                (:T {a: 2})-[:R]->(:T {a: 10, name: 'ten'}), \
                (:T {a: 3})-[:R]->(:T {a: 20, name: 'twenty'})",
    );
    for (q, expected) in [
        (
            "MATCH (n:T)-[:R]->(m:T) RETURN m.name AS name ORDER BY m.a",
            &["'ten'", "'twenty'", "'thirty'"][..],
        ),
        (
            "MATCH (n:T)-[:R]->(m:T) RETURN m AS n ORDER BY n.a DESC LIMIT 2",
            &["(#1)", "(#5)"][..],
        ),
        (
            "MATCH (n:T)-[:R]->(m:T) RETURN m.name AS name, m AS n ORDER BY n.a LIMIT 1",
            &["'ten' | (#3)"][..],
        ),
        (
            "MATCH (n:T)-[:R]->(m:T) RETURN m.a AS n ORDER BY -n",
            &["30", "20", "10"][..],
        ),
    ] {
        t.check(q, expected);
    }
    // The key reads the projected value, an integer: it has no properties.
    t.error(
        "MATCH (n:T)-[:R]->(m:T) RETURN m.a AS n ORDER BY n.a LIMIT 1",
        ErrorKind::TypeError,
        None,
    );
}
