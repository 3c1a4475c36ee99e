//! Parser tests: canonical printing, round trips, errors, robustness and the TCK corpus.

use super::{parse, parse_expression};
use crate::ast::{ExprKind, Literal, Statement, StatementKind};
use crate::error::{detail, ErrorKind};

/// The Debug form of the statements with spans and projection texts removed.
fn normalized(statements: &[Statement]) -> String {
    let debug = format!("{statements:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    loop {
        let span = rest.find("Span { start: ");
        let text = rest.find("text: \"");
        match (span, text) {
            (Some(s), t) if t.is_none_or(|t| s < t) => {
                out.push_str(&rest[..s]);
                out.push_str("Span");
                let end = rest[s..].find('}').map_or(rest.len(), |e| s + e + 1);
                rest = &rest[end..];
            }
            (_, Some(t)) => {
                out.push_str(&rest[..t]);
                out.push_str("text");
                // Skip the Debug-escaped string.
                let body = &rest[t + 7..];
                let mut escaped = false;
                let mut end = body.len();
                for (i, c) in body.char_indices() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        end = i + 1;
                        break;
                    }
                }
                rest = &body[end..];
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// Parses `query`, prints it, parses the print and checks both trees agree (modulo spans).
#[track_caller]
fn round_trip(query: &str) -> String {
    let first = parse(query).unwrap_or_else(|e| panic!("{query}\n  failed: {e}"));
    let printed = first
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let second =
        parse(&printed).unwrap_or_else(|e| panic!("{query}\n  printed {printed}\n  failed: {e}"));
    assert_eq!(
        normalized(&first),
        normalized(&second),
        "round trip of {query}\n  printed {printed}"
    );
    printed
}

/// Checks that `query` parses and prints canonically as `expected`.
#[track_caller]
fn check(query: &str, expected: &str) {
    assert_eq!(round_trip(query), expected, "query: {query}");
}

/// Checks that `query` fails with a syntax error with `detail` whose message contains `needle`.
#[track_caller]
fn check_error(query: &str, detail: &str, needle: &str) {
    match parse(query) {
        Ok(s) => panic!("{query}: expected {detail}, parsed as {s:?}"),
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::SyntaxError, "{query}: {e}");
            assert_eq!(e.detail, Some(detail), "{query}: {e}");
            assert!(e.message.contains(needle), "{query}: {e}");
            assert!(e.span.is_some(), "{query}: no span");
        }
    }
}

#[test]
fn clauses() {
    check("match (n) return n", "MATCH (n) RETURN n");
    check(
        "OPTIONAL MATCH (a:A:B {k: 1})-[r:T|U|:V *1..3 {k: 'v'}]->(b) WHERE a.x > 1 RETURN DISTINCT a AS x, b ORDER BY x DESC, b ASCENDING SKIP 1 LIMIT 2",
        "OPTIONAL MATCH (a:A:B {k: 1})-[r:T|U|V*1..3 {k: 'v'}]->(b) WHERE (a.x > 1) RETURN DISTINCT a AS x, b ORDER BY x DESC, b SKIP 1 LIMIT 2",
    );
    check("RETURN *", "RETURN *");
    check(
        "MATCH (n) RETURN *, n.x AS y",
        "MATCH (n) RETURN *, n.x AS y",
    );
    check(
        "WITH DISTINCT 1 AS a ORDER BY a LIMIT 1 WHERE a > 0 RETURN a",
        "WITH DISTINCT 1 AS a ORDER BY a LIMIT 1 WHERE (a > 0) RETURN a",
    );
    check("UNWIND [1, 2] AS x RETURN x", "UNWIND [1, 2] AS x RETURN x");
    check(
        "RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a",
        "RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a",
    );
    check(
        "MERGE (n:A {k: 1}) ON MATCH SET n.m = 1 ON CREATE SET n.c = 1, n:B ON MATCH SET n += {x: 1}",
        "MERGE (n:A {k: 1}) ON CREATE SET n.c = 1, n:B ON MATCH SET n.m = 1, n += {x: 1}",
    );
    check(
        "MATCH (n) SET n.p = 1, n = {a: 1}, n += $m, n:A:B, (n).q = 2",
        "MATCH (n) SET n.p = 1, n = {a: 1}, n += $m, n:A:B, n.q = 2",
    );
    check("MATCH (n) REMOVE n.p, n:A:B", "MATCH (n) REMOVE n.p, n:A:B");
    check(
        "MATCH (n) DETACH DELETE n DELETE n",
        "MATCH (n) DETACH DELETE n DELETE n",
    );
    check(
        "CALL db.labels() YIELD label AS l, x WHERE l <> 'A' RETURN l",
        "CALL db.labels() YIELD label AS l, x WHERE (l <> 'A') RETURN l",
    );
    check("CALL db.labels", "CALL db.labels");
    check(
        "CALL test.my.proc(1) YIELD *",
        "CALL test.my.proc(1) YIELD *",
    );
    check(
        "CALL { MATCH (n) RETURN n } RETURN n",
        "CALL { MATCH (n) RETURN n } RETURN n",
    );
    check(
        "FOREACH (x IN [1] | CREATE (:A {v: x}) SET x.a = 1)",
        "FOREACH (x IN [1] | CREATE (:A {v: x}) SET x.a = 1)",
    );
    check(
        "LOAD CSV WITH HEADERS FROM 'file:///a.csv' AS row FIELDTERMINATOR ';' RETURN row",
        "LOAD CSV WITH HEADERS FROM 'file:///a.csv' AS row FIELDTERMINATOR ';' RETURN row",
    );
    check(
        "CREATE (a)-[:T]->(b), p = (c)<-[:U]-(d)",
        "CREATE (a)-[:T]->(b), p = (c)<-[:U]-(d)",
    );
}

