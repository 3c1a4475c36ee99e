//! Canonical Cypher text for the AST. The output parses back to the same tree (modulo spans
//! and `ProjectionItem::text`): operators are fully parenthesized and names are quoted with
//! backticks whenever they are not plain identifiers or could be read as keywords.

use std::fmt::{self, Display, Formatter, Write};

use super::*;
use crate::names::quote_name;

/// Words that must be quoted when used as names (reserved words plus words that start
/// special forms such as `count{`, `exists{`, `shortestPath(`).
const KEYWORDS: &[&str] = &[
    "ALL",
    "ALLSHORTESTPATHS",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "ASCENDING",
    "BY",
    "CALL",
    "CASE",
    "COLLECT",
    "CONTAINS",
    "COUNT",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "FALSE",
    "FOREACH",
    "IN",
    "IS",
    "LIMIT",
    "LOAD",
    "MATCH",
    "MERGE",
    "NONE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "REDUCE",
    "REMOVE",
    "RETURN",
    "SET",
    "SHORTESTPATH",
    "SINGLE",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
    "YIELD",
];

/// Writes `name`, in backticks when needed.
fn write_name(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    write_name_avoiding(f, name, KEYWORDS)
}

/// Writes `name` as [`quote_name`] does (backticks unless it is an identifier), and in
/// backticks also when it is one of `words`.
fn write_name_avoiding(f: &mut Formatter<'_>, name: &str, words: &[&str]) -> fmt::Result {
    if words.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        write!(f, "`{}`", name.replace('`', "``"))
    } else {
        f.write_str(&quote_name(name))
    }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)
    }
}

/// Writes `items` separated by `sep`.
fn sep<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StatementKind::Query(q) => write!(f, "{q}"),
            StatementKind::Explain(s) => write!(f, "EXPLAIN {s}"),
            StatementKind::Profile(s) => write!(f, "PROFILE {s}"),
            StatementKind::Begin => f.write_str("BEGIN"),
            StatementKind::Commit => f.write_str("COMMIT"),
            StatementKind::Rollback => f.write_str("ROLLBACK"),
            StatementKind::Checkpoint => f.write_str("CHECKPOINT"),
            StatementKind::CreateIndex {
                name,
                if_not_exists,
                label,
                properties,
            } => {
                f.write_str("CREATE INDEX")?;
                schema_head(f, name, *if_not_exists, label)?;
                f.write_str(" ON (")?;
                for (i, p) in properties.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "n.{p}")?;
                }
                f.write_str(")")
            }
            StatementKind::CreateConstraint {
                name,
                if_not_exists,
                label,
                properties,
            } => {
                f.write_str("CREATE CONSTRAINT")?;
                schema_head(f, name, *if_not_exists, label)?;
                f.write_str(" REQUIRE (")?;
                for (i, p) in properties.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "n.{p}")?;
                }
                f.write_str(") IS UNIQUE")
            }
            StatementKind::DropIndex { name, if_exists } => {
                write!(f, "DROP INDEX {name}")?;
                if *if_exists {
                    f.write_str(" IF EXISTS")?;
                }
                Ok(())
            }
            StatementKind::DropConstraint { name, if_exists } => {
                write!(f, "DROP CONSTRAINT {name}")?;
                if *if_exists {
                    f.write_str(" IF EXISTS")?;
                }
                Ok(())
            }
            StatementKind::ShowIndexes => f.write_str("SHOW INDEXES"),
            StatementKind::ShowConstraints => f.write_str("SHOW CONSTRAINTS"),
        }
    }
}

fn schema_head(
    f: &mut Formatter<'_>,
    name: &Option<Ident>,
    if_not_exists: bool,
    label: &Ident,
) -> fmt::Result {
    if let Some(name) = name {
        write!(f, " {name}")?;
    }
    if if_not_exists {
        f.write_str(" IF NOT EXISTS")?;
    }
    write!(f, " FOR (n:{label})")
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (all, q) in &self.unions {
            f.write_str(if *all { " UNION ALL " } else { " UNION " })?;
            write!(f, "{q}")?;
        }
        Ok(())
    }
}

