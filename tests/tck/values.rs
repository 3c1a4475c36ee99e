//! TCK value notation: the comparable value tree [`Tck`], a parser for the notation used in
//! result tables and parameters, conversion of engine results into the tree, and the
//! comparison rules of the TCK.
//!
//! Notation (as written in the feature files):
//! `null`, `true`, `false`, integers (`-12`), floats (`1.0`, `-0.5`, `1e10`, `NaN`,
//! `Infinity`, `-Infinity`), strings in single quotes with backslash escapes, lists `[a, b]`,
//! maps `{k: v}` (keys may be backticked), nodes `(:A:B {k: v})`, relationships
//! `[:T {k: v}]` and paths `<(:A)-[:T]->(:B)<-[:U]-()>`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use baobab::{QueryResult, Value};

/// A node as the TCK compares it: labels (as a set) and properties.
#[derive(Debug, Clone, PartialEq)]
pub struct TckNode {
    pub labels: BTreeSet<String>,
    pub props: BTreeMap<String, Tck>,
}

/// A relationship as the TCK compares it: type and properties.
#[derive(Debug, Clone, PartialEq)]
pub struct TckRel {
    pub rel_type: String,
    pub props: BTreeMap<String, Tck>,
}

/// One hop of a path: the relationship, whether it points forward (from the previous node
/// to `node`), and the node reached.
#[derive(Debug, Clone, PartialEq)]
pub struct TckHop {
    pub rel: TckRel,
    pub forward: bool,
    pub node: TckNode,
}

/// A comparable value: expected values are parsed into it, actual values converted into it.
#[derive(Debug, Clone)]
pub enum Tck {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Tck>),
    Map(BTreeMap<String, Tck>),
    Node(TckNode),
    Rel(TckRel),
    Path { start: TckNode, hops: Vec<TckHop> },
}

impl PartialEq for Tck {
    /// TCK equality: structural; floats by value with `NaN` equal to `NaN`; an integer never
    /// equals a float.
    fn eq(&self, other: &Tck) -> bool {
        match (self, other) {
            (Tck::Null, Tck::Null) => true,
            (Tck::Bool(a), Tck::Bool(b)) => a == b,
            (Tck::Int(a), Tck::Int(b)) => a == b,
            (Tck::Float(a), Tck::Float(b)) => (a.is_nan() && b.is_nan()) || a == b,
            (Tck::Str(a), Tck::Str(b)) => a == b,
            (Tck::List(a), Tck::List(b)) => a == b,
            (Tck::Map(a), Tck::Map(b)) => a == b,
            (Tck::Node(a), Tck::Node(b)) => a == b,
            (Tck::Rel(a), Tck::Rel(b)) => a == b,
            (
                Tck::Path {
                    start: sa,
                    hops: ha,
                },
                Tck::Path {
                    start: sb,
                    hops: hb,
                },
            ) => sa == sb && ha == hb,
            _ => false,
        }
    }
}

impl Tck {
    /// Equality where lists at the top level of this value compare as multisets.
    pub fn eq_ignoring_list_order(&self, other: &Tck) -> bool {
        match (self, other) {
            (Tck::List(a), Tck::List(b)) => multiset_eq(a, b, |x, y| x == y),
            _ => self == other,
        }
    }