#[test]
fn statements() {
    check("EXPLAIN MATCH (n) RETURN n", "EXPLAIN MATCH (n) RETURN n");
    check("profile return 1", "PROFILE RETURN 1");
    check(
        "begin; commit; ROLLBACK; checkpoint;",
        "BEGIN; COMMIT; ROLLBACK; CHECKPOINT",
    );
    check(
        "CREATE INDEX idx IF NOT EXISTS FOR (p:Person) ON (p.name, p.age)",
        "CREATE INDEX idx IF NOT EXISTS FOR (n:Person) ON (n.name, n.age)",
    );
    check(
        "CREATE INDEX FOR (p:Person) ON (p.name)",
        "CREATE INDEX FOR (n:Person) ON (n.name)",
    );
    check("DROP INDEX idx IF EXISTS", "DROP INDEX idx IF EXISTS");
    check(
        "CREATE CONSTRAINT c FOR (p:P) REQUIRE p.id IS UNIQUE",
        "CREATE CONSTRAINT c FOR (n:P) REQUIRE (n.id) IS UNIQUE",
    );
    check(
        "CREATE CONSTRAINT IF NOT EXISTS FOR (p:P) REQUIRE (p.a, p.b) IS UNIQUE",
        "CREATE CONSTRAINT IF NOT EXISTS FOR (n:P) REQUIRE (n.a, n.b) IS UNIQUE",
    );
    check("DROP CONSTRAINT c", "DROP CONSTRAINT c");
    check("SHOW INDEXES; SHOW INDEX", "SHOW INDEXES; SHOW INDEXES");
    check("SHOW CONSTRAINTS", "SHOW CONSTRAINTS");
    assert!(parse("").unwrap().is_empty());
    assert!(parse(" ;; // nothing\n /* x */ ").unwrap().is_empty());
    assert_eq!(parse("RETURN 1;; RETURN 2;").unwrap().len(), 2);
    assert!(matches!(
        parse("EXPLAIN RETURN 1").unwrap()[0].kind,
        StatementKind::Explain(_)
    ));
}

#[test]
fn patterns() {
    check(
        "MATCH p = shortestPath((a)-[*]-(b)), q = allShortestPaths((a)-[*..5]->(b)) RETURN p",
        "MATCH p = shortestPath((a)-[*]-(b)), q = allShortestPaths((a)-[*..5]->(b)) RETURN p",
    );
    check(
        "MATCH (a)-->(b)<--(c)--(d)<-->(e) RETURN a",
        "MATCH (a)-->(b)<--(c)--(d)--(e) RETURN a",
    );
    check(
        "MATCH (a)-[ * 2 ]->(b)-[*2..]->(c)-[* 1 .. 3]->(d) RETURN a",
        "MATCH (a)-[*2]->(b)-[*2..]->(c)-[*1..3]->(d) RETURN a",
    );
    check("MATCH (v $p) RETURN v", "MATCH (v $p) RETURN v");
    check("MATCH (n:A|B:C) RETURN n", "MATCH (n:A|B:C) RETURN n");
    check(
        "MATCH (n:Match) RETURN n.count",
        "MATCH (n:`Match`) RETURN n.`count`",
    );
}