impl Display for SingleQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        sep(f, &self.clauses, " ")
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match(m) => {
                if m.optional {
                    f.write_str("OPTIONAL ")?;
                }
                write!(f, "MATCH {}", m.pattern)?;
                if let Some(w) = &m.where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::Unwind(u) => write!(f, "UNWIND {} AS {}", u.expr, u.variable),
            Clause::With(p) => {
                f.write_str("WITH ")?;
                write_projection(f, p)
            }
            Clause::Return(p) => {
                f.write_str("RETURN ")?;
                write_projection(f, p)
            }
            Clause::Create(c) => write!(f, "CREATE {}", c.pattern),
            Clause::Merge(m) => {
                write!(f, "MERGE {}", m.part)?;
                if !m.on_create.is_empty() {
                    f.write_str(" ON CREATE SET ")?;
                    sep(f, &m.on_create, ", ")?;
                }
                if !m.on_match.is_empty() {
                    f.write_str(" ON MATCH SET ")?;
                    sep(f, &m.on_match, ", ")?;
                }
                Ok(())
            }
            Clause::Set(s) => {
                f.write_str("SET ")?;
                sep(f, &s.items, ", ")
            }
            Clause::Remove(r) => {
                f.write_str("REMOVE ")?;
                sep(f, &r.items, ", ")
            }
            Clause::Delete(d) => {
                if d.detach {
                    f.write_str("DETACH ")?;
                }
                f.write_str("DELETE ")?;
                sep(f, &d.exprs, ", ")
            }
            Clause::Call(c) => {
                f.write_str("CALL ")?;
                sep(f, &c.procedure, ".")?;
                if let Some(args) = &c.args {
                    f.write_str("(")?;
                    sep(f, args, ", ")?;
                    f.write_str(")")?;
                }
                if c.yield_star {
                    f.write_str(" YIELD *")?;
                } else if let Some(items) = &c.yields {
                    f.write_str(" YIELD ")?;
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{}", item.field)?;
                        if let Some(a) = &item.alias {
                            write!(f, " AS {a}")?;
                        }
                    }
                }
                if let Some(w) = &c.where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::CallSubquery(c) => write!(f, "CALL {{ {} }}", c.query),
            Clause::Foreach(fe) => {
                write!(f, "FOREACH ({} IN {} | ", fe.variable, fe.list)?;
                sep(f, &fe.clauses, " ")?;
                f.write_str(")")
            }
            Clause::LoadCsv(l) => {
                f.write_str("LOAD CSV ")?;
                if l.with_headers {
                    f.write_str("WITH HEADERS ")?;
                }
                write!(f, "FROM {} AS {}", l.url, l.variable)?;
                if let Some(t) = &l.field_terminator {
                    f.write_str(" FIELDTERMINATOR ")?;
                    write_string(f, t)?;
                }
                Ok(())
            }
        }
    }
}

fn write_projection(f: &mut Formatter<'_>, p: &Projection) -> fmt::Result {
    if p.distinct {
        f.write_str("DISTINCT ")?;
    }
    if p.star {
        f.write_str("*")?;
        if !p.items.is_empty() {
            f.write_str(", ")?;
        }
    }
    sep(f, &p.items, ", ")?;
    if !p.order_by.is_empty() {
        f.write_str(" ORDER BY ")?;
        sep(f, &p.order_by, ", ")?;
    }
    if let Some(s) = &p.skip {
        write!(f, " SKIP {s}")?;
    }
    if let Some(l) = &p.limit {
        write!(f, " LIMIT {l}")?;
    }
    if let Some(w) = &p.where_ {
        write!(f, " WHERE {w}")?;
    }
    Ok(())
}

impl Display for ProjectionItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        Ok(())
    }
}

impl Display for SortItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

impl Display for SetItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property {
                target, key, value, ..
            } => {
                write_postfix_base(f, target)?;
                write!(f, ".{key} = {value}")
            }
            SetItem::Replace {
                variable, value, ..
            } => write!(f, "{variable} = {value}"),
            SetItem::Merge {
                variable, value, ..
            } => write!(f, "{variable} += {value}"),
            SetItem::Labels {
                variable, labels, ..
            } => {
                write!(f, "{variable}")?;
                write_labels(f, labels)
            }
        }
    }
}

impl Display for RemoveItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RemoveItem::Property { target, key, .. } => {
                write_postfix_base(f, target)?;
                write!(f, ".{key}")
            }
            RemoveItem::Labels {
                variable, labels, ..
            } => {
                write!(f, "{variable}")?;
                write_labels(f, labels)
            }
        }
    }
}