    /// Converts to an engine value (for parameters). Entities cannot be parameters.
    pub fn to_value(&self) -> Result<Value, String> {
        Ok(match self {
            Tck::Null => Value::Null,
            Tck::Bool(b) => Value::Bool(*b),
            Tck::Int(i) => Value::Int(*i),
            Tck::Float(f) => Value::Float(*f),
            Tck::Str(s) => Value::String(s.as_str().into()),
            Tck::List(items) => Value::List(
                items
                    .iter()
                    .map(Tck::to_value)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Tck::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_value()?)))
                    .collect::<Result<BTreeMap<_, _>, String>>()?,
            ),
            Tck::Node(_) | Tck::Rel(_) | Tck::Path { .. } => {
                return Err(format!("entity {self} cannot be used as a parameter"))
            }
        })
    }

    /// Converts an engine value, reading entities from the result that carries it.
    pub fn from_value(v: &Value, res: &QueryResult) -> Result<Tck, String> {
        Ok(match v {
            Value::Null => Tck::Null,
            Value::Bool(b) => Tck::Bool(*b),
            Value::Int(i) => Tck::Int(*i),
            Value::Float(f) => Tck::Float(*f),
            Value::String(s) => Tck::Str(s.to_string()),
            Value::Temporal(t) => Tck::Str(t.to_string()),
            Value::List(items) => Tck::List(
                items
                    .iter()
                    .map(|x| Tck::from_value(x, res))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(m) => Tck::Map(convert_props(m, res)?),
            Value::Node(id) => Tck::Node(node_of(*id, res)?),
            Value::Relationship(id) => Tck::Rel(rel_of(*id, res)?),
            Value::Path(p) => {
                if p.nodes.len() != p.rels.len() + 1 {
                    return Err(format!(
                        "malformed path: {} nodes, {} relationships",
                        p.nodes.len(),
                        p.rels.len()
                    ));
                }
                let start = node_of(p.nodes[0], res)?;
                let mut hops = Vec::with_capacity(p.rels.len());
                for (i, rid) in p.rels.iter().enumerate() {
                    let data = res
                        .relationship(*rid)
                        .ok_or_else(|| format!("relationship #{} missing from result", rid.0))?;
                    let (from, to) = (p.nodes[i], p.nodes[i + 1]);
                    let forward = if data.start == from && data.end == to {
                        true
                    } else if data.end == from && data.start == to {
                        false
                    } else {
                        return Err(format!(
                            "path relationship #{} does not join nodes #{} and #{}",
                            rid.0, from.0, to.0
                        ));
                    };
                    hops.push(TckHop {
                        rel: rel_of(*rid, res)?,
                        forward,
                        node: node_of(to, res)?,
                    });
                }
                Tck::Path { start, hops }
            }
        })
    }
}

fn convert_props(
    m: &BTreeMap<String, Value>,
    res: &QueryResult,
) -> Result<BTreeMap<String, Tck>, String> {
    m.iter()
        .map(|(k, v)| Ok((k.clone(), Tck::from_value(v, res)?)))
        .collect()
}

fn node_of(id: baobab::NodeId, res: &QueryResult) -> Result<TckNode, String> {
    let data = res
        .node(id)
        .ok_or_else(|| format!("node #{} missing from result", id.0))?;
    Ok(TckNode {
        labels: data.labels.iter().cloned().collect(),
        props: convert_props(&data.properties, res)?,
    })
}

fn rel_of(id: baobab::RelId, res: &QueryResult) -> Result<TckRel, String> {
    let data = res
        .relationship(id)
        .ok_or_else(|| format!("relationship #{} missing from result", id.0))?;
    Ok(TckRel {
        rel_type: data.rel_type.clone(),
        props: convert_props(&data.properties, res)?,
    })
}

/// Multiset equality under `eq` (assumed to be an equivalence, so greedy matching is exact).
pub fn multiset_eq<T>(a: &[T], b: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    'outer: for x in a {
        for (j, y) in b.iter().enumerate() {
            if !used[j] && eq(x, y) {
                used[j] = true;
                continue 'outer;
            }
        }
        return false;
    }
    true
}

// ---------------------------------------------------------------------------------------
// Display in TCK notation
// ---------------------------------------------------------------------------------------

fn fmt_key(f: &mut fmt::Formatter<'_>, k: &str) -> fmt::Result {
    let plain = !k.is_empty()
        && k.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !k.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        f.write_str(k)
    } else {
        write!(f, "`{}`", k.replace('`', "``"))
    }
}

fn fmt_props(f: &mut fmt::Formatter<'_>, props: &BTreeMap<String, Tck>) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        fmt_key(f, k)?;
        write!(f, ": {v}")?;
    }
    f.write_str("}")
}

impl fmt::Display for TckNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for l in &self.labels {
            f.write_str(":")?;
            fmt_key(f, l)?;
        }
        if !self.props.is_empty() {
            if !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            fmt_props(f, &self.props)?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for TckRel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[:")?;
        fmt_key(f, &self.rel_type)?;
        if !self.props.is_empty() {
            f.write_str(" ")?;
            fmt_props(f, &self.props)?;
        }
        f.write_str("]")
    }
}