#[test]
fn precedence() {
    check(
        "RETURN true OR true XOR true",
        "RETURN (true OR (true XOR true))",
    );
    check("RETURN NOT false >= false", "RETURN (NOT (false >= false))");
    check("RETURN NOT false IS NULL", "RETURN (NOT (false IS NULL))");
    check(
        "RETURN false = true IS NULL",
        "RETURN (false = (true IS NULL))",
    );
    check(
        "RETURN [1, 2] = [3, 4] IN [[3, 4], false]",
        "RETURN ([1, 2] = ([3, 4] IN [[3, 4], false]))",
    );
    check("RETURN -3 ^ 2", "RETURN (-3 ^ 2)");
    check("RETURN 2 ^ 3 ^ 2", "RETURN ((2 ^ 3) ^ 2)");
    check("RETURN 4 * 2 + 3 * 2", "RETURN ((4 * 2) + (3 * 2))");
    check("RETURN -x ^ 2", "RETURN ((-(x)) ^ 2)");
    check("RETURN 1 < 2 <= 3", "RETURN ((1 < 2) AND (2 <= 3))");
    check("RETURN [1]+2 IN [3]+4", "RETURN (([1] + 2) IN ([3] + 4))");
    check(
        "RETURN a.b[0][1..][..2][1..2]",
        "RETURN a.b[0][1..][..2][1..2]",
    );
    check("RETURN n:A:B AND m:C", "RETURN ((n:A:B) AND (m:C))");
    check(
        "RETURN a STARTS WITH 'x' OR a ENDS WITH 'y' OR a CONTAINS 'z' OR a =~ '.*'",
        "RETURN ((((a STARTS WITH 'x') OR (a ENDS WITH 'y')) OR (a CONTAINS 'z')) OR (a =~ '.*'))",
    );
    check("RETURN x IS NOT NULL", "RETURN (x IS NOT NULL)");
    check("RETURN - - 1, -(1)", "RETURN (-(-1)), (-(1))");
}

#[test]
fn atoms() {
    check(
        "RETURN 0x1F, 0o17, 017, 1.5, .5, 1e10, 1.5E-3, -9223372036854775808",
        "RETURN 31, 15, 15, 1.5, 0.5, 10000000000.0, 0.0015, -9223372036854775808",
    );
    check(
        r#"RETURN 'a\'b', "c\"d", '\\ \n \t \r \b \f \u00e9 \U0001F600'"#,
        r#"RETURN 'a\'b', 'c"d', '\\ \n \t \r \b \f é 😀'"#,
    );
    check("RETURN TRUE, False, NULL", "RETURN true, false, null");
    check(
        "RETURN [1, {a: 1, `k k`: 2, match: 3}], $name, $0",
        "RETURN [1, {a: 1, `k k`: 2, `match`: 3}], $name, $0",
    );
    check("RETURN `a b`, `x``y`", "RETURN `a b`, `x``y`");
    check(
        "RETURN f(x), ns.f(DISTINCT x), count(*), count( * ), COUNT(x)",
        "RETURN f(x), ns.f(DISTINCT x), count(*), count(*), COUNT(x)",
    );
    check(
        "RETURN CASE x WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN x THEN 1 END",
        "RETURN CASE x WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN x THEN 1 END",
    );
    check(
        "RETURN [x IN l WHERE x > 1 | x * 2], [x IN l], [x IN l | x]",
        "RETURN [x IN l WHERE (x > 1) | (x * 2)], [x IN l], [x IN l | x]",
    );
    check(
        "RETURN [p = (a)-->(b) WHERE b.x | b], [(a)-[:T]-() | a]",
        "RETURN [p = (a)-->(b) WHERE b.x | b], [(a)-[:T]-() | a]",
    );
    check(
        "RETURN all(x IN l WHERE x), any(x IN l WHERE x), none(x IN l), single(x IN l WHERE x)",
        "RETURN all(x IN l WHERE x), any(x IN l WHERE x), none(x IN l), single(x IN l WHERE x)",
    );
    check(
        "RETURN reduce(acc = 0, x IN l | acc + x)",
        "RETURN reduce(acc = 0, x IN l | (acc + x))",
    );
    check(
        "MATCH (a) WHERE (a)-[:T]->(:B) AND (a) RETURN a",
        "MATCH (a) WHERE ((a)-[:T]->(:B) AND a) RETURN a",
    );
    check(
        "MATCH (a) WHERE EXISTS { (a)-->(b) WHERE b.x } RETURN COUNT { MATCH (a)-->() RETURN 1 }, COLLECT { MATCH (a)-->(b) RETURN b }",
        "MATCH (a) WHERE EXISTS { (a)-->(b) WHERE b.x } RETURN COUNT { MATCH (a)-->() RETURN 1 }, COLLECT { MATCH (a)-->(b) RETURN b }",
    );
    check(
        "MATCH (n) RETURN n{.name, .*, k: 1, v}",
        "MATCH (n) RETURN n{.name, .*, k: 1, v}",
    );
    check("RETURN exists(n.x), 1.5e300", "RETURN exists(n.x), 1.5e300");
    check("RETURN 'é' AS ünïcode", "RETURN 'é' AS ünïcode");
}

