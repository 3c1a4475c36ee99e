//! The fuzz targets of Baobab as plain functions, so that libFuzzer (`fuzz_targets/`) and
//! the stable smoke test of the main crate (`tests/fuzz_smoke.rs`, which includes this
//! file) run the same code. A target panics on a bug; anything else is a pass.
//!
//! Targets:
//! - [`parse`]: arbitrary text through the parser, then the printed AST parsed again.
//! - [`execute`]: queries generated from the grammar ([`Gen`]) run on a small graph.
//! - [`decode`]: the snapshot and log decoders, on whole files and on payloads wrapped in
//!   valid headers and checksums (so that the decoders behind the checksums are reached).

use std::time::Duration;

use arbitrary::{Result, Unstructured};
use baobab::{Database, ErrorKind, ExecuteOptions, Params, Value};

/// Feeds `data` to the storage decoders: the first byte picks whole snapshot file, whole
/// log file, snapshot chunk payload or log record payload. Rejections are fine; a panic is
/// a bug.
pub fn decode(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let _ = match pick % 4 {
        0 => baobab::storage::fuzzing::snapshot(rest),
        1 => baobab::storage::fuzzing::log(rest),
        2 => baobab::storage::fuzzing::snapshot_payload(rest),
        _ => baobab::storage::fuzzing::log_payload(rest),
    };
}

/// Parses `data` (as UTF-8, lossily) as a script. When it parses, each statement's printed
/// form must parse to a statement that prints the same.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_round_trip(&text);
}

/// The printed form of every statement of `text` parses back and prints the same.
pub fn check_round_trip(text: &str) {
    let Ok(statements) = baobab::syntax::parse(text) else {
        return;
    };
    for s in statements {
        let printed = s.to_string();
        match baobab::syntax::parse(&printed) {
            Ok(again) => {
                let reprinted: Vec<String> = again.iter().map(ToString::to_string).collect();
                assert_eq!(
                    reprinted,
                    vec![printed.clone()],
                    "{text:?} printed as {printed:?}, which reads differently"
                );
            }
            Err(e) => panic!("{text:?} printed as {printed:?}, which does not parse: {e}"),
        }
    }
}

/// The graph every generated query runs on: two labels, two relationship types, a cycle,
/// a self-loop, a node key and properties of several types.
pub const GRAPH: &str = "CREATE (K:A {p: 1, q: 'x'}), (b:B {p: 2.5, q: [1, 2]}), \
    (c:A:B {p: -3, q: true}), (d {p: null}), \
    (K)-[:R {w: 1}]->(b), (b)-[:R {w: 2}]->(c), (c)-[:S]->(K), (c)-[:S {w: 'z'}]->(c), \
    (d)-[:R]->(K)";

/// Limits that keep every generated query small and short.
pub fn options() -> ExecuteOptions {
    ExecuteOptions::new()
        .max_rows(20_000)
        .timeout(Duration::from_secs(5))
}

/// Runs the query generated from `data` on a fresh copy of [`GRAPH`]. Any error is fine
/// except an internal one (a broken invariant is a bug).
pub fn execute(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(query) = Gen::default().query(&mut u) else {
        return;
    };
    run_query(&query);
}

/// Runs `query` on a fresh copy of [`GRAPH`] and checks the outcome.
pub fn run_query(query: &str) {
    let db = Database::in_memory();
    if let Err(e) = db.execute(GRAPH, &Params::new()) {
        panic!("the fixed graph does not load: {e}");
    }
    let mut params = Params::new();
    params.insert("x".into(), Value::Int(2));
    params.insert("l".into(), Value::from(vec![1i64, 2, 3]));
    match db.execute_with(query, &params, &options()) {
        Err(e) if e.kind == ErrorKind::Internal => panic!("{query}\n=> internal error: {e}"),
        _ => {}
    }
    // Whatever happened, the database still answers.
    if let Err(e) = db.execute("MATCH (n) RETURN count(n)", &Params::new()) {
        panic!("{query}\n=> the database no longer answers: {e}");
    }
}