impl fmt::Display for Tck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tck::Null => f.write_str("null"),
            Tck::Bool(b) => write!(f, "{b}"),
            Tck::Int(i) => write!(f, "{i}"),
            Tck::Float(x) => f.write_str(&baobab::value::format_float(*x)),
            Tck::Str(s) => f.write_str(&baobab::value::quote_string(s)),
            Tck::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Tck::Map(m) => fmt_props(f, m),
            Tck::Node(n) => write!(f, "{n}"),
            Tck::Rel(r) => write!(f, "{r}"),
            Tck::Path { start, hops } => {
                write!(f, "<{start}")?;
                for h in hops {
                    if h.forward {
                        write!(f, "-{}->{}", h.rel, h.node)?;
                    } else {
                        write!(f, "<-{}-{}", h.rel, h.node)?;
                    }
                }
                f.write_str(">")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------

/// Parses one value in TCK notation; the whole text must be consumed.
pub fn parse_value(text: &str) -> Result<Tck, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.pos != p.chars.len() {
        return Err(p.err("end of value"));
    }
    Ok(v)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn err(&self, expected: &str) -> String {
        let rest: String = self.chars[self.pos.min(self.chars.len())..]
            .iter()
            .take(30)
            .collect();
        format!(
            "expected {expected} at offset {} (found {:?})",
            self.pos, rest
        )
    }

    fn eat(&mut self, c: char) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("'{c}'")))
        }
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    /// A keyword-like word: the word followed by a non-identifier character.
    fn eat_word(&mut self, w: &str) -> bool {
        let n = w.chars().count();
        if self.starts_with(w)
            && !self
                .peek_at(n)
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.pos += n;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Tck, String> {
        self.ws();
        let Some(c) = self.peek() else {
            return Err(self.err("a value"));
        };
        match c {
            '\'' | '"' => Ok(Tck::Str(self.string()?)),
            '[' => {
                // A relationship starts with `[:`, a list otherwise.
                let save = self.pos;
                self.pos += 1;
                self.ws();
                let is_rel = self.peek() == Some(':');
                self.pos = save;
                if is_rel {
                    Ok(Tck::Rel(self.rel()?))
                } else {
                    self.list()
                }
            }
            '{' => Ok(Tck::Map(self.map()?)),
            '(' => Ok(Tck::Node(self.node()?)),
            '<' => self.path(),
            _ => {
                if self.eat_word("null") {
                    Ok(Tck::Null)
                } else if self.eat_word("true") {
                    Ok(Tck::Bool(true))
                } else if self.eat_word("false") {
                    Ok(Tck::Bool(false))
                } else if self.eat_word("NaN") {
                    Ok(Tck::Float(f64::NAN))
                } else if self.eat_word("Infinity") {
                    Ok(Tck::Float(f64::INFINITY))
                } else if self.starts_with("-Infinity") {
                    self.pos += "-Infinity".len();
                    Ok(Tck::Float(f64::NEG_INFINITY))
                } else if c == '-' || c == '+' || c == '.' || c.is_ascii_digit() {
                    self.number()
                } else {
                    Err(self.err("a value"))
                }
            }
        }
    }

    fn number(&mut self) -> Result<Tck, String> {
        let start = self.pos;
        if matches!(self.peek(), Some('-' | '+')) {
            self.pos += 1;
        }
        // Hexadecimal and octal integers.
        if self.starts_with("0x") || self.starts_with("0o") {
            let radix = if self.peek_at(1) == Some('x') { 16 } else { 8 };
            self.pos += 2;
            let ds = self.pos;
            while self.peek().is_some_and(|c| c.is_digit(radix)) {
                self.pos += 1;
            }
            let digits: String = self.chars[ds..self.pos].iter().collect();
            let neg = self.chars[start] == '-';
            let mag = i128::from_str_radix(&digits, radix).map_err(|e| e.to_string())?;
            let v = if neg { -mag } else { mag };
            return i64::try_from(v)
                .map(Tck::Int)
                .map_err(|_| "integer out of range".to_string());
        }
        let mut is_float = false;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            is_float = true;
            self.pos += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('-' | '+')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            } else {
                self.pos = save;
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if text.is_empty() || text == "-" || text == "+" {
            return Err(self.err("a number"));
        }
        if is_float {
            text.parse::<f64>()
                .map(Tck::Float)
                .map_err(|e| format!("bad float {text:?}: {e}"))
        } else {
            text.parse::<i64>()
                .map(Tck::Int)
                .map_err(|e| format!("bad integer {text:?}: {e}"))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let quote = self.peek().ok_or_else(|| self.err("a string"))?;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("closing quote"));
            };
            self.pos += 1;
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.err("escape character"));
            };
            self.pos += 1;
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                '\\' | '\'' | '"' => out.push(e),
                'u' | 'U' => {
                    let n = if e == 'u' { 4 } else { 8 };
                    let hex: String = self.chars[self.pos..(self.pos + n).min(self.chars.len())]
                        .iter()
                        .collect();
                    let code = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("bad unicode escape \\{e}{hex}"))?;
                    self.pos += n;
                    out.push(code);
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        self.ws();
        if self.peek() == Some('`') {
            self.pos += 1;
            let mut out = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.err("closing backtick")),
                    Some('`') if self.peek_at(1) == Some('`') => {
                        out.push('`');
                        self.pos += 2;
                    }
                    Some('`') => {
                        self.pos += 1;
                        return Ok(out);
                    }
                    Some(c) => {
                        out.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.err("a name"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn list(&mut self) -> Result<Tck, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        if self.eat(']') {
            return Ok(Tck::List(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(']') {
                return Ok(Tck::List(items));
            }
            self.expect(',')?;
        }
    }

    fn map(&mut self) -> Result<BTreeMap<String, Tck>, String> {
        self.expect('{')?;
        let mut m = BTreeMap::new();
        if self.eat('}') {
            return Ok(m);
        }
        loop {
            let k = self.name()?;
            self.expect(':')?;
            let v = self.value()?;
            if m.insert(k.clone(), v).is_some() {
                return Err(format!("duplicate map key {k:?}"));
            }
            if self.eat('}') {
                return Ok(m);
            }
            self.expect(',')?;
        }
    }

    fn node(&mut self) -> Result<TckNode, String> {
        self.expect('(')?;
        let mut labels = BTreeSet::new();
        while self.eat(':') {
            labels.insert(self.name()?);
        }
        self.ws();
        let props = if self.peek() == Some('{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.expect(')')?;
        Ok(TckNode { labels, props })
    }

    fn rel(&mut self) -> Result<TckRel, String> {
        self.expect('[')?;
        self.expect(':')?;
        let rel_type = self.name()?;
        self.ws();
        let props = if self.peek() == Some('{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.expect(']')?;
        Ok(TckRel { rel_type, props })
    }

    fn path(&mut self) -> Result<Tck, String> {
        self.expect('<')?;
        let start = self.node()?;
        let mut hops = Vec::new();
        loop {
            self.ws();
            if self.eat('>') {
                return Ok(Tck::Path { start, hops });
            }
            let backward = self.eat('<');
            self.expect('-')?;
            let rel = self.rel()?;
            self.expect('-')?;
            let forward = self.eat('>');
            if forward == backward {
                return Err(self.err("a directed relationship in path"));
            }
            let node = self.node()?;
            hops.push(TckHop { rel, forward, node });
        }
    }
}

// ---------------------------------------------------------------------------------------
// Self-checks (the test target has harness = false, so these run from `main`)
// ---------------------------------------------------------------------------------------

/// Checks the parser and comparison on samples taken from the feature files' notation.
/// Returns the failures.
pub fn self_test() -> Vec<String> {
    let mut failures = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };
    // Round trips: parse then display gives the canonical text.
    let round_trips = [
        ("null", "null"),
        ("true", "true"),
        ("false", "false"),
        ("42", "42"),
        ("-42", "-42"),
        ("1.0", "1.0"),
        ("-0.5", "-0.5"),
        ("1e10", "10000000000.0"),
        ("1e-305", "1e-305"),
        ("-1.2635418652381264e305", "-1.2635418652381264e305"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("'a\\'b'", "'a\\'b'"),
        ("''", "''"),
        ("[]", "[]"),
        ("[1, 2, [3, 'x']]", "[1, 2, [3, 'x']]"),
        ("{}", "{}"),
        ("{ }", "{}"),
        ("{k: 1, a: [true]}", "{a: [true], k: 1}"),
        ("{`name`: 'x', `a b`: 1}", "{`a b`: 1, name: 'x'}"),
        ("{a1B2c3e67: 1}", "{a1B2c3e67: 1}"),
        ("()", "()"),
        ("(:A)", "(:A)"),
        ("(:B:A {k: 'v', n: 1})", "(:A:B {k: 'v', n: 1})"),
        ("({name: 'a'})", "({name: 'a'})"),
        ("[:T]", "[:T]"),
        ("[:KNOWS {since: 1999}]", "[:KNOWS {since: 1999}]"),
        ("<()>", "<()>"),
        ("<(:A)-[:T]->(:B)>", "<(:A)-[:T]->(:B)>"),
        (
            "<(:A {name: 'a'})<-[:T {k: 1}]-()-[:U]->(:C)>",
            "<(:A {name: 'a'})<-[:T {k: 1}]-()-[:U]->(:C)>",
        ),
        ("[<(:A)-[:T]->(:B)>]", "[<(:A)-[:T]->(:B)>]"),
        ("[[:T], ()]", "[[:T], ()]"),
        ("  [ 1 ,2 ]  ", "[1, 2]"),
        ("0x1F", "31"),
    ];
    for (text, canonical) in round_trips {
        match parse_value(text) {
            Ok(v) => check(
                v.to_string() == canonical,
                format!("{text:?} displays as {v} (want {canonical})"),
            ),
            Err(e) => check(false, format!("{text:?} does not parse: {e}")),
        }
    }
    // String escapes (after Gherkin cell unescaping).
    let strings = [
        ("'a\\\\bcn5t\\'\"\\\\//\\\\\"\\''", "a\\bcn5t'\"\\//\\\"'"),
        ("'\\nFoo\\n'", "\nFoo\n"),
        ("'\\u00e9'", "é"),
        ("'\\''", "'"),
    ];
    for (text, want) in strings {
        let got = parse_value(text);
        check(
            matches!(&got, Ok(Tck::Str(s)) if s == want),
            format!("{text:?} parses as {got:?}, want {want:?}"),
        );
    }
    // Errors.
    for bad in [
        "",
        "[1, 2",
        "{a 1}",
        "'open",
        "(:A",
        "<(:A)-[:T]-(:B)>",
        "1 2",
        "nul",
    ] {
        check(
            parse_value(bad).is_err(),
            format!("{bad:?} should not parse"),
        );
    }
    // Comparison rules.
    let p = |s: &str| parse_value(s).unwrap_or(Tck::Str(format!("unparsable {s}")));
    check(p("1") != p("1.0"), "1 must not equal 1.0".into());
    check(p("NaN") == p("NaN"), "NaN must equal NaN".into());
    check(p("(:A:B)") == p("(:B:A)"), "labels are a set".into());
    check(p("[1, 2]") != p("[2, 1]"), "lists are ordered".into());
    check(
        p("[1, 2, 2]").eq_ignoring_list_order(&p("[2, 1, 2]")),
        "ignoring list order".into(),
    );
    check(
        !p("[1, 2, 2]").eq_ignoring_list_order(&p("[2, 1, 1]")),
        "list multiset counts".into(),
    );
    check(
        p("<(:A)-[:T]->(:B)>") != p("<(:A)<-[:T]-(:B)>"),
        "path direction matters".into(),
    );
    check(
        p("{a: 1, b: 2}") == p("{b: 2, a: 1}"),
        "maps by keys".into(),
    );
    check(
        p("{a: [1]}").to_value()
            == Ok(Value::Map(BTreeMap::from([(
                "a".to_string(),
                Value::List(vec![Value::Int(1)]),
            )]))),
        "parameter conversion".into(),
    );
    failures
}
