//! Step definitions: running the steps of one case against a fresh database.
//!
//! Each step's text is matched in [`Scenario::step`]; unknown step text fails the case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use baobab::{ArgType, Database, Error, Params, Phase, QueryResult, Value};

use crate::features::Step;
use crate::values::{parse_value, Tck};

/// Whether `Then a <Kind> should be raised at compile time|runtime` also checks
/// `Error::phase`. Failures that differ only in the phase are counted separately either way.
pub const CHECK_ERROR_PHASE: bool = true;

/// Where named graphs live: `<graphs_dir>/<name>/<name>.cypher`.
#[derive(Debug, Clone)]
pub struct Env {
    pub graphs_dir: PathBuf,
}

/// Why a case failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: String,
    /// The expected error was raised with the right kind and detail, only in another phase.
    pub phase_only: bool,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            phase_only: false,
        }
    }
}

type StepResult = Result<(), Failure>;

/// Runs all steps of one case on a fresh in-memory database.
pub fn run_steps(steps: &[Step], env: &Env) -> StepResult {
    if steps.is_empty() {
        return Err(Failure::new("scenario has no steps"));
    }
    let mut sc = Scenario {
        db: Database::in_memory(),
        params: Params::new(),
        last: None,
        env: env.clone(),
    };
    for (i, step) in steps.iter().enumerate() {
        sc.step(step).map_err(|f| Failure {
            reason: format!(
                "step {} `{} {}`: {}",
                i + 1,
                step.keyword,
                step.text,
                f.reason
            ),
            phase_only: f.phase_only,
        })?;
    }
    Ok(())
}

/// The last `When` query: its outcome and the graph state before it.
struct Executed {
    outcome: Result<QueryResult, Error>,
    before: Snapshot,
}

/// The state of one case while its steps run.
struct Scenario {
    db: Database,
    params: Params,
    last: Option<Executed>,
    env: Env,
}

/// How a result table is compared.
#[derive(Debug, Clone, Copy)]
struct Compare {
    ordered: bool,
    ignore_list_order: bool,
}

impl Scenario {
    /// Dispatches one step by its text.
    fn step(&mut self, step: &Step) -> StepResult {
        let text = step.text.trim();
        match text {
            "an empty graph" | "any graph" => Ok(()),
            "having executed:" => self.having_executed(step),
            "parameters are:" => self.parameters(step),
            "executing query:" | "executing control query:" => self.execute(step),
            "the result should be empty" => self.result_empty(),
            "the result should be, in any order:" | "the result should be:" => self.result(
                step,
                Compare {
                    ordered: false,
                    ignore_list_order: false,
                },
            ),
            "the result should be, in order:" => self.result(
                step,
                Compare {
                    ordered: true,
                    ignore_list_order: false,
                },
            ),
            "the result should be (ignoring element order for lists):"
            | "the result should be, in any order (ignoring element order for lists):" => self
                .result(
                    step,
                    Compare {
                        ordered: false,
                        ignore_list_order: true,
                    },
                ),
            "the result should be, in order (ignoring element order for lists):" => self.result(
                step,
                Compare {
                    ordered: true,
                    ignore_list_order: true,
                },
            ),
            "no side effects" => self.side_effects(&BTreeMap::new()),
            "the side effects should be:" => {
                let expected = parse_side_effects(step)?;
                self.side_effects(&expected)
            }
            _ => {
                if let Some(name) = text
                    .strip_prefix("the ")
                    .and_then(|t| t.strip_suffix(" graph"))
                {
                    self.named_graph(name)
                } else if let Some(sig) = text.strip_prefix("there exists a procedure ") {
                    let proc_def = parse_procedure(sig, step)?;
                    register_procedure(&self.db, &proc_def)
                } else if let Some(expected) = parse_error_step(text) {
                    self.error_raised(&expected?)
                } else {
                    Err(Failure::new("unsupported step"))
                }
            }
        }
    }