const LABELS: &[&str] = &["A", "B", "C"];
const TYPES: &[&str] = &["R", "S", "T"];
const KEYS: &[&str] = &["p", "q", "w"];
const FUNCTIONS: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "sign",
    "sqrt",
    "toInteger",
    "toFloat",
    "toString",
    "toBoolean",
    "size",
    "head",
    "last",
    "tail",
    "reverse",
    "coalesce",
    "labels",
    "type",
    "keys",
    "properties",
    "id",
    "startNode",
    "endNode",
    "nodes",
    "relationships",
    "length",
    "range",
    "substring",
    "left",
    "right",
    "trim",
    "toUpper",
    "toLower",
    "split",
    "replace",
    "date",
    "localdatetime",
    "duration",
    "duration.between",
    "duration.inSeconds",
    "date.truncate",
];
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "collect",
    "stDev",
    "percentileDisc",
];

/// A query generator driven by fuzzer bytes: clauses, patterns and expressions shaped by
/// the grammar, over the names of [`GRAPH`] (and a few that do not exist). Variables are
/// mostly ones bound earlier, so that many queries get past the planner.
#[derive(Default)]
pub struct Gen {
    vars: Vec<String>,
    depth: usize,
}

impl Gen {
    fn pick<'a>(&self, u: &mut Unstructured<'_>, from: &[&'a str]) -> Result<&'a str> {
        Ok(*u.choose(from)?)
    }

    fn fresh(&mut self) -> String {
        let v = format!("v{}", self.vars.len());
        self.vars.push(v.clone());
        v
    }

    fn var(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        if self.vars.is_empty() || u.ratio(1, 8)? {
            return Ok(self.fresh());
        }
        Ok(u.choose(&self.vars)?.clone())
    }

    /// One statement: reading clauses, optional writes, a projection.
    pub fn query(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let mut parts = Vec::new();
        if self.depth == 0 && u.ratio(1, 10)? {
            parts.push(if u.arbitrary()? { "EXPLAIN" } else { "PROFILE" }.to_string());
        }
        let clauses = u.int_in_range(1..=4)?;
        for _ in 0..clauses {
            parts.push(self.clause(u)?);
        }
        if u.ratio(3, 4)? {
            parts.push(self.projection(u, "RETURN")?);
        }
        let mut q = parts.join(" ");
        // (`ratio` is true once the data runs out: check that first.)
        if self.depth < 3 && !u.is_empty() && u.ratio(1, 12)? {
            let mut other = Gen {
                vars: Vec::new(),
                depth: self.depth + 1,
            };
            let right = other.query(u)?;
            q = format!(
                "{q} UNION {}{right}",
                if u.arbitrary()? { "ALL " } else { "" }
            );
        }
        Ok(q)
    }

    fn clause(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let last = if self.depth < 3 { 11 } else { 10 };
        Ok(match u.int_in_range(0..=last)? {
            0..=2 => {
                let optional = if u.ratio(1, 4)? { "OPTIONAL " } else { "" };
                let mut c = format!("{optional}MATCH {}", self.pattern(u)?);
                if u.arbitrary()? {
                    c.push_str(&format!(" WHERE {}", self.expr(u)?));
                }
                c
            }
            3 => format!("UNWIND {} AS {}", self.expr(u)?, self.fresh()),
            4 => self.projection(u, "WITH")?,
            5 => format!("CREATE {}", self.pattern(u)?),
            6 => format!("MERGE {}", self.path(u)?),
            7 => {
                let v = self.var(u)?;
                let k = self.pick(u, KEYS)?;
                format!("SET {v}.{k} = {}", self.expr(u)?)
            }
            8 => {
                let v = self.var(u)?;
                let l = self.pick(u, LABELS)?;
                if u.arbitrary()? {
                    format!("SET {v}:{l}")
                } else {
                    format!("REMOVE {v}:{l}")
                }
            }
            9 => {
                let detach = if u.arbitrary()? { "DETACH " } else { "" };
                format!("{detach}DELETE {}", self.var(u)?)
            }
            10 => format!(
                "FOREACH ({} IN {} | CREATE ({{p: {}}}))",
                self.fresh(),
                self.expr(u)?,
                self.expr(u)?
            ),
            _ => format!(
                "CALL {{ {} }}",
                Gen {
                    vars: Vec::new(),
                    depth: self.depth + 1,
                }
                .query(u)?
            ),
        })
    }

    fn projection(&mut self, u: &mut Unstructured<'_>, keyword: &str) -> Result<String> {
        let distinct = if u.ratio(1, 4)? { "DISTINCT " } else { "" };
        let n = u.int_in_range(1..=3)?;
        let mut items = Vec::new();
        let mut names = Vec::new();
        for _ in 0..n {
            let e = if u.ratio(1, 3)? {
                let f = self.pick(u, AGGREGATES)?;
                let d = if u.ratio(1, 4)? { "DISTINCT " } else { "" };
                if f == "percentileDisc" {
                    format!("{f}({d}{}, 0.5)", self.expr(u)?)
                } else if f == "count" && u.arbitrary()? {
                    "count(*)".to_string()
                } else {
                    format!("{f}({d}{})", self.expr(u)?)
                }
            } else {
                self.expr(u)?
            };
            let name = format!("c{}", names.len());
            items.push(format!("{e} AS {name}"));
            names.push(name);
        }
        if u.ratio(1, 6)? {
            items = vec!["*".to_string()];
        } else {
            self.vars = names;
        }
        let mut c = format!("{keyword} {distinct}{}", items.join(", "));
        if u.ratio(1, 3)? {
            let dir = self.pick(u, &["", " DESC", " ASC"])?;
            c.push_str(&format!(" ORDER BY {}{dir}", self.expr(u)?));
        }
        if u.ratio(1, 4)? {
            c.push_str(&format!(" SKIP {}", u.int_in_range(0..=3)?));
        }
        if u.ratio(1, 4)? {
            c.push_str(&format!(" LIMIT {}", u.int_in_range(0..=5)?));
        }
        if keyword == "WITH" && u.ratio(1, 4)? {
            c.push_str(&format!(" WHERE {}", self.expr(u)?));
        }
        Ok(c)
    }

    fn node(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let mut s = String::from("(");
        if u.ratio(1, 12)? {
            // A node key of the dialect.
            s.push_str(self.pick(u, &["K", "Q"])?);
        } else if u.ratio(3, 4)? {
            s.push_str(&self.var(u)?);
        }
        if u.arbitrary()? {
            s.push(':');
            s.push_str(self.pick(u, LABELS)?);
        }
        if u.ratio(1, 4)? {
            let k = self.pick(u, KEYS)?;
            s.push_str(&format!(" {{{k}: {}}}", self.expr(u)?));
        }
        s.push(')');
        Ok(s)
    }

    /// A path, or two patterns separated by a comma.
    fn pattern(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let mut s = self.path(u)?;
        if u.ratio(1, 6)? {
            s.push_str(&format!(", {}", self.node(u)?));
        }
        Ok(s)
    }

    fn path(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let mut s = String::new();
        if u.ratio(1, 6)? {
            s.push_str(&format!("{} = ", self.fresh()));
        }
        s.push_str(&self.node(u)?);
        for _ in 0..u.int_in_range(0..=2)? {
            let mut rel = String::new();
            if u.arbitrary()? {
                rel.push_str(&self.var(u)?);
            }
            if u.arbitrary()? {
                rel.push(':');
                rel.push_str(self.pick(u, TYPES)?);
                if u.ratio(1, 4)? {
                    rel.push('|');
                    rel.push_str(self.pick(u, TYPES)?);
                }
            }
            if u.ratio(1, 3)? {
                rel.push_str(self.pick(u, &["*", "*1..2", "*..3", "*0..", "*2", "*3..1"])?);
            }
            let (l, r) = *u.choose(&[("-", "->"), ("<-", "-"), ("-", "-")])?;
            s.push_str(&format!("{l}[{rel}]{r}"));
            s.push_str(&self.node(u)?);
        }
        Ok(s)
    }

    fn literal(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        Ok(match u.int_in_range(0..=9)? {
            0 => "null".into(),
            1 => u.arbitrary::<bool>()?.to_string(),
            2 => u.int_in_range(-3i64..=3)?.to_string(),
            3 => u.arbitrary::<i64>()?.to_string(),
            4 => {
                let f: f64 = u.arbitrary()?;
                if f.is_finite() {
                    format!("{f:?}")
                } else {
                    "0.5".into()
                }
            }
            5 => self
                .pick(u, &["'a'", "''", "'x\\'y'", "\"b\"", "'\\u00e9'"])?
                .into(),
            6 => self.pick(u, &["$x", "$l", "$missing"])?.into(),
            7 => "9223372036854775807".into(),
            8 => self
                .pick(
                    u,
                    &[
                        "date('2024-02-29')",
                        "duration('P1M')",
                        "datetime()",
                        // The ends of Cypher's years, beyond chrono's (decision 0031).
                        "date('+999999999-12-31')",
                        "localdatetime('-999999999-01-01T00:00')",
                        "duration('PT9223372036854775807S')",
                        "duration({months: 9223372036854775807})",
                    ],
                )?
                .into(),
            _ => "[]".into(),
        })
    }

    /// An expression; deep nesting is cut short by the depth counter.
    pub fn expr(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        if self.depth > 4 || u.ratio(1, 3)? {
            return if !self.vars.is_empty() && u.arbitrary()? {
                let v = self.var(u)?;
                Ok(if u.arbitrary()? {
                    format!("{v}.{}", self.pick(u, KEYS)?)
                } else {
                    v
                })
            } else {
                self.literal(u)
            };
        }
        self.depth += 1;
        let e = self.compound(u);
        self.depth -= 1;
        e
    }

    fn compound(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        Ok(match u.int_in_range(0..=11)? {
            0 => {
                let op = self.pick(
                    u,
                    &[
                        "+",
                        "-",
                        "*",
                        "/",
                        "%",
                        "^",
                        "=",
                        "<>",
                        "<",
                        ">=",
                        "AND",
                        "OR",
                        "XOR",
                        "IN",
                        "STARTS WITH",
                        "CONTAINS",
                        "=~",
                    ],
                )?;
                format!("({} {op} {})", self.expr(u)?, self.expr(u)?)
            }
            1 => {
                let op = self.pick(u, &["NOT ", "-", "+"])?;
                format!("({op}{})", self.expr(u)?)
            }
            2 => {
                let n = u.int_in_range(0..=3)?;
                let items: Result<Vec<String>> = (0..n).map(|_| self.expr(u)).collect();
                format!("[{}]", items?.join(", "))
            }
            3 => {
                let k = self.pick(u, KEYS)?;
                format!("{{{k}: {}}}", self.expr(u)?)
            }
            4 => {
                let f = self.pick(u, FUNCTIONS)?;
                let n = u.int_in_range(1..=3)?;
                let args: Result<Vec<String>> = (0..n).map(|_| self.expr(u)).collect();
                format!("{f}({})", args?.join(", "))
            }
            5 => format!(
                "CASE WHEN {} THEN {} ELSE {} END",
                self.expr(u)?,
                self.expr(u)?,
                self.expr(u)?
            ),
            6 => {
                let list = self.expr(u)?;
                let v = self.fresh();
                let e = format!(
                    "[{v} IN {list} WHERE {} | {}]",
                    self.expr(u)?,
                    self.expr(u)?
                );
                self.vars.retain(|x| *x != v);
                e
            }
            7 => format!("{}[{}]", self.expr(u)?, self.expr(u)?),
            8 => format!("{}[{}..{}]", self.expr(u)?, self.expr(u)?, self.expr(u)?),
            9 => format!(
                "({} IS {}NULL)",
                self.expr(u)?,
                if u.arbitrary()? { "NOT " } else { "" }
            ),
            10 => format!("EXISTS {{ MATCH {} }}", self.pattern(u)?),
            _ => {
                let v = self.fresh();
                let acc = self.fresh();
                let e = format!(
                    "reduce({acc} = {}, {v} IN {} | {})",
                    self.expr(u)?,
                    self.expr(u)?,
                    self.expr(u)?
                );
                self.vars.retain(|x| *x != v && *x != acc);
                e
            }
        })
    }
}