fn write_labels(f: &mut Formatter<'_>, labels: &[Ident]) -> fmt::Result {
    for l in labels {
        write!(f, ":{l}")?;
    }
    Ok(())
}

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        sep(f, &self.parts, ", ")
    }
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.variable {
            write!(f, "{v} = ")?;
        }
        match self.kind {
            PathKind::Normal => write!(f, "{}", self.element),
            PathKind::ShortestPath => write!(f, "shortestPath({})", self.element),
            PathKind::AllShortestPaths => write!(f, "allShortestPaths({})", self.element),
        }
    }
}

impl Display for PatternElement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for (rel, node) in &self.chain {
            write!(f, "{rel}{node}")?;
        }
        Ok(())
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        if let Some(v) = &self.variable {
            write!(f, "{v}")?;
        }
        for group in &self.labels {
            f.write_str(":")?;
            sep(f, group, "|")?;
        }
        if let Some(p) = &self.properties {
            if self.variable.is_some() || !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str(")")
    }
}

impl Display for RelPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.direction == Direction::Incoming {
            "<-"
        } else {
            "-"
        })?;
        let detailed = self.variable.is_some()
            || !self.types.is_empty()
            || self.length.is_some()
            || self.properties.is_some();
        if detailed {
            f.write_str("[")?;
            if let Some(v) = &self.variable {
                write!(f, "{v}")?;
            }
            if !self.types.is_empty() {
                f.write_str(":")?;
                sep(f, &self.types, "|")?;
            }
            if let Some(len) = &self.length {
                write!(f, "{len}")?;
            }
            if let Some(p) = &self.properties {
                write!(f, " {p}")?;
            }
            f.write_str("]")?;
        }
        f.write_str(if self.direction == Direction::Outgoing {
            "->"
        } else {
            "-"
        })
    }
}

impl Display for LengthRange {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("*")?;
        match (self.min, self.max) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (min, max) => {
                if let Some(a) = min {
                    write!(f, "{a}")?;
                }
                f.write_str("..")?;
                if let Some(b) = max {
                    write!(f, "{b}")?;
                }
                Ok(())
            }
        }
    }
}

/// Writes a string literal in single quotes with escapes.
fn write_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\'' => f.write_str("\\'")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if c.is_control() => write!(f, "\\u{:04X}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Integer(i) => write!(f, "{i}"),
            Literal::Float(x) => {
                if x.is_nan() {
                    f.write_str("(0.0 / 0.0)")
                } else if x.is_infinite() {
                    f.write_str(if *x > 0.0 {
                        "(1.0 / 0.0)"
                    } else {
                        "(-1.0 / 0.0)"
                    })
                } else {
                    // Debug keeps a `.0` or an exponent, so the text reads back as a float.
                    write!(f, "{x:?}")
                }
            }
            Literal::String(s) => write_string(f, s),
        }
    }
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::In => "IN",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::Regex => "=~",
        })
    }
}

/// Whether `e` prints as an atom that postfix operators can follow directly.
fn is_atomic(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(Literal::Integer(i)) => *i >= 0,
        ExprKind::Literal(Literal::Float(x)) => x.is_finite() && x.is_sign_positive(),
        ExprKind::Binary(..)
        | ExprKind::Unary(..)
        | ExprKind::IsNull(..)
        | ExprKind::HasLabels(..)
        | ExprKind::PatternPredicate(..) => false,
        _ => true,
    }
}