    fn docstring(step: &Step) -> Result<&str, Failure> {
        step.docstring
            .as_deref()
            .ok_or_else(|| Failure::new("step needs a docstring"))
    }

    fn table(step: &Step) -> Result<&[Vec<String>], Failure> {
        step.table
            .as_deref()
            .ok_or_else(|| Failure::new("step needs a table"))
    }

    /// `And having executed:` — a setup query that must succeed.
    fn having_executed(&mut self, step: &Step) -> StepResult {
        let q = Self::docstring(step)?;
        self.db
            .execute(q, &self.params)
            .map(|_| ())
            .map_err(|e| Failure::new(format!("setup query failed: {e}")))
    }

    /// `Given the <name> graph` — runs `<graphs>/<name>/<name>.cypher`.
    fn named_graph(&mut self, name: &str) -> StepResult {
        let path = self
            .env
            .graphs_dir
            .join(name)
            .join(format!("{name}.cypher"));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
        self.db
            .execute(text.trim(), &Params::new())
            .map(|_| ())
            .map_err(|e| Failure::new(format!("creating graph {name} failed: {e}")))
    }

    /// `And parameters are:` — rows of `name | value`.
    fn parameters(&mut self, step: &Step) -> StepResult {
        for row in Self::table(step)? {
            let [name, value] = row.as_slice() else {
                return Err(Failure::new(format!(
                    "parameter row must have two cells: {row:?}"
                )));
            };
            let v = parse_value(value)
                .and_then(|t| t.to_value())
                .map_err(|e| Failure::new(format!("parameter {name}: {e}")))?;
            self.params.insert(name.clone(), v);
        }
        Ok(())
    }

    /// `When executing query:` — snapshots the graph, runs the query, keeps the outcome.
    fn execute(&mut self, step: &Step) -> StepResult {
        let q = Self::docstring(step)?;
        let before = Snapshot::take(&self.db)?;
        let outcome = self.db.execute(q, &self.params);
        self.last = Some(Executed { outcome, before });
        Ok(())
    }

    fn last(&self) -> Result<&Executed, Failure> {
        self.last
            .as_ref()
            .ok_or_else(|| Failure::new("no query was executed"))
    }

    fn last_result(&self) -> Result<&QueryResult, Failure> {
        match &self.last()?.outcome {
            Ok(r) => Ok(r),
            Err(e) => Err(Failure::new(format!("query failed: {e}"))),
        }
    }

    fn result_empty(&self) -> StepResult {
        let r = self.last_result()?;
        if r.rows.is_empty() {
            Ok(())
        } else {
            Err(Failure::new(format!(
                "expected no rows, got {}:\n{}",
                r.rows.len(),
                render_actual(r)
            )))
        }
    }