#[test]
fn projection_text_is_source_text() {
    let s = parse("MATCH (n) RETURN n.name, count( * ) , 1 AS x").unwrap();
    let StatementKind::Query(q) = &s[0].kind else {
        panic!()
    };
    let crate::ast::Clause::Return(p) = &q.first.clauses[1] else {
        panic!()
    };
    let texts: Vec<_> = p.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["n.name", "count( * )", "1"]);
}

#[test]
fn whitespace_and_comments() {
    check(
        "MATCH\u{00A0}(n)\u{2003}// c\nRETURN /* b */ n",
        "MATCH (n) RETURN n",
    );
}

#[test]
fn expressions() {
    let e = parse_expression("[1, {a: 'x'}]").unwrap();
    assert!(matches!(e.kind, ExprKind::List(_)));
    let e = parse_expression(" -9223372036854775808 ").unwrap();
    assert_eq!(e.kind, ExprKind::Literal(Literal::Integer(i64::MIN)));
    assert!(parse_expression("1 2").is_err());
}

#[test]
fn errors() {
    check_error(
        "RETRUN 1",
        detail::UNEXPECTED_SYNTAX,
        "unexpected 'RETRUN'; expected one of",
    );
    check_error("MATCH (n RETURN n", detail::UNEXPECTED_SYNTAX, "')'");
    check_error("RETURN 9223372036854775808", detail::INTEGER_OVERFLOW, "");
    check_error("RETURN -9223372036854775809", detail::INTEGER_OVERFLOW, "");
    check_error("RETURN 0x8000000000000000", detail::INTEGER_OVERFLOW, "");
    check_error("RETURN 1.34E999", detail::FLOATING_POINT_OVERFLOW, "");
    check_error("RETURN 0x", detail::INVALID_NUMBER_LITERAL, "0x");
    check_error("RETURN 0o8", detail::INVALID_NUMBER_LITERAL, "");
    check_error("RETURN 1.2.3", detail::INVALID_NUMBER_LITERAL, "");
    check_error("RETURN 12abc", detail::INVALID_NUMBER_LITERAL, "");
    check_error("RETURN '\\uH'", detail::INVALID_UNICODE_LITERAL, "");
    check_error("RETURN '\\q'", detail::UNEXPECTED_SYNTAX, "escape");
    check_error("MATCH (match) RETURN 1", detail::UNEXPECTED_SYNTAX, "");
    check_error(
        "CALL p() YIELD * RETURN x",
        detail::UNEXPECTED_SYNTAX,
        "YIELD *",
    );
    check_error("RETURN 1 /* open", detail::UNEXPECTED_SYNTAX, "");
    check_error(
        "EXPLAIN PROFILE RETURN 1",
        detail::UNEXPECTED_SYNTAX,
        "once",
    );
    let e = parse("MATCH (n) RETRUN n").unwrap_err();
    assert_eq!(e.span.map(|s| s.start), Some(10));
    assert!(!e.message.contains("kw_"), "{}", e.message);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let ok = format!("RETURN {}1{}", "(".repeat(256), ")".repeat(256));
    assert!(parse(&ok).is_ok(), "{:?}", parse(&ok));
    let list = format!("RETURN {}1{}", "[".repeat(200), "]".repeat(200));
    assert!(parse(&list).is_ok());
    for n in [257, 100_000] {
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("{a:", "}"),
            ("CASE WHEN ", " THEN 1 END"),
        ] {
            let q = format!("RETURN {}1{}", open.repeat(n), close.repeat(n));
            let e = parse(&q).unwrap_err();
            assert!(e.message.contains("too deeply nested"), "{e}");
        }
    }
    for chain in ["NOT ", "-", "+ ", "x."] {
        let q = format!("RETURN {}1", chain.repeat(100_000));
        assert!(parse(&q).is_err());
    }
    let q = format!("RETURN 1{}", " + 1".repeat(100_000));
    assert!(parse(&q).unwrap_err().message.contains("too deeply nested"));
    let q = format!("RETURN x{}", ".a".repeat(100_000));
    assert!(parse(&q).is_err());
    let q = format!("{}RETURN 1", "EXPLAIN ".repeat(100_000));
    assert!(parse(&q).is_err());
}