fn write_postfix_base(f: &mut Formatter<'_>, e: &Expr) -> fmt::Result {
    if is_atomic(e) {
        write!(f, "{e}")
    } else {
        write!(f, "({e})")
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Parameter(p) => {
                f.write_str("$")?;
                if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() {
                    f.write_str(p)
                } else {
                    write_name(f, p)
                }
            }
            ExprKind::Variable(v) => write_name(f, v),
            ExprKind::Property(base, key) => {
                write_postfix_base(f, base)?;
                write!(f, ".{key}")
            }
            ExprKind::Index(base, i) => {
                write_postfix_base(f, base)?;
                write!(f, "[{i}]")
            }
            ExprKind::Slice(base, from, to) => {
                write_postfix_base(f, base)?;
                f.write_str("[")?;
                if let Some(a) = from {
                    write!(f, "{a}")?;
                }
                f.write_str("..")?;
                if let Some(b) = to {
                    write!(f, "{b}")?;
                }
                f.write_str("]")
            }
            ExprKind::List(items) => {
                f.write_str("[")?;
                sep(f, items, ", ")?;
                f.write_str("]")
            }
            ExprKind::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            ExprKind::Unary(op, e) => match op {
                UnaryOp::Not => write!(f, "(NOT {e})"),
                UnaryOp::Minus => write!(f, "(-({e}))"),
                UnaryOp::Plus => write!(f, "(+({e}))"),
            },
            ExprKind::Binary(op, l, r) => write!(f, "({l} {op} {r})"),
            ExprKind::IsNull(e, not) => {
                if *not {
                    write!(f, "({e} IS NOT NULL)")
                } else {
                    write!(f, "({e} IS NULL)")
                }
            }
            ExprKind::HasLabels(e, labels) => {
                f.write_str("(")?;
                write_postfix_base(f, e)?;
                write_labels(f, labels)?;
                f.write_str(")")
            }
            ExprKind::FunctionCall {
                name,
                distinct,
                args,
            } => {
                for (i, part) in name.split('.').enumerate() {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    write_function_name_part(f, part)?;
                }
                f.write_str("(")?;
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                sep(f, args, ", ")?;
                f.write_str(")")
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            ExprKind::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                write!(f, "[{variable} IN {list}")?;
                if let Some(w) = filter {
                    write!(f, " WHERE {w}")?;
                }
                if let Some(m) = map {
                    write!(f, " | {m}")?;
                }
                f.write_str("]")
            }
            ExprKind::PatternComprehension {
                variable,
                pattern,
                filter,
                map,
            } => {
                f.write_str("[")?;
                if let Some(v) = variable {
                    write!(f, "{v} = ")?;
                }
                write!(f, "{pattern}")?;
                if let Some(w) = filter {
                    write!(f, " WHERE {w}")?;
                }
                write!(f, " | {map}]")
            }
            ExprKind::Quantified {
                quantifier,
                variable,
                list,
                filter,
            } => {
                let q = match quantifier {
                    Quantifier::All => "all",
                    Quantifier::Any => "any",
                    Quantifier::None => "none",
                    Quantifier::Single => "single",
                };
                write!(f, "{q}({variable} IN {list}")?;
                if let Some(w) = filter {
                    write!(f, " WHERE {w}")?;
                }
                f.write_str(")")
            }
            ExprKind::Reduce {
                accumulator,
                init,
                variable,
                list,
                expr,
            } => write!(
                f,
                "reduce({accumulator} = {init}, {variable} IN {list} | {expr})"
            ),
            ExprKind::PatternPredicate(p) => write!(f, "{p}"),
            ExprKind::Exists(s) => write!(f, "EXISTS {{ {s} }}"),
            ExprKind::CountSubquery(s) => write!(f, "COUNT {{ {s} }}"),
            ExprKind::CollectSubquery(s) => write!(f, "COLLECT {{ {s} }}"),
            ExprKind::MapProjection(base, items) => {
                write_postfix_base(f, base)?;
                f.write_str("{")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        MapProjectionItem::Property(p) => write!(f, ".{p}")?,
                        MapProjectionItem::AllProperties => f.write_str(".*")?,
                        MapProjectionItem::Literal(k, v) => write!(f, "{k}: {v}")?,
                        MapProjectionItem::Variable(v) => write!(f, "{v}")?,
                    }
                }
                f.write_str("}")
            }
        }
    }
}

/// Keywords that read as operators when a call to a function of that name is printed
/// bare (`-NOT(x)` calls a function `NOT`, but `(NOT(x))` negates `x`).
const OPERATOR_KEYWORDS: &[&str] = &[
    "AND", "CASE", "CONTAINS", "ENDS", "IN", "IS", "NOT", "OR", "STARTS", "XOR",
];

/// Function names may be keywords (`count`, `exists`): only quote what is not plain or
/// would read as an operator.
fn write_function_name_part(f: &mut Formatter<'_>, part: &str) -> fmt::Result {
    write_name_avoiding(f, part, OPERATOR_KEYWORDS)
}

impl Display for SubqueryExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SubqueryExpr::Pattern { pattern, where_ } => {
                write!(f, "{pattern}")?;
                if let Some(w) = where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            SubqueryExpr::Query(q) => write!(f, "{q}"),
        }
    }
}