    fn result(&self, step: &Step, how: Compare) -> StepResult {
        let r = self.last_result()?;
        let table = Self::table(step)?;
        let Some((header, rows)) = table.split_first() else {
            return Err(Failure::new("result table has no header"));
        };
        if r.columns[..] != header[..] {
            return Err(Failure::new(format!(
                "columns differ: expected {header:?}, got {:?}",
                r.columns
            )));
        }
        let mut expected = Vec::with_capacity(rows.len());
        for row in rows {
            let parsed = row
                .iter()
                .map(|c| parse_value(c).map_err(|e| format!("cannot parse expected {c:?}: {e}")))
                .collect::<Result<Vec<Tck>, String>>()
                .map_err(Failure::new)?;
            expected.push(parsed);
        }
        let mut actual = Vec::with_capacity(r.rows.len());
        for row in &r.rows {
            if row.len() != header.len() {
                return Err(Failure::new(format!(
                    "a result row has {} values for {} columns",
                    row.len(),
                    header.len()
                )));
            }
            let converted = row
                .iter()
                .map(|v| Tck::from_value(v, r))
                .collect::<Result<Vec<Tck>, String>>()
                .map_err(|e| Failure::new(format!("cannot read result: {e}")))?;
            actual.push(converted);
        }
        let row_eq = |a: &Vec<Tck>, b: &Vec<Tck>| {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    if how.ignore_list_order {
                        x.eq_ignoring_list_order(y)
                    } else {
                        x == y
                    }
                })
        };
        let same = if how.ordered {
            expected.len() == actual.len()
                && expected.iter().zip(&actual).all(|(a, b)| row_eq(a, b))
        } else {
            crate::values::multiset_eq(&expected, &actual, row_eq)
        };
        if same {
            Ok(())
        } else {
            Err(Failure::new(format!(
                "result differs ({})\nexpected:\n{}\nactual:\n{}",
                if how.ordered { "in order" } else { "any order" },
                render_rows(header, &expected),
                render_rows(header, &actual)
            )))
        }
    }

    /// Compares the graph state now with the state before the last `When` query.
    fn side_effects(&self, expected: &BTreeMap<String, i64>) -> StepResult {
        let last = self.last()?;
        let after = Snapshot::take(&self.db)?;
        let actual = last.before.diff(&after);
        let mut problems = Vec::new();
        for key in SIDE_EFFECT_KEYS {
            let want = expected.get(key).copied().unwrap_or(0);
            let got = actual.get(key).copied().unwrap_or(0);
            if want != got {
                problems.push(format!("{key}: expected {want}, got {got}"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            let mut reason = format!("side effects differ: {}", problems.join(", "));
            if let Err(e) = &last.outcome {
                reason.push_str(&format!(" (the query failed: {e})"));
            }
            Err(Failure::new(reason))
        }
    }

    /// `Then a <Kind> should be raised at <phase>: <Detail>`.
    fn error_raised(&self, expected: &ExpectedError) -> StepResult {
        let last = self.last()?;
        let err = match &last.outcome {
            Ok(r) => {
                return Err(Failure::new(format!(
                    "expected {} but the query succeeded with {} row(s)",
                    expected.describe(),
                    r.rows.len()
                )))
            }
            Err(e) => e,
        };
        let kind_ok = err.kind.name() == expected.kind;
        let detail_ok = expected
            .detail
            .as_deref()
            .is_none_or(|d| err.detail == Some(d));
        let phase_ok = expected.phase.is_none_or(|p| p == err.phase);
        if kind_ok && detail_ok && (phase_ok || !CHECK_ERROR_PHASE) {
            return Ok(());
        }
        Err(Failure {
            reason: format!(
                "expected {}, got {} ({}, {:?})",
                expected.describe(),
                err.kind.name(),
                err.detail.unwrap_or("no detail"),
                err.phase
            ) + &format!(": {}", err.message),
            phase_only: kind_ok && detail_ok && !phase_ok,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// The error a `Then a ... should be raised` step expects.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedError {
    pub kind: String,
    /// `None` for "any time".
    pub phase: Option<Phase>,
    pub detail: Option<String>,
}

impl ExpectedError {
    fn describe(&self) -> String {
        let phase = match self.phase {
            Some(Phase::Compile) => "compile time",
            Some(Phase::Runtime) => "runtime",
            None => "any time",
        };
        match &self.detail {
            Some(d) => format!("{} ({d}) at {phase}", self.kind),
            None => format!("{} at {phase}", self.kind),
        }
    }
}

/// Recognises `a <Kind> should be raised at <when>[: <Detail>]`; `None` if the text is not
/// an error step, `Some(Err)` if it is one but malformed.
pub fn parse_error_step(text: &str) -> Option<Result<ExpectedError, Failure>> {
    let rest = text
        .strip_prefix("a ")
        .or_else(|| text.strip_prefix("an "))?;
    let (kind, rest) = rest.split_once(" should be raised at ")?;
    let (when, detail) = match rest.split_once(':') {
        Some((w, d)) => (
            w.trim(),
            Some(d.trim().to_string()).filter(|d| !d.is_empty()),
        ),
        None => (rest.trim(), None),
    };
    let phase = match when {
        "compile time" => Some(Phase::Compile),
        "runtime" => Some(Phase::Runtime),
        "any time" => None,
        other => {
            return Some(Err(Failure::new(format!("unknown error phase {other:?}"))));
        }
    };
    Some(Ok(ExpectedError {
        kind: kind.trim().to_string(),
        phase,
        detail,
    }))
}

// ---------------------------------------------------------------------------------------
// Side effects
// ---------------------------------------------------------------------------------------

/// The side-effect counters, in the order the TCK lists them.
pub const SIDE_EFFECT_KEYS: [&str; 8] = [
    "+nodes",
    "-nodes",
    "+relationships",
    "-relationships",
    "+labels",
    "-labels",
    "+properties",
    "-properties",
];

fn parse_side_effects(step: &Step) -> Result<BTreeMap<String, i64>, Failure> {
    let mut out = BTreeMap::new();
    for row in Scenario::table(step)? {
        let [key, n] = row.as_slice() else {
            return Err(Failure::new(format!(
                "side-effect row must have two cells: {row:?}"
            )));
        };
        if !SIDE_EFFECT_KEYS.contains(&key.as_str()) {
            return Err(Failure::new(format!("unknown side effect {key:?}")));
        }
        let n: i64 = n
            .parse()
            .map_err(|_| Failure::new(format!("side effect {key}: bad count {n:?}")))?;
        out.insert(key.clone(), n);
    }
    Ok(out)
}

/// The graph state the TCK diffs: node ids, relationship ids, the label names in use, and
/// `(entity, key, value)` property triples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub nodes: BTreeSet<u32>,
    pub rels: BTreeSet<u32>,
    pub labels: BTreeSet<String>,
    /// `(('n' | 'r'), id, key, value in canonical text)`.
    pub props: BTreeSet<(char, u32, String, String)>,
}

impl Snapshot {
    /// Reads the state through the public API with two read-only queries.
    fn take(db: &Database) -> Result<Snapshot, Failure> {
        let mut s = Snapshot::default();
        let nodes = db
            .execute("MATCH (n) RETURN n", &Params::new())
            .map_err(|e| Failure::new(format!("snapshot of nodes failed: {e}")))?;
        for row in &nodes.rows {
            let Some(Value::Node(id)) = row.first() else {
                return Err(Failure::new("snapshot of nodes: a row is not a node"));
            };
            let data = nodes
                .node(*id)
                .ok_or_else(|| Failure::new(format!("snapshot: node #{} not in result", id.0)))?;
            s.nodes.insert(id.0);
            s.labels.extend(data.labels.iter().cloned());
            for (k, v) in &data.properties {
                s.props.insert(('n', id.0, k.clone(), canonical(v)));
            }
        }
        let rels = db
            .execute("MATCH ()-[r]->() RETURN r", &Params::new())
            .map_err(|e| Failure::new(format!("snapshot of relationships failed: {e}")))?;
        for row in &rels.rows {
            let Some(Value::Relationship(id)) = row.first() else {
                return Err(Failure::new(
                    "snapshot of relationships: a row is not a relationship",
                ));
            };
            let data = rels.relationship(*id).ok_or_else(|| {
                Failure::new(format!("snapshot: relationship #{} not in result", id.0))
            })?;
            s.rels.insert(id.0);
            for (k, v) in &data.properties {
                s.props.insert(('r', id.0, k.clone(), canonical(v)));
            }
        }
        Ok(s)
    }

    /// Counts of what `after` has that `self` lacks (`+`) and vice versa (`-`).
    pub fn diff(&self, after: &Snapshot) -> BTreeMap<&'static str, i64> {
        fn count<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> i64 {
            a.difference(b).count() as i64
        }
        BTreeMap::from([
            ("+nodes", count(&after.nodes, &self.nodes)),
            ("-nodes", count(&self.nodes, &after.nodes)),
            ("+relationships", count(&after.rels, &self.rels)),
            ("-relationships", count(&self.rels, &after.rels)),
            ("+labels", count(&after.labels, &self.labels)),
            ("-labels", count(&self.labels, &after.labels)),
            ("+properties", count(&after.props, &self.props)),
            ("-properties", count(&self.props, &after.props)),
        ])
    }
}

/// A property value as text that tells integers from floats and keeps NaN equal to itself.
fn canonical(v: &Value) -> String {
    format!("{v:?}")
}

// ---------------------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------------------

/// A test procedure declared by `And there exists a procedure <signature>:`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureDef {
    /// Qualified name, e.g. `test.my.proc`.
    pub name: String,
    /// `(name, type)` of the inputs, types as written (`INTEGER?`).
    pub inputs: Vec<(String, String)>,
    /// `(name, type)` of the outputs.
    pub outputs: Vec<(String, String)>,
    /// Table rows: input values followed by output values, per row.
    pub rows: Vec<Vec<Value>>,
}

/// Parses `name(in :: T?, ...) :: (out :: T?, ...):` and the step's table.
pub fn parse_procedure(signature: &str, step: &Step) -> Result<ProcedureDef, Failure> {
    let sig = signature.trim().trim_end_matches(':').trim();
    let bad = || Failure::new(format!("cannot parse procedure signature {signature:?}"));
    let open = sig.find('(').ok_or_else(bad)?;
    let name = sig[..open].trim().to_string();
    let close = sig[open..].find(')').ok_or_else(bad)? + open;
    let inputs = parse_fields(&sig[open + 1..close]).ok_or_else(bad)?;
    let rest = sig[close + 1..].trim();
    let rest = rest.strip_prefix("::").ok_or_else(bad)?.trim();
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(bad)?;
    let outputs = parse_fields(rest).ok_or_else(bad)?;
    if name.is_empty() {
        return Err(bad());
    }
    let table = Scenario::table(step)?;
    let Some((header, rows)) = table.split_first() else {
        return Err(Failure::new("procedure table has no header"));
    };
    let want: Vec<&String> = inputs.iter().chain(&outputs).map(|(n, _)| n).collect();
    if header.iter().collect::<Vec<_>>() != want {
        return Err(Failure::new(format!(
            "procedure table header {header:?} does not match the signature {want:?}"
        )));
    }
    let rows = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| parse_value(c).and_then(|t| t.to_value()))
                .collect::<Result<Vec<Value>, String>>()
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| Failure::new(format!("procedure table: {e}")))?;
    Ok(ProcedureDef {
        name,
        inputs,
        outputs,
        rows,
    })
}