#[test]
fn no_panic_on_prefixes_and_garbage() {
    let queries = [
        "MATCH (a:A {k: 1})-[r:T*1..3]->(b) WHERE a.x > 1 RETURN a, count(*) ORDER BY a DESC",
        "OPTIONAL MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
        "WITH [x IN range(1, 10) WHERE x % 2 = 0 | x * x] AS l UNWIND l AS y RETURN y",
        "MERGE (n:N {id: $id}) ON CREATE SET n.c = 1 ON MATCH SET n += {u: 2}",
        "MATCH (n) SET n:A, n.p = 'é\\u00e9' REMOVE n:B DETACH DELETE n",
        "CALL db.labels() YIELD label AS l WHERE l STARTS WITH 'A' RETURN l",
        "CALL { MATCH (n) RETURN n UNION ALL MATCH (m) RETURN m } RETURN n",
        "FOREACH (x IN [1, 2] | CREATE (:X {v: x}))",
        "LOAD CSV WITH HEADERS FROM 'f.csv' AS row FIELDTERMINATOR ';' RETURN row",
        "RETURN CASE WHEN 1 < 2 < 3 THEN -0x1F ELSE .5e3 END AS `odd name`",
        "RETURN reduce(a = 0, x IN [1, 2] | a + x), all(x IN [] WHERE x)",
        "MATCH (n) WHERE EXISTS { (n)-->() } RETURN n{.name, .*, k: 1}",
        "RETURN [p = (a)-->(b) WHERE a.x | b.y], $0, $p",
        "CREATE INDEX i IF NOT EXISTS FOR (n:L) ON (n.a, n.b)",
        "CREATE CONSTRAINT c FOR (n:L) REQUIRE (n.a, n.b) IS UNIQUE",
        "EXPLAIN MATCH (n) RETURN n SKIP 1 LIMIT 2; BEGIN; COMMIT",
        "RETURN a[1..2], a[..2], a[1..], n:A:B, x IS NOT NULL, 'a' =~ 'b'",
        "MATCH (a)<-[:T|U]-(b)<-->(c) RETURN COUNT { (a)-->() } /* c */ // d",
        "RETURN \"x\\\"y\", `a``b`, 1.5E-3, 9223372036854775807",
        "SHOW INDEXES; DROP INDEX i IF EXISTS; DROP CONSTRAINT c",
    ];
    for q in queries {
        assert!(parse(q).is_ok(), "{q}: {:?}", parse(q));
        round_trip(q);
        for (i, _) in q.char_indices() {
            let _ = parse(&q[..i]);
            let _ = parse(&q[i..]);
        }
    }
    let garbage = [
        "\u{0}",
        "((((",
        "))))",
        "[[[",
        "'unterminated",
        "`unterminated",
        "/*",
        "$",
        "$$",
        "-[-]->",
        "MATCH ()-[*..]-() RETURN 1",
        "RETURN 1..2",
        "RETURN {:}",
        "😀😀😀",
        "RETURN 1e",
        "RETURN 0x-1",
        "RETURN '\\U0011FFFF'",
        "RETURN '\\uD800'",
        ";;;;",
        "RETURN ```",
        "MATCH (n)-[*99999999999999999999999]-() RETURN n",
    ];
    for g in garbage {
        let _ = parse(g);
        let _ = parse_expression(g);
    }
    // Pseudo-random byte soup from a fixed seed.
    let alphabet: Vec<char> = "()[]{}<>-=:.,;|*'\"`$ \nMATCHRETURNwhere0123456789xé"
        .chars()
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..40 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let _ = parse(&s);
    }
}

/// A query from the TCK and the error detail its scenario expects, if any.
struct TckQuery {
    file: String,
    query: String,
    error: Option<String>,
}