/// `a :: INTEGER?, b :: STRING?` (possibly empty).
fn parse_fields(text: &str) -> Option<Vec<(String, String)>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|f| {
            let (n, t) = f.split_once("::")?;
            let (n, t) = (n.trim(), t.trim());
            (!n.is_empty() && !t.is_empty()).then(|| (n.to_string(), t.to_string()))
        })
        .collect()
}

/// Registers a test procedure with the engine: it returns the output columns of the table
/// rows whose inputs equal the call's arguments.
pub fn register_procedure(db: &Database, def: &ProcedureDef) -> StepResult {
    let n_in = def.inputs.len();
    let rows = def.rows.clone();
    let outputs: Vec<&str> = def.outputs.iter().map(|(n, _)| n.as_str()).collect();
    let mut inputs = Vec::new();
    for (name, ty) in &def.inputs {
        let ty = ArgType::parse(ty)
            .ok_or_else(|| Failure::new(format!("unknown argument type {ty:?}")))?;
        inputs.push((name.as_str(), ty));
    }
    db.register_typed_procedure(&def.name, &inputs, &outputs, move |args| {
        Ok(rows
            .iter()
            .filter(|row| {
                row.iter()
                    .take(n_in)
                    .zip(args)
                    .all(|(a, b)| canonical(a) == canonical(b))
            })
            .map(|row| row[n_in..].to_vec())
            .collect())
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

const MAX_RENDERED_ROWS: usize = 25;

fn render_rows(header: &[String], rows: &[Vec<Tck>]) -> String {
    let mut out = format!("  | {} |", header.join(" | "));
    for row in rows.iter().take(MAX_RENDERED_ROWS) {
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        out.push_str(&format!("\n  | {} |", cells.join(" | ")));
    }
    if rows.len() > MAX_RENDERED_ROWS {
        out.push_str(&format!("\n  ... {} more", rows.len() - MAX_RENDERED_ROWS));
    }
    out
}

fn render_actual(r: &QueryResult) -> String {
    let rows: Vec<Vec<Tck>> = r
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| Tck::from_value(v, r).unwrap_or_else(|e| Tck::Str(format!("<{e}>"))))
                .collect()
        })
        .collect();
    render_rows(&r.columns, &rows)
}

/// Self-checks for the step-text parsers.
pub fn self_test() -> Vec<String> {
    let mut failures = Vec::new();
    let e = parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable");
    if !matches!(&e, Some(Ok(ExpectedError { kind, phase: Some(Phase::Compile), detail: Some(d) })) if kind == "SyntaxError" && d == "UndefinedVariable")
    {
        failures.push(format!("error step parse: {e:?}"));
    }
    let e = parse_error_step("a TypeError should be raised at runtime: InvalidArgumentValue");
    if !matches!(
        &e,
        Some(Ok(ExpectedError {
            phase: Some(Phase::Runtime),
            ..
        }))
    ) {
        failures.push(format!("runtime error step parse: {e:?}"));
    }
    let e = parse_error_step("a TypeError should be raised at any time");
    if !matches!(
        &e,
        Some(Ok(ExpectedError {
            phase: None,
            detail: None,
            ..
        }))
    ) {
        failures.push(format!("any-time error step parse: {e:?}"));
    }
    if parse_error_step("the result should be empty").is_some() {
        failures.push("non-error step recognised as error step".into());
    }
    let step = Step {
        keyword: "And".into(),
        text: String::new(),
        docstring: None,
        table: Some(vec![
            vec!["in".into(), "a".into(), "b".into()],
            vec!["null".into(), "1".into(), "'x'".into()],
        ]),
    };
    match parse_procedure(
        "test.my.proc(in :: INTEGER?) :: (a :: INTEGER?, b :: STRING?) :",
        &step,
    ) {
        Ok(p) => {
            if p.name != "test.my.proc"
                || p.inputs != vec![("in".to_string(), "INTEGER?".to_string())]
                || p.outputs.len() != 2
                || p.rows != vec![vec![Value::Null, Value::Int(1), Value::from("x")]]
            {
                failures.push(format!("procedure parse: {p:?}"));
            }
        }
        Err(f) => failures.push(format!("procedure parse failed: {}", f.reason)),
    }
    let step0 = Step {
        table: Some(vec![vec!["label".into()], vec!["'A'".into()]]),
        ..step
    };
    match parse_procedure("test.labels() :: (label :: STRING?):", &step0) {
        Ok(p) if p.inputs.is_empty() && p.outputs.len() == 1 => {}
        other => failures.push(format!("no-input procedure parse: {other:?}")),
    }
    // Percentages never round up to 100 % while a scenario fails.
    let share = |passed, failed| {
        crate::report::Tally {
            passed,
            failed,
            ..Default::default()
        }
        .percent()
    };
    if share(2096, 1) != 99.9 || share(5, 0) != 100.0 || share(2, 1) != 66.6 {
        failures.push("percentages are not rounded down to a tenth".into());
    }
    // Side-effect definitions.
    let mut before = Snapshot::default();
    before.nodes.insert(1);
    before.labels.insert("A".into());
    before.props.insert(('n', 1, "k".into(), "Int(1)".into()));
    let mut after = before.clone();
    after.props.clear();
    after.props.insert(('n', 1, "k".into(), "Int(2)".into()));
    after.nodes.insert(2);
    let d = before.diff(&after);
    if d["+properties"] != 1 || d["-properties"] != 1 || d["+nodes"] != 1 || d["+labels"] != 0 {
        failures.push(format!("side-effect diff: {d:?}"));
    }
    failures
}