fn tck_queries(dir: &std::path::Path, out: &mut Vec<TckQuery>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            tck_queries(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                scenarios(&path.display().to_string(), &text, out);
            }
        }
    }
}

/// Splits a feature file into scenarios and extracts their queries.
fn scenarios(file: &str, text: &str, out: &mut Vec<TckQuery>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("Scenario"))
        .map(|(i, _)| i)
        .collect();
    starts.push(lines.len());
    for w in starts.windows(2) {
        let body = &lines[w[0]..w[1]];
        let mut queries = Vec::new();
        let mut error = None;
        let mut examples: Vec<Vec<String>> = Vec::new();
        let mut i = 0;
        while i < body.len() {
            let t = body[i].trim();
            if t.starts_with('#') {
                i += 1;
                continue;
            }
            if t.ends_with("executing query:") || t.ends_with("having executed:") {
                let mut q = Vec::new();
                i += 2;
                while i < body.len() && body[i].trim() != "\"\"\"" {
                    q.push(body[i]);
                    i += 1;
                }
                queries.push(q.join("\n"));
            } else if let Some(rest) = t.split("should be raised at compile time: ").nth(1) {
                error = Some(rest.trim().to_string());
            } else if t.starts_with('|') {
                examples.push(
                    t.trim_matches('|')
                        .split('|')
                        .map(|c| c.trim().to_string())
                        .collect(),
                );
            } else if ["Examples", "Given", "When", "Then", "And", "But"]
                .iter()
                .any(|k| t.starts_with(k))
            {
                examples.clear();
            }
            i += 1;
        }
        let outline = body[0].trim_start().starts_with("Scenario Outline");
        for q in queries {
            if outline && q.contains('<') && examples.len() > 1 {
                let header = &examples[0];
                for row in &examples[1..] {
                    let mut filled = q.clone();
                    for (h, v) in header.iter().zip(row) {
                        filled = filled.replace(&format!("<{h}>"), v);
                    }
                    out.push(TckQuery {
                        file: file.to_string(),
                        query: filled,
                        error: error.clone(),
                    });
                }
            } else {
                out.push(TckQuery {
                    file: file.to_string(),
                    query: q,
                    error: error.clone(),
                });
            }
        }
    }
}

#[test]
fn tck_queries_parse() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/features");
    if !dir.is_dir() {
        eprintln!("TCK not found at {}; skipping", dir.display());
        return;
    }
    let mut queries = Vec::new();
    tck_queries(&dir, &mut queries);
    let syntactic = [
        detail::UNEXPECTED_SYNTAX,
        detail::INVALID_NUMBER_LITERAL,
        detail::INTEGER_OVERFLOW,
        detail::FLOATING_POINT_OVERFLOW,
        detail::INVALID_UNICODE_LITERAL,
    ];
    let (mut ok, mut ok_total, mut err_ok, mut err_total) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for q in &queries {
        let expected = q.error.as_deref().filter(|e| syntactic.contains(e));
        let result = parse(&q.query);
        // A semantic error detail may also be raised by the parser.
        if let (Some(d), Err(e)) = (q.error.as_deref(), &result) {
            if expected.is_none() && e.detail == Some(d) {
                ok_total += 1;
                ok += 1;
                continue;
            }
        }
        match expected {
            None => {
                ok_total += 1;
                match result {
                    Ok(statements) => {
                        ok += 1;
                        let printed: Vec<String> =
                            statements.iter().map(|s| s.to_string()).collect();
                        let reparsed = parse(&printed.join(";\n"));
                        match reparsed {
                            Ok(again) if normalized(&again) == normalized(&statements) => {}
                            other => failures.push(format!(
                                "{}: round trip differs\n{}\nprinted: {}\n{:?}",
                                q.file,
                                q.query,
                                printed.join("; "),
                                other.err()
                            )),
                        }
                    }
                    Err(e) => failures.push(format!("{}: {}\n  {e}", q.file, q.query)),
                }
            }
            Some(d) => {
                err_total += 1;
                match result {
                    Err(e) if e.detail == Some(d) => err_ok += 1,
                    other => failures.push(format!(
                        "{}: expected {d}\n{}\n  got {:?}",
                        q.file,
                        q.query,
                        other.map_err(|e| e.to_string()).map(|_| "Ok")
                    )),
                }
            }
        }
    }
    eprintln!(
        "TCK: {ok}/{ok_total} valid queries parse; {err_ok}/{err_total} syntax-error queries fail with the expected detail"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
