//! From the AST to a [`Plan`]: variables become slots, expressions are compiled, patterns
//! get a start point (key > smallest label > all nodes) and a direction of expansion.
//!
//! The planner also enforces the scoping rules it depends on (undefined or rebound variables,
//! aggregation placement, CREATE/MERGE pattern rules), raising the openCypher error kinds.

#![allow(
    clippy::indexing_slicing,
    reason = "indices enumerate the planner's own vectors (pattern nodes, items, slots), built with matching lengths"
)]

use std::sync::Arc;

use crate::ast::*;
use crate::error::{detail, Error, ErrorKind, Result};
use crate::exec::functions::{self, FunctionKind};
use crate::graph::Dir;
use crate::value::Value;

use super::*;

mod cost;
mod count;
mod join;
mod pushdown;
mod seek;
mod types;

use types::Ty;

/// What the planner may ask of the database: sizes for choosing start points, and the
/// procedures CALL can name.
pub trait Catalog {
    /// Number of nodes with `label` (0 when unknown).
    fn label_count(&self, label: &str) -> usize;
    fn node_count(&self) -> usize;
    /// Output field names of a procedure, or `None` when it does not exist.
    fn procedure_outputs(&self, name: &str) -> Option<(usize, Vec<String>)>;
    /// The indexes on nodes with `label`.
    fn indexes(&self, label: &str) -> Vec<IndexStats> {
        let _ = label;
        Vec::new()
    }
    /// Relationships of `types` (any when empty) from a node with label `from` to one with
    /// label `to` (`None`: any node), from the store's counts.
    fn rel_count(&self, from: Option<&str>, types: &[Arc<str>], to: Option<&str>) -> u64 {
        let _ = (from, types, to);
        0
    }
    /// The store's symbol for a name (label, type or property key), if it has one.
    fn symbol(&self, name: &str) -> Option<crate::graph::Sym> {
        let _ = name;
        None
    }
}

/// An index as the planner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexStats {
    /// The indexed properties, in key order.
    pub props: Vec<String>,
    /// Whether a uniqueness constraint backs it.
    pub unique: bool,
    /// How many distinct keys it holds: an equality on every property matches about
    /// `label count / keys` nodes.
    pub keys: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Node,
    Rel,
    /// A list of relationships (variable-length pattern).
    RelList,
    Path,
    /// Anything else, of a static type when one is known ([`types`]).
    Value(Ty),
}

#[derive(Clone, Copy, Debug)]
struct Var {
    slot: Slot,
    kind: Kind,
}

/// Variables in scope, in binding order.
#[derive(Clone, Default)]
struct Scope {
    vars: Vec<(String, Var)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<Var> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    fn bind(&mut self, name: &str, var: Var) {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_string(), var));
    }

    /// Names visible to `*` (not the hidden ones of anonymous pattern parts).
    fn visible(&self) -> Vec<(String, Var)> {
        let mut v: Vec<_> = self
            .vars
            .iter()
            .filter(|(n, _)| !n.starts_with(' '))
            .cloned()
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

fn err(detail: &'static str, message: impl Into<String>, span: Span) -> Error {
    Error::syntax(detail, message, span)
}

/// `VariableAlreadyBound` for the variable `id`.
fn already_bound(id: &Ident) -> Error {
    err(
        detail::VARIABLE_ALREADY_BOUND,
        format!("variable `{}` is already bound", id.name),
        id.span,
    )
}

/// The rules for a relationship that CREATE or MERGE may create: a fixed length and
/// exactly one type (`var_length` and `one_type` are the clause's messages).
fn check_creatable(r: &RelPattern, var_length: &str, one_type: &str) -> Result<()> {
    if r.length.is_some() {
        return Err(err(detail::CREATING_VAR_LENGTH, var_length, r.span));
    }
    if r.types.len() != 1 {
        return Err(err(detail::NO_SINGLE_RELATIONSHIP_TYPE, one_type, r.span));
    }
    Ok(())
}

/// A pattern of the one element `el` (pattern predicates and comprehensions), its path
/// bound to `variable` when given.
fn single_element(variable: Option<Ident>, el: &PatternElement) -> Pattern {
    Pattern {
        parts: vec![PatternPart {
            variable,
            kind: PathKind::Normal,
            element: el.clone(),
            span: el.span,
        }],
        span: el.span,
    }
}

fn is_key_name(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a node pattern is a lone upper-case name: a key reference when not bound.
fn lone_key(n: &NodePattern) -> Option<&Ident> {
    n.variable
        .as_ref()
        .filter(|v| n.labels.is_empty() && n.properties.is_none() && is_key_name(&v.name))
}

fn dir_of(d: Direction) -> Dir {
    match d {
        Direction::Outgoing => Dir::Out,
        Direction::Incoming => Dir::In,
        Direction::Both => Dir::Both,
    }
}

fn reverse(d: Dir) -> Dir {
    match d {
        Dir::Out => Dir::In,
        Dir::In => Dir::Out,
        Dir::Both => Dir::Both,
    }
}

fn arc(s: &str) -> Arc<str> {
    Arc::from(s)
}

/// The variable a key's text starts with: `a` of `a.x`, `` `my a` `` of `` `my a`.x ``.
fn root_variable(text: &str) -> &str {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '`' => quoted = !quoted,
            '.' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

/// The state of compiling the expressions of an aggregating projection.
#[derive(Default)]
struct AggContext {
    /// Grouping keys (and reusable projected items) by normalised expression text.
    keys: Vec<(String, Var)>,
    /// The keys bound as variables.
    key_scope: Scope,
    /// The scope before the projection: aggregate arguments are evaluated in it.
    input_scope: Scope,
    /// Aggregates met so far, with their output slots.
    aggs: Vec<(Slot, AggCall)>,
    /// Grouping keys that are neither variables nor property reads, by text: one used
    /// inside an expression beside an aggregate is `AmbiguousAggregationExpression`.
    complex: Vec<String>,
    /// Compiling an ORDER BY key: the variables before the projection are out of scope.
    order_by: bool,
}

impl AggContext {
    /// The context of a comprehension's body whose variables `scope` binds beside the keys:
    /// a key whose variable the body binds anew is hidden by it, and dropped.
    fn within(&self, scope: &Scope) -> AggContext {
        let bare = |name: &str| -> String {
            name.chars()
                .filter(|c| !c.is_whitespace() && *c != '`')
                .collect()
        };
        let rebound: Vec<String> = scope
            .vars
            .iter()
            .filter(|(n, v)| self.key_scope.get(n).is_none_or(|k| k.slot != v.slot))
            .map(|(n, _)| bare(n))
            .collect();
        let keys = self
            .keys
            .iter()
            .filter(|(text, _)| !rebound.contains(&bare(root_variable(text))))
            .cloned()
            .collect();
        let mut ctx = AggContext::new(keys, self.input_scope.clone());
        ctx.complex = self.complex.clone();
        ctx.order_by = self.order_by;
        ctx
    }

    /// The context of an ORDER BY key or a WHERE after an aggregating or distinct
    /// projection: its items by their text (`texts`), then its variables (`projected`);
    /// the variables before it are out of scope.
    fn projected(texts: &[(String, Slot)], projected: &Scope, input_scope: Scope) -> AggContext {
        let kind = Kind::Value(Ty::Any);
        let keys = texts
            .iter()
            .map(|(t, slot)| (t.clone(), Var { slot: *slot, kind }))
            .chain(projected.vars.iter().cloned())
            .collect();
        let mut ctx = AggContext::new(keys, input_scope);
        ctx.order_by = true;
        ctx
    }

    fn new(keys: Vec<(String, Var)>, input_scope: Scope) -> AggContext {
        let mut key_scope = Scope::default();
        for (t, v) in &keys {
            key_scope.bind(t, *v);
        }
        AggContext {
            keys,
            key_scope,
            input_scope,
            aggs: Vec::new(),
            complex: Vec::new(),
            order_by: false,
        }
    }
}

/// Plans one statement.
pub struct Planner<'a> {
    text: &'a str,
    catalog: &'a dyn Catalog,
    slots: usize,
    writes: bool,
    /// Inside `EXISTS { }` / `COUNT { }`, where a query may end without RETURN.
    open_ended: usize,
    /// Set while compiling the expressions of an aggregating projection.
    agg: Option<AggContext>,
    /// The conjuncts of the WHERE of the MATCH being planned (for index seeks).
    hints: Vec<Expr>,
    /// The node the rows of the pattern being planned come grouped by: the start of its
    /// first part, scanned or sought in node order (see `cost.rs`).
    grouped: Option<Slot>,
    /// While a part is planned: the end variables of the one-hop parts after it that will
    /// close a cycle through it with Expand(Into).
    closing: Vec<[String; 2]>,
    /// While a MATCH whose rows are only counted is planned (see `cost::counting`): the
    /// variables something other than a count reads.
    counted: Option<Vec<String>>,
    /// The parameters read so far, by number.
    params: Vec<Arc<str>>,
    param_spans: Vec<Span>,
}

impl<'a> Planner<'a> {
    pub fn new(text: &'a str, catalog: &'a dyn Catalog) -> Planner<'a> {
        Planner {
            text,
            catalog,
            slots: 0,
            writes: false,
            open_ended: 0,
            agg: None,
            hints: Vec::new(),
            grouped: None,
            closing: Vec::new(),
            counted: None,
            params: Vec::new(),
            param_spans: Vec::new(),
        }
    }

    fn store_name(&self, name: &str) -> StoreName {
        StoreName {
            name: arc(name),
            sym: self.catalog.symbol(name),
        }
    }

    fn slot(&mut self) -> Slot {
        self.slots += 1;
        self.slots - 1
    }

    /// The source text of a span with whitespace removed (to recognise repeated
    /// expressions such as an ORDER BY key equal to a projected one).
    fn norm(&self, span: Span) -> String {
        self.text
            .get(span.start..span.end)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// Plans a query.
    pub fn plan_query(mut self, q: &Query) -> Result<QueryPlan> {
        let (mut root, columns) = self.query(q, Plan::Argument, &Scope::default())?;
        seek::use_count_store(&mut root);
        count::fold_counted_expands(&mut root);
        count::fold_distinct_ends(&mut root);
        Ok(QueryPlan {
            root,
            columns: columns.into(),
            slots: self.slots,
            writes: self.writes,
            params: self.params,
            param_spans: self.param_spans,
        })
    }

    /// Parameter `name`, numbered in the plan's list.
    /// The expression holds the plan's own copy of the name: a run finds the value by
    /// number only when the two are the same allocation ([`crate::exec::ParamTable`]).
    fn param(&mut self, name: &str, span: Span) -> CExpr {
        let index = match self.params.iter().position(|p| p.as_ref() == name) {
            Some(i) => i,
            None => {
                self.params.push(arc(name));
                self.param_spans.push(span);
                self.params.len() - 1
            }
        };
        match self.params.get(index) {
            Some(shared) => CExpr::Param(index, shared.clone()),
            None => CExpr::Param(index, arc(name)),
        }
    }

    fn query(&mut self, q: &Query, input: Plan, scope: &Scope) -> Result<(Plan, Vec<String>)> {
        let (first, cols, slots, _) = self.single(&q.first, input.clone(), scope.clone())?;
        if q.unions.is_empty() {
            return Ok((
                Plan::Produce {
                    input: Box::new(first),
                    columns: slots,
                },
                cols,
            ));
        }
        let mut parts = vec![Plan::Produce {
            input: Box::new(first),
            columns: slots,
        }];
        let mut distinct = false;
        let mut all_seen = None;
        for (all, sq) in &q.unions {
            if all_seen.is_some_and(|a| a != *all) {
                return Err(err(
                    detail::INVALID_CLAUSE_COMPOSITION,
                    "UNION and UNION ALL cannot be mixed",
                    sq.span,
                ));
            }
            all_seen = Some(*all);
            distinct |= !all;
            let (p, c, s, _) = self.single(sq, input.clone(), scope.clone())?;
            if c != cols {
                return Err(err(
                    detail::DIFFERENT_COLUMNS_IN_UNION,
                    "all parts of a UNION must return the same columns",
                    sq.span,
                ));
            }
            parts.push(Plan::Produce {
                input: Box::new(p),
                columns: s,
            });
        }
        Ok((Plan::Union { parts, distinct }, cols))
    }

    /// Plans a single query; returns the plan, column names, column slots and final scope.
    fn single(
        &mut self,
        sq: &SingleQuery,
        input: Plan,
        mut scope: Scope,
    ) -> Result<(Plan, Vec<String>, Vec<Slot>, Scope)> {
        let mut plan = input;
        let mut columns = Vec::new();
        let mut col_slots = Vec::new();
        let n = sq.clauses.len();
        for (i, clause) in sq.clauses.iter().enumerate() {
            let last = i + 1 == n;
            if let Clause::Return(_) = clause {
                if !last {
                    return Err(err(
                        detail::INVALID_CLAUSE_COMPOSITION,
                        "RETURN can only be the last clause",
                        clause.span(),
                    ));
                }
            }
            plan = match clause {
                Clause::Match(m) => {
                    let outer = std::mem::replace(
                        &mut self.counted,
                        cost::counting(m, sq.clauses.get(i + 1)),
                    );
                    let r = self.match_clause(plan, m, &mut scope);
                    self.counted = outer;
                    r?
                }
                Clause::Unwind(u) => {
                    let expr = self.expr(&u.expr, &scope)?;
                    let slot = self.slot();
                    let kind = types::value_kind(types::element_type(&u.expr, &scope));
                    self.bind_new(&mut scope, &u.variable, slot, kind)?;
                    Plan::Unwind {
                        input: Box::new(plan),
                        expr,
                        slot,
                    }
                }
                Clause::With(p) => {
                    let (pl, sc, _, _) = self.projection(plan, p, &scope, false)?;
                    scope = sc;
                    pl
                }
                Clause::Return(p) => {
                    let (pl, sc, cols, slots) = self.projection(plan, p, &scope, true)?;
                    scope = sc;
                    columns = cols;
                    col_slots = slots;
                    pl
                }
                Clause::Create(c) => self.create(plan, c, &mut scope)?,
                Clause::Merge(m) => self.merge(plan, m, &mut scope)?,
                Clause::Set(s) => {
                    self.writes = true;
                    let ops = self.set_items(&s.items, &scope)?;
                    Plan::SetProperty {
                        input: Box::new(plan),
                        ops,
                    }
                }
                Clause::Remove(r) => {
                    self.writes = true;
                    let ops = self.remove_items(&r.items, &scope)?;
                    Plan::SetProperty {
                        input: Box::new(plan),
                        ops,
                    }
                }
                Clause::Delete(d) => {
                    self.writes = true;
                    let mut exprs = Vec::new();
                    for e in &d.exprs {
                        if let ExprKind::HasLabels(..) = e.kind {
                            return Err(err(
                                detail::INVALID_DELETE,
                                "DELETE expects a node, relationship or path; to remove labels use REMOVE",
                                e.span,
                            ));
                        }
                        let c = self.expr(e, &scope)?;
                        types::check_deleted(e, &scope)?;
                        if !matches!(
                            e.kind,
                            ExprKind::Variable(_)
                                | ExprKind::Property(..)
                                | ExprKind::Index(..)
                                | ExprKind::FunctionCall { .. }
                                | ExprKind::Literal(Literal::Null)
                                | ExprKind::Parameter(_)
                                | ExprKind::Case { .. }
                        ) {
                            return Err(err(
                                detail::INVALID_DELETE,
                                "DELETE expects a node, relationship or path expression",
                                e.span,
                            ));
                        }
                        exprs.push(c);
                    }
                    Plan::Delete {
                        input: Box::new(plan),
                        exprs,
                        detach: d.detach,
                    }
                }
                Clause::Foreach(f) => self.foreach(plan, f, &scope)?,
                Clause::Call(c) => {
                    let standalone = last && i == 0;
                    let (pl, yields) = self.call(plan, c, &mut scope, standalone)?;
                    if standalone {
                        columns = yields.iter().map(|(n, _)| n.clone()).collect();
                        col_slots = yields.iter().map(|(_, s)| *s).collect();
                    }
                    pl
                }
                Clause::CallSubquery(c) => {
                    let inner_scope = scope.clone();
                    if !c.query.unions.is_empty() {
                        return Err(Error::new(
                            ErrorKind::SyntaxError,
                            "UNION inside CALL { } is not supported yet",
                        )
                        .with_span(c.span));
                    }
                    let (inner, cols, slots, _) =
                        self.single(&c.query.first, Plan::Argument, inner_scope)?;
                    if cols.is_empty() {
                        let slot = self.slot();
                        Plan::Foreach {
                            input: Box::new(plan),
                            slot,
                            list: CExpr::Const(Value::List(vec![Value::Null])),
                            body: Box::new(inner),
                        }
                    } else {
                        for (name, &s) in cols.iter().zip(&slots) {
                            if scope.get(name).is_some() {
                                return Err(err(
                                    detail::VARIABLE_ALREADY_BOUND,
                                    format!("variable `{name}` is already bound"),
                                    c.span,
                                ));
                            }
                            scope.bind(
                                name,
                                Var {
                                    slot: s,
                                    kind: Kind::Value(Ty::Any),
                                },
                            );
                        }
                        Plan::Apply {
                            input: Box::new(plan),
                            inner: Box::new(inner),
                            slots,
                        }
                    }
                }
                Clause::LoadCsv(l) => {
                    let url = self.expr(&l.url, &scope)?;
                    let slot = self.slot();
                    self.bind_new(&mut scope, &l.variable, slot, Kind::Value(Ty::Any))?;
                    let delimiter = match &l.field_terminator {
                        Some(t) if t.len() == 1 => t.as_bytes()[0],
                        Some(_) => {
                            return Err(Error::new(
                                ErrorKind::SyntaxError,
                                "FIELDTERMINATOR must be a single character",
                            )
                            .with_span(l.span))
                        }
                        None => b',',
                    };
                    Plan::LoadCsv {
                        input: Box::new(plan),
                        url,
                        slot,
                        headers: l.with_headers,
                        delimiter,
                    }
                }
            };
        }
        if let Some(last) = sq.clauses.last().filter(|_| self.open_ended == 0) {
            let ok = matches!(
                last,
                Clause::Return(_)
                    | Clause::Create(_)
                    | Clause::Merge(_)
                    | Clause::Set(_)
                    | Clause::Remove(_)
                    | Clause::Delete(_)
                    | Clause::Foreach(_)
                    | Clause::Call(_)
                    | Clause::CallSubquery(_)
            );
            if !ok {
                return Err(err(
                    detail::INVALID_CLAUSE_COMPOSITION,
                    "a query cannot end with this clause; add RETURN",
                    last.span(),
                ));
            }
        }
        Ok((plan, columns, col_slots, scope))
    }

    fn bind_new(&mut self, scope: &mut Scope, id: &Ident, slot: Slot, kind: Kind) -> Result<()> {
        if scope.get(&id.name).is_some() {
            return Err(already_bound(id));
        }
        scope.bind(&id.name, Var { slot, kind });
        Ok(())
    }

    // ----- MATCH ---------------------------------------------------------------------------

    fn match_clause(&mut self, input: Plan, m: &Match, scope: &mut Scope) -> Result<Plan> {
        if m.optional {
            let before = scope.clone();
            let mut inner_scope = scope.clone();
            let mut inner = self.matched_pattern(Plan::Argument, m, &mut inner_scope)?;
            if let Some(w) = &m.where_ {
                self.no_aggregate(w)?;
                inner = self.where_filters(inner, w, &inner_scope)?;
            }
            let nulls: Vec<Slot> = inner_scope
                .vars
                .iter()
                .filter(|(n, _)| before.get(n).is_none())
                .map(|(_, v)| v.slot)
                .collect();
            *scope = inner_scope;
            Ok(Plan::Optional {
                input: Box::new(input),
                inner: Box::new(inner),
                nulls,
            })
        } else {
            let mut plan = self.matched_pattern(input, m, scope)?;
            if let Some(w) = &m.where_ {
                self.no_aggregate(w)?;
                plan = self.where_filters(plan, w, scope)?;
            }
            Ok(plan)
        }
    }

    /// Plans the pattern of a MATCH, with its WHERE conjuncts as hints for index seeks.
    fn matched_pattern(&mut self, input: Plan, m: &Match, scope: &mut Scope) -> Result<Plan> {
        let mut hints = Vec::new();
        if let Some(w) = &m.where_ {
            seek::conjuncts(w, &mut hints);
        }
        let saved = std::mem::replace(&mut self.hints, hints);
        let r = self.pattern_parts(input, &m.pattern, scope);
        self.hints = saved;
        r
    }

    fn no_aggregate(&self, e: &Expr) -> Result<()> {
        if let Some(span) = find_aggregate(e) {
            return Err(err(
                detail::INVALID_AGGREGATION,
                "aggregate functions are not allowed here",
                span,
            ));
        }
        Ok(())
    }

    /// Plans a pattern on top of `input`, binding its variables in `scope`.
    fn pattern(&mut self, input: Plan, pattern: &Pattern, scope: &mut Scope) -> Result<Plan> {
        // Hints, counting and closing sides belong to the MATCH that set them, not to
        // patterns nested in it.
        let hints = std::mem::take(&mut self.hints);
        let counted = self.counted.take();
        let closing = std::mem::take(&mut self.closing);
        let r = self.pattern_parts(input, pattern, scope);
        self.hints = hints;
        self.counted = counted;
        self.closing = closing;
        r
    }

    fn pattern_parts(&mut self, input: Plan, pattern: &Pattern, scope: &mut Scope) -> Result<Plan> {
        let saved = self.grouped.take();
        let r = self.pattern_parts_grouped(input, pattern, scope);
        self.grouped = saved;
        r
    }

    fn pattern_parts_grouped(
        &mut self,
        input: Plan,
        pattern: &Pattern,
        scope: &mut Scope,
    ) -> Result<Plan> {
        let mut plan = input;
        // The pattern's relationships so far, with the types each is written with (none:
        // any type), for relationship uniqueness.
        let mut rel_slots: Vec<(Slot, Vec<Arc<str>>)> = Vec::new();
        // Variables bound by this pattern (to check relationship reuse).
        let mut own_rels: Vec<String> = Vec::new();
        // Join order: a part tied to what is bound already comes next (in written order);
        // otherwise the part with the cheapest start (see `next_part`).
        let mut remaining: Vec<&PatternPart> = pattern.parts.iter().collect();
        let mut planned = 0;
        while !remaining.is_empty() {
            let part = remaining.remove(self.next_part(&remaining, scope));
            planned += 1;
            if planned > 1 {
                if let Some(side) = self.hash_join_side(part, scope)? {
                    plan = Plan::HashJoin {
                        input: Box::new(plan),
                        build: Box::new(side.plan),
                        slots: vec![side.slot],
                        left_key: side.left_key,
                        right_key: side.right_key,
                    };
                    continue;
                }
            }
            let outer = std::mem::replace(
                &mut self.closing,
                cost::closing_parts(part, &remaining, scope),
            );
            let r = self.part(plan, part, scope, &mut rel_slots, &mut own_rels);
            self.closing = outer;
            plan = r?;
        }
        Ok(plan)
    }

    /// Which of `parts` to plan next: the first (in written order) that shares a variable
    /// with what is bound, so connected parts follow one another and a cycle is closed by
    /// Expand(Into) in the order written; when none does, the one whose cheapest start node
    /// is cheapest (the first of equal ones). Shortest-path parts come after all others,
    /// which may bind their ends.
    fn next_part(&self, parts: &[&PatternPart], scope: &Scope) -> usize {
        if parts.len() < 2 {
            return 0;
        }
        let normal = |p: &&PatternPart| p.kind == PathKind::Normal;
        let tied = |p: &PatternPart| {
            let rel_vars = p
                .element
                .chain
                .iter()
                .filter_map(|(r, _)| r.variable.as_ref());
            let node_vars = p.element.nodes().filter_map(|n| n.variable.as_ref());
            node_vars
                .chain(rel_vars)
                .any(|v| scope.get(&v.name).is_some())
        };
        if let Some(i) = parts.iter().position(|p| normal(p) && tied(p)) {
            return i;
        }
        let start = |p: &PatternPart| {
            p.element
                .nodes()
                .map(|n| self.start_cost(n, scope))
                .min()
                .unwrap_or(usize::MAX)
        };
        parts
            .iter()
            .enumerate()
            .filter(|(_, p)| normal(p))
            .min_by_key(|(i, p)| (start(p), *i))
            .map_or(0, |(i, _)| i)
    }

    fn node_filters(
        &mut self,
        n: &NodePattern,
        slot: Slot,
        skip_label: Option<&str>,
        scope: &Scope,
    ) -> Result<Vec<CExpr>> {
        let mut preds = Vec::new();
        for group in &n.labels {
            if group.len() == 1 {
                if Some(group[0].name.as_str()) == skip_label {
                    continue;
                }
                preds.push(CExpr::HasLabels(
                    Box::new(CExpr::Slot(slot)),
                    vec![self.store_name(&group[0].name)],
                ));
            } else {
                preds.push(CExpr::HasAnyLabel(
                    Box::new(CExpr::Slot(slot)),
                    group.iter().map(|l| arc(&l.name)).collect(),
                ));
            }
        }
        if let Some(p) = &n.properties {
            preds.extend(self.prop_filters(p, slot, scope)?);
        }
        Ok(preds)
    }

    fn prop_filters(&mut self, props: &Expr, slot: Slot, scope: &Scope) -> Result<Vec<CExpr>> {
        match &props.kind {
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    let value = self.expr(v, scope)?;
                    out.push(CExpr::Bin(
                        BinaryOp::Eq,
                        Box::new(CExpr::Prop(
                            Box::new(CExpr::Slot(slot)),
                            self.store_name(&k.name),
                        )),
                        Box::new(value),
                    ));
                }
                Ok(out)
            }
            // openCypher: a parameter may give the properties of what CREATE makes, never
            // of what a pattern matches (which keys it tests would depend on the value).
            ExprKind::Parameter(name) => Err(err(
                detail::INVALID_PARAMETER_USE,
                format!("a parameter cannot give a matched pattern's properties: write {{key: ${name}.key}}"),
                props.span,
            )),
            _ => Err(err(
                detail::INVALID_ARGUMENT_TYPE,
                "pattern properties must be a map literal",
                props.span,
            )),
        }
    }

    fn filter(plan: Plan, preds: Vec<CExpr>) -> Plan {
        preds.into_iter().fold(plan, |p, pred| Plan::Filter {
            input: Box::new(p),
            pred,
        })
    }

    /// Binds the variable of node pattern `n`, if it has one, to `slot`.
    fn bind_node(scope: &mut Scope, n: &NodePattern, slot: Slot) {
        if let Some(v) = &n.variable {
            scope.bind(
                &v.name,
                Var {
                    slot,
                    kind: Kind::Node,
                },
            );
        }
    }

    /// Binds (or checks) the node of a pattern at the start of a part.
    fn start_node(
        &mut self,
        plan: Plan,
        n: &NodePattern,
        scope: &mut Scope,
    ) -> Result<(Plan, Slot)> {
        if let Some(v) = &n.variable {
            if let Some(var) = scope.get(&v.name) {
                if types::never_node(var.kind) {
                    return Err(err(
                        detail::VARIABLE_TYPE_CONFLICT,
                        format!("variable `{}` is not a node", v.name),
                        v.span,
                    ));
                }
                let mut preds = self.node_filters(n, var.slot, None, scope)?;
                if matches!(var.kind, Kind::Value(_)) {
                    preds.insert(
                        0,
                        CExpr::Call("isNode", is_node_or_null, vec![CExpr::Slot(var.slot)]),
                    );
                }
                return Ok((Self::filter(plan, preds), var.slot));
            }
        }
        let slot = self.slot();
        let hints = std::mem::take(&mut self.hints);
        let seek = self.seek_choice(n, &hints, scope);
        let mut input = plan;
        if let Some(choice) = &seek {
            match self.seek_plan(choice, input, slot, scope) {
                Ok(p) => {
                    let label = Self::choice_label(choice).to_string();
                    Self::bind_node(scope, n, slot);
                    let preds = self.node_filters(n, slot, Some(&label), scope);
                    self.hints = hints;
                    return Ok((Self::filter(p, preds?), slot));
                }
                Err(p) => input = *p,
            }
        }
        self.hints = hints;
        let plan = input;
        if let Some(key) = lone_key(n) {
            scope.bind(
                &key.name,
                Var {
                    slot,
                    kind: Kind::Node,
                },
            );
            return Ok((
                Plan::NodeByKey {
                    input: Box::new(plan),
                    slot,
                    key: arc(&key.name),
                },
                slot,
            ));
        }
        Self::bind_node(scope, n, slot);
        // The smallest single label is the scan; the others are filters.
        let best = n
            .labels
            .iter()
            .filter(|g| g.len() == 1)
            .map(|g| g[0].name.as_str())
            .min_by_key(|l| self.catalog.label_count(l));
        let scan = match best {
            Some(l) => Plan::NodeByLabelScan {
                input: Box::new(plan),
                slot,
                label: arc(l),
            },
            None => Plan::AllNodesScan {
                input: Box::new(plan),
                slot,
            },
        };
        let preds = self.node_filters(n, slot, best, scope)?;
        Ok((Self::filter(scan, preds), slot))
    }

    /// Estimated rows when starting a part at node `n` (lower is better).
    fn start_cost(&self, n: &NodePattern, scope: &Scope) -> usize {
        if let Some(v) = &n.variable {
            if scope.get(&v.name).is_some() {
                return 0;
            }
        }
        if lone_key(n).is_some() {
            return 1;
        }
        if let Some(choice) = self.seek_choice(n, &self.hints, scope) {
            return choice.estimate + 1;
        }
        let label = n
            .labels
            .iter()
            .filter(|g| g.len() == 1)
            .map(|g| self.catalog.label_count(&g[0].name))
            .min();
        let base = label.unwrap_or(self.catalog.node_count()) + 2;
        if n.properties.is_some() {
            base / 2 + 2
        } else {
            base
        }
    }

    fn part(
        &mut self,
        input: Plan,
        part: &PatternPart,
        scope: &mut Scope,
        rel_slots: &mut Vec<(Slot, Vec<Arc<str>>)>,
        own_rels: &mut Vec<String>,
    ) -> Result<Plan> {
        let el = &part.element;
        if part.kind != PathKind::Normal {
            return self.shortest(input, part, scope);
        }
        let nodes: Vec<&NodePattern> = el.nodes().collect();
        let rels: Vec<&RelPattern> = el.chain.iter().map(|(r, _)| r).collect();
        // Choose the start node.
        let start = (0..nodes.len())
            .map(|i| (i, self.part_cost(&nodes, &rels, i, scope)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i);
        let fresh = nodes[start]
            .variable
            .as_ref()
            .is_none_or(|v| scope.get(&v.name).is_none());
        let (mut plan, first_slot) = self.start_node(input, nodes[start], scope)?;
        if fresh && self.grouped.is_none() {
            self.grouped = Some(first_slot);
        }
        let mut node_slots: Vec<Option<Slot>> = vec![None; nodes.len()];
        node_slots[start] = Some(first_slot);
        let mut rel_var_slots: Vec<Option<(Slot, bool)>> = vec![None; rels.len()];
        // Right of the start, then left of it.
        let order: Vec<(usize, bool)> = (start..rels.len())
            .map(|i| (i, true))
            .chain((0..start).rev().map(|i| (i, false)))
            .collect();
        for (ri, forward) in order {
            let r = rels[ri];
            let (from_i, to_i) = if forward { (ri, ri + 1) } else { (ri + 1, ri) };
            let from = node_slots[from_i].ok_or_else(|| Error::internal("pattern order"))?;
            let dir = if forward {
                dir_of(r.direction)
            } else {
                reverse(dir_of(r.direction))
            };
            let to_node = nodes[to_i];
            // The far node: bound already (in scope or earlier in this part)?
            let (to, into) = match to_node.variable.as_ref().and_then(|v| scope.get(&v.name)) {
                Some(var) => {
                    if types::never_node(var.kind) {
                        return Err(err(
                            detail::VARIABLE_TYPE_CONFLICT,
                            "variable is not a node",
                            to_node.span,
                        ));
                    }
                    (var.slot, true)
                }
                None => {
                    let s = self.slot();
                    Self::bind_node(scope, to_node, s);
                    (s, false)
                }
            };
            node_slots[to_i] = Some(to);
            // The relationship variable.
            let var_len = r.length.is_some();
            let rel_kind = if var_len { Kind::RelList } else { Kind::Rel };
            let mut bound_rel = None;
            let rel_slot = self.slot();
            if let Some(v) = &r.variable {
                match scope.get(&v.name) {
                    Some(var) if own_rels.contains(&v.name) => {
                        let _ = var;
                        return Err(err(
                            detail::RELATIONSHIP_UNIQUENESS_VIOLATION,
                            format!(
                                "relationship variable `{}` is used twice in one pattern",
                                v.name
                            ),
                            v.span,
                        ));
                    }
                    Some(var) => {
                        if types::never_rel(var.kind) {
                            return Err(err(
                                detail::VARIABLE_TYPE_CONFLICT,
                                format!("variable `{}` is not a relationship", v.name),
                                v.span,
                            ));
                        }
                        bound_rel = Some(var.slot);
                    }
                    None => {
                        scope.bind(
                            &v.name,
                            Var {
                                slot: rel_slot,
                                kind: rel_kind,
                            },
                        );
                        own_rels.push(v.name.clone());
                    }
                }
            }
            rel_var_slots[ri] = Some((rel_slot, var_len));
            let types: Vec<Arc<str>> = r.types.iter().map(|t| arc(&t.name)).collect();
            // Not the relationships written with other types: no relationship is both.
            let distinct_from = rel_slots
                .iter()
                .filter(|(_, other)| may_share_a_type(other, &types))
                .map(|(slot, _)| *slot)
                .collect();
            rel_slots.push((rel_slot, types.clone()));
            let spec = ExpandSpec {
                from,
                rel: rel_slot,
                to,
                dir,
                types,
                type_syms: Default::default(),
                into,
                distinct_from,
            };
            match r.length {
                None => {
                    plan = Plan::Expand {
                        input: Box::new(plan),
                        spec,
                    };
                    if let Some(p) = &r.properties {
                        let preds = self.prop_filters(p, rel_slot, scope)?;
                        plan = Self::filter(plan, preds);
                    }
                }
                Some(range) => {
                    let hops = Hops {
                        min: range.min.unwrap_or(1),
                        max: range.max,
                    };
                    let rel_filter = match &r.properties {
                        Some(p) => {
                            let probe = self.slot();
                            let preds = self.prop_filters(p, probe, scope)?;
                            let pred = preds
                                .into_iter()
                                .reduce(|a, b| CExpr::Bin(BinaryOp::And, Box::new(a), Box::new(b)));
                            pred.map(|p| (probe, p))
                        }
                        None => None,
                    };
                    plan = Plan::VarLengthExpand {
                        input: Box::new(plan),
                        spec,
                        hops,
                        rel_filter,
                        distinct_ends: false,
                        // The list in pattern order, written so by the expansion itself: a
                        // projection reversing it stopped filters from moving below it.
                        reversed: !forward,
                    };
                }
            }
            if let Some(b) = bound_rel {
                plan = Plan::Filter {
                    input: Box::new(plan),
                    pred: CExpr::Bin(
                        BinaryOp::Eq,
                        Box::new(CExpr::Slot(rel_slot)),
                        Box::new(CExpr::Slot(b)),
                    ),
                };
            }
            // Filters of the far node.
            let mut preds = self.node_filters(to_node, to, None, scope)?;
            if !into {
                if let Some(k) = lone_key(to_node) {
                    preds.push(CExpr::HasKey(Box::new(CExpr::Slot(to)), arc(&k.name)));
                }
            }
            plan = Self::filter(plan, preds);
        }
        if let Some(pv) = &part.variable {
            let nodes: Option<Vec<Slot>> = node_slots.iter().copied().collect();
            let nodes = nodes.ok_or_else(|| Error::internal("unbound path node"))?;
            let rel_steps = rel_var_slots
                .iter()
                .flatten()
                .map(|(rs, var_len)| {
                    if *var_len {
                        PathStep::Rels(*rs)
                    } else {
                        PathStep::Rel(*rs)
                    }
                })
                .collect();
            let steps = path_steps(&nodes, rel_steps);
            let slot = self.slot();
            self.bind_new(scope, pv, slot, Kind::Path)?;
            plan = Plan::Projection {
                input: Box::new(plan),
                items: vec![(slot, CExpr::BuildPath(steps))],
            };
        }
        Ok(plan)
    }

    fn shortest(&mut self, input: Plan, part: &PatternPart, scope: &mut Scope) -> Result<Plan> {
        let el = &part.element;
        let [(r, end)] = el.chain.as_slice() else {
            return Err(Error::new(
                ErrorKind::SyntaxError,
                "shortestPath needs a pattern with exactly one relationship",
            )
            .with_span(part.span));
        };
        let (plan, from) = self.start_node(input, &el.start, scope)?;
        let (plan, to) = self.start_node(plan, end, scope)?;
        let path = self.slot();
        let rels = match &r.variable {
            Some(v) => {
                let s = self.slot();
                self.bind_new(scope, v, s, Kind::RelList)?;
                Some(s)
            }
            None => None,
        };
        if let Some(pv) = &part.variable {
            self.bind_new(scope, pv, path, Kind::Path)?;
        }
        let hops = r.length.map_or(
            Hops {
                min: 1,
                max: Some(1),
            },
            |l| Hops {
                min: l.min.unwrap_or(1),
                max: l.max,
            },
        );
        Ok(Plan::ShortestPath {
            input: Box::new(plan),
            from,
            to,
            path,
            rels,
            dir: dir_of(r.direction),
            types: r.types.iter().map(|t| arc(&t.name)).collect(),
            hops,
            all: part.kind == PathKind::AllShortestPaths,
        })
    }

    // ----- WITH / RETURN --------------------------------------------------------------------

    /// Plans a projection; returns the plan, the new scope, column names and their slots.
    fn projection(
        &mut self,
        input: Plan,
        p: &Projection,
        scope: &Scope,
        is_return: bool,
    ) -> Result<(Plan, Scope, Vec<String>, Vec<Slot>)> {
        // Items: `*` first (sorted by name), then the listed ones.
        struct Item<'e> {
            name: String,
            expr: Option<&'e Expr>,
            var: Option<Var>,
            span: Span,
        }
        let mut items: Vec<Item<'_>> = Vec::new();
        if p.star {
            let vis = scope.visible();
            // `WITH *` passes rows on even with nothing to name in them (`MATCH () CREATE ()
            // WITH * CREATE ()`); `RETURN *` would return rows of no columns.
            if vis.is_empty() && is_return {
                return Err(err(
                    detail::NO_VARIABLES_IN_SCOPE,
                    "`*` needs at least one variable in scope",
                    p.span,
                ));
            }
            for (name, var) in vis {
                items.push(Item {
                    name,
                    expr: None,
                    var: Some(var),
                    span: p.span,
                });
            }
        }
        // An expression WITH does not name is an error, raised once the items, WHERE and
        // ORDER BY have had their own checks: openCypher reports those first.
        let mut unaliased = None;
        for it in &p.items {
            let name = match &it.alias {
                Some(a) => a.name.clone(),
                None => {
                    if !is_return && !matches!(it.expr.kind, ExprKind::Variable(_)) {
                        unaliased.get_or_insert(err(
                            "NoExpressionAlias",
                            "expressions in WITH must be aliased (use AS)",
                            it.span,
                        ));
                    }
                    match &it.expr.kind {
                        ExprKind::Variable(v) => v.clone(),
                        _ => it.text.clone(),
                    }
                }
            };
            items.push(Item {
                name,
                expr: Some(&it.expr),
                var: None,
                span: it.span,
            });
        }
        for (i, a) in items.iter().enumerate() {
            if items[..i].iter().any(|b| b.name == a.name) {
                return Err(err(
                    detail::COLUMN_NAME_CONFLICT,
                    format!("column `{}` is defined more than once", a.name),
                    a.span,
                ));
            }
        }
        let aggregating = items
            .iter()
            .any(|i| i.expr.is_some_and(|e| find_aggregate(e).is_some()));
        for it in &items {
            if let Some(e) = it.expr {
                check_nested_aggregate(e, false)?;
            }
        }

        let mut new_scope = Scope::default();
        let mut plan = input;
        let mut col_slots = Vec::new();
        let mut names = Vec::new();
        // Expression texts of the items, to match ORDER BY keys after aggregation/DISTINCT.
        let mut item_texts: Vec<(String, Slot)> = Vec::new();
        // Items that may be reused inside an ORDER BY key next to an aggregate.
        let mut reusable: Vec<(String, Slot)> = Vec::new();
        // Grouping keys that may not be (see `AggContext::complex`).
        let mut complex: Vec<String> = Vec::new();

        if aggregating {
            let mut keys: Vec<(Slot, CExpr)> = Vec::new();
            let mut key_texts: Vec<(String, Var)> = Vec::new();
            let mut post: Vec<(usize, &Expr)> = Vec::new();
            let mut item_slots = vec![0; items.len()];
            for (i, it) in items.iter().enumerate() {
                let slot = self.slot();
                item_slots[i] = slot;
                match it.expr {
                    None => {
                        let var = it.var.ok_or_else(|| Error::internal("star item"))?;
                        keys.push((slot, CExpr::Slot(var.slot)));
                        key_texts.push((
                            it.name.clone(),
                            Var {
                                slot,
                                kind: var.kind,
                            },
                        ));
                    }
                    Some(e) if find_aggregate(e).is_none() => {
                        keys.push((slot, self.expr(e, scope)?));
                        let kind = self.kind_of(e, scope);
                        if matches!(e.kind, ExprKind::Variable(_) | ExprKind::Property(..)) {
                            key_texts.push((self.norm(e.span), Var { slot, kind }));
                        } else {
                            complex.push(self.norm(e.span));
                        }
                    }
                    Some(e) => post.push((i, e)),
                }
            }
            let mut ctx = AggContext::new(key_texts, scope.clone());
            ctx.complex = complex.clone();
            let mut post_items = Vec::new();
            for (i, e) in post {
                let c = self.agg_compile(e, &mut ctx)?;
                post_items.push((item_slots[i], c));
            }
            plan = Plan::Aggregation {
                input: Box::new(plan),
                keys,
                aggs: ctx.aggs,
            };
            if !post_items.is_empty() {
                plan = Plan::Projection {
                    input: Box::new(plan),
                    items: post_items,
                };
            }
            for (i, it) in items.iter().enumerate() {
                let kind = match (it.var, it.expr) {
                    (Some(v), _) => v.kind,
                    (None, Some(e)) if find_aggregate(e).is_none() => self.kind_of(e, scope),
                    _ => Kind::Value(Ty::Any),
                };
                new_scope.bind(
                    &it.name,
                    Var {
                        slot: item_slots[i],
                        kind,
                    },
                );
                col_slots.push(item_slots[i]);
                names.push(it.name.clone());
                if let Some(e) = it.expr {
                    item_texts.push((self.norm(e.span), item_slots[i]));
                    if is_agg_node(e)
                        || matches!(e.kind, ExprKind::Variable(_) | ExprKind::Property(..))
                    {
                        reusable.push((self.norm(e.span), item_slots[i]));
                    }
                }
            }
        } else {
            let mut proj = Vec::new();
            for it in &items {
                let (slot, kind) = match (it.var, it.expr) {
                    (Some(v), _) => (v.slot, v.kind),
                    (None, Some(e)) => {
                        let c = self.expr(e, scope)?;
                        let kind = self.kind_of(e, scope);
                        match (&c, is_return) {
                            // A plain variable keeps its slot.
                            (CExpr::Slot(s), _) => (*s, kind),
                            _ => {
                                let s = self.slot();
                                proj.push((s, c));
                                (s, kind)
                            }
                        }
                    }
                    (None, None) => return Err(Error::internal("empty projection item")),
                };
                new_scope.bind(&it.name, Var { slot, kind });
                col_slots.push(slot);
                names.push(it.name.clone());
                if let Some(e) = it.expr {
                    item_texts.push((self.norm(e.span), slot));
                }
            }
            if !proj.is_empty() {
                plan = Plan::Projection {
                    input: Box::new(plan),
                    items: proj,
                };
            }
        }

        if p.distinct {
            plan = Plan::Distinct {
                input: Box::new(plan),
                slots: col_slots.clone(),
            };
        }

        // ORDER BY: after aggregation or DISTINCT only the projected items are visible.
        if !p.order_by.is_empty() {
            let restricted = aggregating || p.distinct;
            let mut order_scope = if restricted {
                Scope::default()
            } else {
                scope.clone()
            };
            for (n, v) in &new_scope.vars {
                order_scope.bind(n, *v);
            }
            let mut keys = Vec::new();
            for s in &p.order_by {
                let text = self.norm(s.expr.span);
                let c = if let Some((_, slot)) = item_texts.iter().find(|(t, _)| *t == text) {
                    CExpr::Slot(*slot)
                } else if aggregating {
                    // Aggregates and grouping expressions inside the key must be projected.
                    let mut ctx = AggContext::projected(&reusable, &new_scope, scope.clone());
                    ctx.complex = complex.clone();
                    let c = self.agg_compile(&s.expr, &mut ctx)?;
                    if !ctx.aggs.is_empty() {
                        return Err(err(
                            detail::UNDEFINED_VARIABLE,
                            "an aggregate in ORDER BY must also be projected",
                            s.expr.span,
                        ));
                    }
                    c
                } else {
                    if let Some(span) = find_aggregate(&s.expr) {
                        return Err(err(
                            detail::INVALID_AGGREGATION,
                            "aggregate functions in ORDER BY need an aggregating projection",
                            span,
                        ));
                    }
                    match self.expr(&s.expr, &order_scope) {
                        Ok(c) => c,
                        Err(e) if restricted && e.detail == Some(detail::UNDEFINED_VARIABLE) => {
                            return Err(err(
                                detail::UNDEFINED_VARIABLE,
                                "ORDER BY after DISTINCT can only use projected values",
                                s.expr.span,
                            ));
                        }
                        Err(e) => return Err(e),
                    }
                };
                keys.push((c, s.descending));
            }
            plan = match (&p.limit, &p.skip) {
                (Some(l), skip) => {
                    let limit = self.const_expr(l)?;
                    let limit = match skip {
                        Some(s) => {
                            let s = self.const_expr(s)?;
                            CExpr::Bin(BinaryOp::Add, Box::new(limit), Box::new(s))
                        }
                        None => limit,
                    };
                    Plan::Top {
                        input: Box::new(plan),
                        keys,
                        limit,
                    }
                }
                _ => Plan::Sort {
                    input: Box::new(plan),
                    keys,
                },
            };
        }
        if let Some(s) = &p.skip {
            let count = self.const_expr(s)?;
            plan = Plan::Skip {
                input: Box::new(plan),
                count,
            };
        }
        if let Some(l) = &p.limit {
            let count = self.const_expr(l)?;
            plan = Plan::Limit {
                input: Box::new(plan),
                count,
            };
        }
        if let Some(w) = &p.where_ {
            self.no_aggregate(w)?;
            let mut where_scope = if aggregating || p.distinct {
                Scope::default()
            } else {
                scope.clone()
            };
            for (n, v) in &new_scope.vars {
                where_scope.bind(n, *v);
            }
            let pred = if aggregating || p.distinct {
                // Only the projected items are left; an expression that is one of them by
                // text (`a.name` after `WITH DISTINCT a.name AS name`) reads its slot.
                let mut ctx = AggContext::projected(&item_texts, &new_scope, Scope::default());
                self.agg_compile(w, &mut ctx)?
            } else {
                self.expr(w, &where_scope)?
            };
            types::check_predicate(w, &where_scope)?;
            plan = Plan::Filter {
                input: Box::new(plan),
                pred,
            };
        }
        if let Some(e) = unaliased {
            return Err(e);
        }
        Ok((plan, new_scope, names, col_slots))
    }

    /// SKIP/LIMIT values: no variables allowed.
    fn const_expr(&mut self, e: &Expr) -> Result<CExpr> {
        match self.expr(e, &Scope::default()) {
            Ok(c) => {
                if let CExpr::Const(Value::Int(i)) = &c {
                    if *i < 0 {
                        return Err(err(
                            detail::NEGATIVE_INTEGER_ARGUMENT,
                            "SKIP and LIMIT need a non-negative integer",
                            e.span,
                        ));
                    }
                }
                if let CExpr::Const(Value::Float(_)) = &c {
                    return Err(err(
                        detail::INVALID_ARGUMENT_TYPE,
                        "SKIP and LIMIT need an integer",
                        e.span,
                    ));
                }
                Ok(c)
            }
            Err(er) if er.detail == Some(detail::UNDEFINED_VARIABLE) => Err(err(
                detail::NON_CONSTANT_EXPRESSION,
                "SKIP and LIMIT cannot refer to variables",
                e.span,
            )),
            Err(er) => Err(er),
        }
    }

    fn kind_of(&self, e: &Expr, scope: &Scope) -> Kind {
        match &e.kind {
            ExprKind::Variable(v) => scope.get(v).map_or(Kind::Value(Ty::Any), |v| v.kind),
            _ => types::value_kind(types::type_of(e, scope)),
        }
    }

    // ----- writes --------------------------------------------------------------------------

    fn create(&mut self, input: Plan, c: &Create, scope: &mut Scope) -> Result<Plan> {
        self.writes = true;
        let mut nodes = Vec::new();
        let mut rels = Vec::new();
        // Named paths, built once their parts exist.
        let mut paths = Vec::new();
        for part in &c.pattern.parts {
            if part.kind != PathKind::Normal {
                return Err(
                    Error::new(ErrorKind::SyntaxError, "CREATE cannot use shortestPath")
                        .with_span(part.span),
                );
            }
            let el = &part.element;
            let mut slots = Vec::new();
            let mut rel_slots = Vec::new();
            let has_rels = !el.chain.is_empty();
            for n in el.nodes() {
                slots.push(self.create_node(n, scope, &mut nodes, has_rels)?);
            }
            for (i, (r, _)) in el.chain.iter().enumerate() {
                let (from, to) = match r.direction {
                    Direction::Outgoing => (slots[i], slots[i + 1]),
                    Direction::Incoming => (slots[i + 1], slots[i]),
                    Direction::Both => {
                        return Err(err(
                            detail::REQUIRES_DIRECTED_RELATIONSHIP,
                            "relationships created by CREATE must have a direction",
                            r.span,
                        ))
                    }
                };
                let cr = self.create_rel(r, from, to, scope)?;
                rel_slots.push(cr.slot);
                rels.push(cr);
            }
            if let Some(pv) = &part.variable {
                let slot = self.slot();
                self.bind_new(scope, pv, slot, Kind::Path)?;
                let rel_steps: Vec<PathStep> = rel_slots.into_iter().map(PathStep::Rel).collect();
                paths.push((slot, CExpr::BuildPath(path_steps(&slots, rel_steps))));
            }
        }
        let plan = Plan::Create {
            input: Box::new(input),
            nodes,
            rels,
        };
        Ok(if paths.is_empty() {
            plan
        } else {
            Plan::Projection {
                input: Box::new(plan),
                items: paths,
            }
        })
    }

    fn create_node(
        &mut self,
        n: &NodePattern,
        scope: &mut Scope,
        nodes: &mut Vec<CreateNode>,
        in_chain: bool,
    ) -> Result<Slot> {
        if let Some(v) = &n.variable {
            if let Some(var) = scope.get(&v.name) {
                if !n.labels.is_empty() || n.properties.is_some() || !in_chain {
                    return Err(already_bound(v));
                }
                if types::never_node(var.kind) {
                    return Err(err(
                        detail::VARIABLE_TYPE_CONFLICT,
                        format!("variable `{}` is not a node", v.name),
                        v.span,
                    ));
                }
                nodes.push(CreateNode {
                    slot: var.slot,
                    bound: true,
                    key_ref: None,
                    labels: vec![],
                    key: None,
                    props: None,
                });
                return Ok(var.slot);
            }
        }
        for g in &n.labels {
            if g.len() > 1 {
                return Err(Error::new(
                    ErrorKind::SyntaxError,
                    "CREATE cannot use a label disjunction",
                )
                .with_detail(detail::UNEXPECTED_SYNTAX)
                .with_span(n.span));
            }
        }
        let slot = self.slot();
        let key_ref = lone_key(n).map(|k| arc(&k.name));
        let key = match (&n.variable, &key_ref) {
            (Some(v), None) if is_key_name(&v.name) => Some(arc(&v.name)),
            _ => None,
        };
        Self::bind_node(scope, n, slot);
        let props = match &n.properties {
            Some(p) => Some(self.expr(p, scope)?),
            None => None,
        };
        nodes.push(CreateNode {
            slot,
            bound: false,
            key_ref,
            labels: n.labels.iter().flatten().map(|l| arc(&l.name)).collect(),
            key,
            props,
        });
        Ok(slot)
    }

    fn create_rel(
        &mut self,
        r: &RelPattern,
        from: Slot,
        to: Slot,
        scope: &mut Scope,
    ) -> Result<CreateRel> {
        // A bound relationship cannot be created again, whatever its pattern says.
        if let Some(v) = r.variable.as_ref().filter(|v| scope.get(&v.name).is_some()) {
            return Err(already_bound(v));
        }
        check_creatable(
            r,
            "variable-length relationships cannot be created",
            "a created relationship needs exactly one type",
        )?;
        let slot = self.slot();
        if let Some(v) = &r.variable {
            self.bind_new(scope, v, slot, Kind::Rel)?;
        }
        let props = match &r.properties {
            Some(p) => Some(self.expr(p, scope)?),
            None => None,
        };
        Ok(CreateRel {
            slot,
            from,
            to,
            ty: arc(&r.types[0].name),
            props,
        })
    }

    fn merge(&mut self, input: Plan, m: &Merge, scope: &mut Scope) -> Result<Plan> {
        self.writes = true;
        let before = scope.clone();
        let part = &m.part;
        let el = &part.element;
        // Check the pattern's rules for creation first.
        for n in el.nodes() {
            if let Some(v) = &n.variable {
                let redefined = !n.labels.is_empty() || n.properties.is_some();
                if before.get(&v.name).is_some() && (redefined || el.chain.is_empty()) {
                    return Err(already_bound(v));
                }
            }
        }
        for (r, _) in &el.chain {
            if let Some(v) = &r.variable {
                if before.get(&v.name).is_some() {
                    return Err(already_bound(v));
                }
            }
            check_creatable(
                r,
                "MERGE cannot use variable-length relationships",
                "a merged relationship needs exactly one type",
            )?;
        }
        // The matching half.
        let mut match_scope = before.clone();
        let single = Pattern {
            parts: vec![part.clone()],
            span: part.span,
        };
        let matcher = self.pattern(Plan::Argument, &single, &mut match_scope)?;
        // The creating half reuses the matcher's slots so both bind the same variables.
        let mut nodes = Vec::new();
        let mut rels = Vec::new();
        let mut create_scope = before.clone();
        let mut slots = Vec::new();
        for n in el.nodes() {
            let bound = n.variable.as_ref().and_then(|v| create_scope.get(&v.name));
            match bound {
                Some(var) => {
                    nodes.push(CreateNode {
                        slot: var.slot,
                        bound: true,
                        key_ref: None,
                        labels: vec![],
                        key: None,
                        props: None,
                    });
                    slots.push(var.slot);
                }
                None => {
                    let slot = n
                        .variable
                        .as_ref()
                        .and_then(|v| match_scope.get(&v.name))
                        .map_or_else(|| self.slot(), |v| v.slot);
                    if let Some(v) = &n.variable {
                        create_scope.bind(
                            &v.name,
                            Var {
                                slot,
                                kind: Kind::Node,
                            },
                        );
                    }
                    let key = n
                        .variable
                        .as_ref()
                        .filter(|v| is_key_name(&v.name))
                        .map(|v| arc(&v.name));
                    let props = match &n.properties {
                        Some(p) => Some(self.expr(p, &create_scope)?),
                        None => None,
                    };
                    nodes.push(CreateNode {
                        slot,
                        bound: false,
                        key_ref: None,
                        labels: n.labels.iter().flatten().map(|l| arc(&l.name)).collect(),
                        key,
                        props,
                    });
                    slots.push(slot);
                }
            }
        }
        for (i, (r, _)) in el.chain.iter().enumerate() {
            let (from, to) = match r.direction {
                Direction::Incoming => (slots[i + 1], slots[i]),
                _ => (slots[i], slots[i + 1]),
            };
            let slot = r
                .variable
                .as_ref()
                .and_then(|v| match_scope.get(&v.name))
                .map_or_else(|| self.slot(), |v| v.slot);
            let props = match &r.properties {
                Some(p) => Some(self.expr(p, &create_scope)?),
                None => None,
            };
            rels.push(CreateRel {
                slot,
                from,
                to,
                ty: arc(&r.types[0].name),
                props,
            });
        }
        let binds: Vec<Slot> = match_scope
            .vars
            .iter()
            .filter(|(n, _)| before.get(n).is_none())
            .map(|(_, v)| v.slot)
            .collect();
        *scope = match_scope;
        let mut plan_input = input;
        let mut post_path = None;
        if let Some(pv) = &part.variable {
            // The matcher bound the path; build it for created rows too.
            let var = scope
                .get(&pv.name)
                .ok_or_else(|| Error::internal("merge path"))?;
            let rel_steps = rels.iter().map(|r| PathStep::Rel(r.slot)).collect();
            post_path = Some((var.slot, CExpr::BuildPath(path_steps(&slots, rel_steps))));
        }
        let on_match = self.set_items(&m.on_match, scope)?;
        let on_create = self.set_items(&m.on_create, scope)?;
        plan_input = Plan::Merge {
            input: Box::new(plan_input),
            matcher: Box::new(matcher),
            nodes,
            rels,
            on_match,
            on_create,
            binds,
        };
        if let Some((slot, e)) = post_path {
            plan_input = Plan::Projection {
                input: Box::new(plan_input),
                items: vec![(slot, e)],
            };
        }
        Ok(plan_input)
    }

    fn var_slot(&self, id: &Ident, scope: &Scope) -> Result<Slot> {
        scope.get(&id.name).map(|v| v.slot).ok_or_else(|| {
            err(
                detail::UNDEFINED_VARIABLE,
                format!("variable `{}` is not defined", id.name),
                id.span,
            )
        })
    }

    fn set_items(&mut self, items: &[SetItem], scope: &Scope) -> Result<Vec<SetOp>> {
        let mut ops = Vec::new();
        for it in items {
            ops.push(match it {
                SetItem::Property {
                    target, key, value, ..
                } => {
                    self.no_aggregate(value)?;
                    SetOp::Prop(
                        self.expr(target, scope)?,
                        arc(&key.name),
                        self.expr(value, scope)?,
                    )
                }
                SetItem::Replace {
                    variable, value, ..
                } => {
                    self.no_aggregate(value)?;
                    SetOp::Replace(self.var_slot(variable, scope)?, self.expr(value, scope)?)
                }
                SetItem::Merge {
                    variable, value, ..
                } => {
                    self.no_aggregate(value)?;
                    SetOp::Merge(self.var_slot(variable, scope)?, self.expr(value, scope)?)
                }
                SetItem::Labels {
                    variable, labels, ..
                } => SetOp::Labels(
                    self.var_slot(variable, scope)?,
                    labels.iter().map(|l| arc(&l.name)).collect(),
                ),
            });
        }
        Ok(ops)
    }

    fn remove_items(&mut self, items: &[RemoveItem], scope: &Scope) -> Result<Vec<SetOp>> {
        let mut ops = Vec::new();
        for it in items {
            ops.push(match it {
                RemoveItem::Property { target, key, .. } => {
                    SetOp::RemoveProp(self.expr(target, scope)?, arc(&key.name))
                }
                RemoveItem::Labels {
                    variable, labels, ..
                } => SetOp::RemoveLabels(
                    self.var_slot(variable, scope)?,
                    labels.iter().map(|l| arc(&l.name)).collect(),
                ),
            });
        }
        Ok(ops)
    }

    fn foreach(&mut self, input: Plan, f: &Foreach, scope: &Scope) -> Result<Plan> {
        self.writes = true;
        let list = self.expr(&f.list, scope)?;
        let slot = self.slot();
        let mut inner = scope.clone();
        self.bind_new(&mut inner, &f.variable, slot, Kind::Value(Ty::Any))?;
        let mut body = Plan::Argument;
        for c in &f.clauses {
            body = match c {
                Clause::Create(c) => self.create(body, c, &mut inner)?,
                Clause::Merge(m) => self.merge(body, m, &mut inner)?,
                Clause::Set(s) => Plan::SetProperty {
                    input: Box::new(body),
                    ops: self.set_items(&s.items, &inner)?,
                },
                Clause::Remove(r) => Plan::SetProperty {
                    input: Box::new(body),
                    ops: self.remove_items(&r.items, &inner)?,
                },
                Clause::Delete(d) => {
                    let mut exprs = Vec::new();
                    for e in &d.exprs {
                        exprs.push(self.expr(e, &inner)?);
                    }
                    Plan::Delete {
                        input: Box::new(body),
                        exprs,
                        detach: d.detach,
                    }
                }
                Clause::Foreach(f2) => self.foreach(body, f2, &inner)?,
                other => {
                    return Err(err(
                        detail::INVALID_CLAUSE_COMPOSITION,
                        "FOREACH can only contain updating clauses",
                        other.span(),
                    ))
                }
            };
        }
        Ok(Plan::Foreach {
            input: Box::new(input),
            slot,
            list,
            body: Box::new(body),
        })
    }

    fn call(
        &mut self,
        input: Plan,
        c: &Call,
        scope: &mut Scope,
        standalone: bool,
    ) -> Result<(Plan, Vec<(String, Slot)>)> {
        let name: String = c
            .procedure
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let (inputs, outputs) = self.catalog.procedure_outputs(&name).ok_or_else(|| {
            Error::new(
                ErrorKind::ProcedureError,
                format!("there is no procedure `{name}`"),
            )
            .with_detail(detail::UNKNOWN_PROCEDURE)
            .with_span(c.span)
        })?;
        let args = match &c.args {
            Some(a) => {
                if a.len() != inputs {
                    return Err(err(
                        "InvalidNumberOfArguments",
                        format!(
                            "procedure `{name}` takes {inputs} arguments, not {}",
                            a.len()
                        ),
                        c.span,
                    ));
                }
                let mut out = Vec::new();
                for e in a {
                    self.no_aggregate(e)?;
                    out.push(self.expr(e, scope)?);
                }
                out
            }
            None => {
                if !standalone {
                    return Err(err(
                        detail::INVALID_ARGUMENT_TYPE,
                        "procedure arguments can only be implicit in a standalone CALL",
                        c.span,
                    ));
                }
                // Implicit arguments: parameters with the input names.
                Vec::new()
            }
        };
        let mut yields = Vec::new();
        let mut columns = Vec::new();
        match &c.yields {
            Some(items) if !c.yield_star => {
                for y in items {
                    if !outputs.contains(&y.field.name) {
                        return Err(err(
                            detail::UNDEFINED_VARIABLE,
                            format!("procedure `{name}` has no output `{}`", y.field.name),
                            y.field.span,
                        ));
                    }
                    let slot = self.slot();
                    let var = y.alias.as_ref().unwrap_or(&y.field);
                    self.bind_new(scope, var, slot, Kind::Value(Ty::Any))?;
                    yields.push((arc(&y.field.name), slot));
                    columns.push((var.name.clone(), slot));
                }
            }
            _ => {
                if !standalone && !outputs.is_empty() {
                    return Err(err(
                        detail::UNDEFINED_VARIABLE,
                        "CALL inside a query needs YIELD",
                        c.span,
                    ));
                }
                for o in &outputs {
                    let slot = self.slot();
                    scope.bind(
                        o,
                        Var {
                            slot,
                            kind: Kind::Value(Ty::Any),
                        },
                    );
                    yields.push((arc(o), slot));
                    columns.push((o.clone(), slot));
                }
            }
        }
        let mut plan = Plan::ProcedureCall {
            input: Box::new(input),
            name: arc(&name),
            args,
            yields,
        };
        if let Some(w) = &c.where_ {
            let pred = self.expr(w, scope)?;
            plan = Plan::Filter {
                input: Box::new(plan),
                pred,
            };
        }
        Ok((plan, columns))
    }

    // ----- expressions ---------------------------------------------------------------------

    /// Compiles an expression. Inside an aggregating projection (`self.agg` set), grouping
    /// keys and aggregate calls are resolved first, before the expression's own structure.
    fn expr(&mut self, e: &Expr, scope: &Scope) -> Result<CExpr> {
        if let Some(mut ctx) = self.agg.take() {
            let leaf = self.agg_leaf(e, &mut ctx, scope);
            self.agg = Some(ctx);
            if let Some(c) = leaf? {
                return Ok(c);
            }
        }
        self.expr_node(e, scope)
    }

    /// In an aggregating projection: a grouping key or an aggregate call becomes a slot, and
    /// a part without aggregates may only use grouping keys. `None`: compile `e`'s structure
    /// (it contains aggregates deeper down). `scope` is the keys' scope, with the variables
    /// of the comprehensions `e` sits in.
    fn agg_leaf(&mut self, e: &Expr, ctx: &mut AggContext, scope: &Scope) -> Result<Option<CExpr>> {
        let text = self.norm(e.span);
        if let Some((_, var)) = ctx.keys.iter().find(|(t, _)| *t == text) {
            return Ok(Some(CExpr::Slot(var.slot)));
        }
        if is_agg_node(e) {
            let (def, distinct, args) = match &e.kind {
                ExprKind::FunctionCall {
                    name,
                    distinct,
                    args,
                } => {
                    let def = functions::lookup(name)
                        .ok_or_else(|| Error::internal("aggregate lookup"))?;
                    check_arity(def, args.len(), e.span)?;
                    (Some(def), *distinct, args.as_slice())
                }
                _ => (None, false, &[][..]),
            };
            let mut cargs = Vec::with_capacity(args.len());
            for a in args {
                if let Some(span) = find_rand(a) {
                    return Err(err(
                        detail::NON_CONSTANT_EXPRESSION,
                        "an aggregate's argument cannot call rand()",
                        span,
                    ));
                }
                cargs.push(self.expr(a, &ctx.input_scope)?);
            }
            let slot = self.slot();
            ctx.aggs.push((
                slot,
                AggCall {
                    name: def.map_or("count(*)", |d| d.name),
                    def,
                    distinct,
                    args: cargs,
                },
            ));
            return Ok(Some(CExpr::Slot(slot)));
        }
        if ctx.complex.contains(&text) {
            return Err(err(
                detail::AMBIGUOUS_AGGREGATION,
                "beside an aggregate, a grouping key may be used only when it is a variable or a property read",
                e.span,
            ));
        }
        if find_aggregate(e).is_some() {
            return Ok(None);
        }
        // A part without aggregates: compiled in the keys' scope, and each of its parts that
        // is a grouping key by text (`a.name` in `a.name = 'x'`) read from the key's slot.
        let (compiled, back) = self.with_agg(Some(std::mem::take(ctx)), |p| p.expr_node(e, scope));
        *ctx = back.unwrap_or_default();
        match compiled {
            Err(er)
                if er.detail == Some(detail::UNDEFINED_VARIABLE)
                    && !ctx.order_by
                    && self.expr(e, &ctx.input_scope).is_ok() =>
            {
                Err(err(
                    detail::AMBIGUOUS_AGGREGATION,
                    "an expression next to an aggregate may only use grouping keys",
                    e.span,
                ))
            }
            r => r.map(Some),
        }
    }

    /// Compiles `e` of an aggregating projection in `ctx`; the aggregates it calls are added
    /// to `ctx.aggs`.
    fn agg_compile(&mut self, e: &Expr, ctx: &mut AggContext) -> Result<CExpr> {
        let key_scope = ctx.key_scope.clone();
        let (r, back) = self.with_agg(Some(std::mem::take(ctx)), |p| p.expr(e, &key_scope));
        *ctx = back.unwrap_or_default();
        r
    }

    /// Runs `f` with `agg` as the aggregation context, then puts the outer one back; returns
    /// what `f` returned and the context as `f` left it.
    fn with_agg<T>(
        &mut self,
        agg: Option<AggContext>,
        f: impl FnOnce(&mut Self) -> T,
    ) -> (T, Option<AggContext>) {
        let outer = std::mem::replace(&mut self.agg, agg);
        let r = f(self);
        (r, std::mem::replace(&mut self.agg, outer))
    }

    /// A sub-expression evaluated once per element (the bodies of comprehensions,
    /// quantifiers and reduce): it cannot aggregate and sees no grouping context.
    fn body_expr(&mut self, e: &Expr, scope: &Scope) -> Result<CExpr> {
        if let Some(span) = find_aggregate(e) {
            return Err(err(
                detail::INVALID_AGGREGATION,
                "aggregate functions cannot be used inside a comprehension, quantifier or reduce",
                span,
            ));
        }
        // Inside an aggregating projection the body still reads grouping keys by text
        // (`a.x` in `[y IN l WHERE y > a.x]`), but not those its own variables hide.
        let inner = self.agg.as_ref().map(|ctx| ctx.within(scope));
        self.with_agg(inner, |p| p.expr(e, scope)).0
    }

    /// A fresh slot for a comprehension or quantifier variable, and the scope with it bound.
    /// The element's type is that of the items of `list` when they all have one.
    fn bind_element(&mut self, scope: &Scope, variable: &Ident, list: &Expr) -> (Slot, Scope) {
        let slot = self.slot();
        let mut inner = scope.clone();
        inner.bind(
            &variable.name,
            Var {
                slot,
                kind: types::value_kind(types::element_type(list, scope)),
            },
        );
        (slot, inner)
    }

    fn opt_expr(&mut self, e: Option<&Expr>, scope: &Scope) -> Result<Option<Box<CExpr>>> {
        e.map(|e| self.expr(e, scope).map(Box::new)).transpose()
    }

    fn opt_body(&mut self, e: Option<&Expr>, scope: &Scope) -> Result<Option<Box<CExpr>>> {
        e.map(|e| self.body_expr(e, scope).map(Box::new))
            .transpose()
    }

    fn expr_node(&mut self, e: &Expr, scope: &Scope) -> Result<CExpr> {
        Ok(match &e.kind {
            ExprKind::Literal(l) => CExpr::Const(literal(l)),
            ExprKind::Parameter(p) => self.param(p, e.span),
            ExprKind::Variable(v) => match scope.get(v) {
                Some(var) => CExpr::Slot(var.slot),
                None => {
                    return Err(err(
                        detail::UNDEFINED_VARIABLE,
                        format!("variable `{v}` is not defined"),
                        e.span,
                    ))
                }
            },
            ExprKind::Property(base, key) => {
                let b = self.expr(base, scope)?;
                let base_type = types::check_property(base, &key.name, scope)?;
                let prop = CExpr::Prop(Box::new(b), self.store_name(&key.name));
                // A read that may meet a value without properties fails at run time: its
                // error points at it (decision 0033). Reads of nodes, relationships and
                // maps stay bare, as the operators that read properties directly expect.
                match base_type {
                    Ty::Node | Ty::Rel | Ty::Map => prop,
                    _ => CExpr::At(Box::new(prop), e.span),
                }
            }
            ExprKind::Index(b, i) => CExpr::At(
                Box::new(CExpr::Index(
                    Box::new(self.expr(b, scope)?),
                    Box::new(self.expr(i, scope)?),
                )),
                e.span,
            ),
            ExprKind::Slice(b, f, t) => CExpr::Slice(
                Box::new(self.expr(b, scope)?),
                self.opt_expr(f.as_deref(), scope)?,
                self.opt_expr(t.as_deref(), scope)?,
            ),
            ExprKind::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.expr(i, scope)?);
                }
                fold_list(out)
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    out.push((arc(&k.name), self.expr(v, scope)?));
                }
                CExpr::Map(out)
            }
            ExprKind::Unary(op, x) => {
                let c = self.expr(x, scope)?;
                match op {
                    UnaryOp::Not => {
                        check_bool_operand(&c, x.span)?;
                        types::check_predicate(x, scope)?;
                        CExpr::Not(Box::new(c))
                    }
                    UnaryOp::Minus => match c {
                        CExpr::Const(Value::Int(i)) if i != i64::MIN => {
                            CExpr::Const(Value::Int(-i))
                        }
                        CExpr::Const(Value::Float(f)) => CExpr::Const(Value::Float(-f)),
                        c => CExpr::Neg(Box::new(c)),
                    },
                    UnaryOp::Plus => CExpr::Pos(Box::new(c)),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let (ca, cb) = (self.expr(a, scope)?, self.expr(b, scope)?);
                types::check_binary(*op, a, b, scope)?;
                if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
                    types::check_predicate(a, scope)?;
                    types::check_predicate(b, scope)?;
                    check_bool_operand(&ca, a.span)?;
                    check_bool_operand(&cb, b.span)?;
                }
                let bin = CExpr::Bin(*op, Box::new(ca), Box::new(cb));
                match op {
                    BinaryOp::Add
                    | BinaryOp::Sub
                    | BinaryOp::Mul
                    | BinaryOp::Div
                    | BinaryOp::Mod
                    | BinaryOp::Pow
                    | BinaryOp::Regex => CExpr::At(Box::new(bin), e.span),
                    _ => bin,
                }
            }
            ExprKind::IsNull(x, neg) => CExpr::IsNull(Box::new(self.expr(x, scope)?), *neg),
            ExprKind::HasLabels(x, labels) => CExpr::HasLabels(
                Box::new(self.expr(x, scope)?),
                labels.iter().map(|l| self.store_name(&l.name)).collect(),
            ),
            ExprKind::FunctionCall {
                name,
                distinct,
                args,
            } => self.function(name, *distinct, args, e.span, scope)?,
            ExprKind::CountStar => {
                return Err(err(
                    detail::INVALID_AGGREGATION,
                    "count(*) can only be used in WITH and RETURN",
                    e.span,
                ))
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                let operand = self.opt_expr(operand.as_deref(), scope)?;
                let mut ws = Vec::new();
                for (w, t) in whens {
                    ws.push((self.expr(w, scope)?, self.expr(t, scope)?));
                }
                let else_ = self.opt_expr(else_.as_deref(), scope)?;
                CExpr::Case {
                    operand,
                    whens: ws,
                    else_,
                }
            }
            ExprKind::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                let compiled = Box::new(self.expr(list, scope)?);
                let (slot, inner) = self.bind_element(scope, variable, list);
                let filter = self.opt_body(filter.as_deref(), &inner)?;
                let map = self.opt_body(map.as_deref(), &inner)?;
                CExpr::ListComp {
                    slot,
                    list: compiled,
                    filter,
                    map,
                }
            }
            ExprKind::Quantified {
                quantifier,
                variable,
                list,
                filter,
            } => {
                let compiled = Box::new(self.expr(list, scope)?);
                let (slot, inner) = self.bind_element(scope, variable, list);
                let filter = match filter {
                    Some(f) => Box::new(self.body_expr(f, &inner)?),
                    None => Box::new(CExpr::Const(Value::Bool(true))),
                };
                CExpr::Quantified {
                    quantifier: *quantifier,
                    slot,
                    list: compiled,
                    filter,
                }
            }
            ExprKind::Reduce {
                accumulator,
                init,
                variable,
                list,
                expr,
            } => {
                let init = Box::new(self.expr(init, scope)?);
                let list = Box::new(self.expr(list, scope)?);
                let acc = self.slot();
                let slot = self.slot();
                let mut inner = scope.clone();
                inner.bind(
                    &accumulator.name,
                    Var {
                        slot: acc,
                        kind: Kind::Value(Ty::Any),
                    },
                );
                inner.bind(
                    &variable.name,
                    Var {
                        slot,
                        kind: Kind::Value(Ty::Any),
                    },
                );
                let expr = Box::new(self.body_expr(expr, &inner)?);
                CExpr::Reduce {
                    acc,
                    init,
                    slot,
                    list,
                    expr,
                }
            }
            ExprKind::PatternPredicate(el) => {
                // New variables may not be introduced by a pattern used as an expression.
                for v in pattern_vars(el) {
                    if scope.get(&v.name).is_none() {
                        return Err(err(
                            detail::UNDEFINED_VARIABLE,
                            format!("variable `{}` is not defined", v.name),
                            v.span,
                        ));
                    }
                }
                let mut inner = scope.clone();
                let pattern = single_element(None, el);
                let plan = self.pattern(Plan::Argument, &pattern, &mut inner)?;
                CExpr::Exists(Box::new(plan))
            }
            ExprKind::PatternComprehension {
                variable,
                pattern,
                filter,
                map,
            } => {
                let mut inner = scope.clone();
                let pat = single_element(variable.clone(), pattern);
                let mut plan = self.pattern(Plan::Argument, &pat, &mut inner)?;
                if let Some(f) = filter {
                    let pred = self.body_expr(f, &inner)?;
                    plan = Plan::Filter {
                        input: Box::new(plan),
                        pred,
                    };
                }
                let m = self.body_expr(map, &inner)?;
                CExpr::CollectRows(Box::new(plan), Box::new(m))
            }
            ExprKind::Exists(sub) => CExpr::Exists(Box::new(self.subquery(sub, scope)?.0)),
            ExprKind::CountSubquery(sub) => {
                CExpr::CountRows(Box::new(self.subquery(sub, scope)?.0))
            }
            ExprKind::CollectSubquery(sub) => {
                let (plan, cols) = self.subquery(sub, scope)?;
                if cols.len() != 1 {
                    return Err(err(
                        detail::INVALID_CLAUSE_COMPOSITION,
                        "COLLECT { } must return exactly one column",
                        e.span,
                    ));
                }
                CExpr::CollectRows(Box::new(plan), Box::new(CExpr::Slot(cols[0])))
            }
            ExprKind::MapProjection(base, items) => {
                let b = self.expr(base, scope)?;
                let mut ops = Vec::new();
                for it in items {
                    ops.push(match it {
                        MapProjectionItem::Property(k) => MapProjectionOp::Property(arc(&k.name)),
                        MapProjectionItem::AllProperties => MapProjectionOp::All,
                        MapProjectionItem::Literal(k, v) => {
                            MapProjectionOp::Entry(arc(&k.name), self.expr(v, scope)?)
                        }
                        MapProjectionItem::Variable(v) => {
                            let c = self.expr(
                                &Expr::new(ExprKind::Variable(v.name.clone()), v.span),
                                scope,
                            )?;
                            MapProjectionOp::Entry(arc(&v.name), c)
                        }
                    });
                }
                CExpr::MapProjection(Box::new(b), ops)
            }
        })
    }

    /// A subquery expression: its plan (rows extend the outer row) and its column slots.
    /// It sees the outer variables of `scope`, not the grouping of an aggregating
    /// projection it sits in: its own variables are its own.
    fn subquery(&mut self, sub: &SubqueryExpr, scope: &Scope) -> Result<(Plan, Vec<Slot>)> {
        self.with_agg(None, |p| p.subquery_plan(sub, scope)).0
    }

    fn subquery_plan(&mut self, sub: &SubqueryExpr, scope: &Scope) -> Result<(Plan, Vec<Slot>)> {
        match sub {
            SubqueryExpr::Pattern { pattern, where_ } => {
                let mut inner = scope.clone();
                let mut plan = self.pattern(Plan::Argument, pattern, &mut inner)?;
                if let Some(w) = where_ {
                    let pred = self.expr(w, &inner)?;
                    plan = Plan::Filter {
                        input: Box::new(plan),
                        pred,
                    };
                }
                Ok((plan, vec![]))
            }
            SubqueryExpr::Query(q) => {
                if !q.unions.is_empty() {
                    return Err(Error::new(
                        ErrorKind::SyntaxError,
                        "UNION inside a subquery expression is not supported yet",
                    )
                    .with_span(q.span));
                }
                self.open_ended += 1;
                let outer_writes = std::mem::take(&mut self.writes);
                let r = self.single(&q.first, Plan::Argument, scope.clone());
                let writes = std::mem::replace(&mut self.writes, outer_writes);
                self.open_ended -= 1;
                let (plan, _, slots, _) = r?;
                // EXISTS, COUNT and COLLECT ask about the graph; they may not change it.
                if writes {
                    return Err(err(
                        detail::INVALID_CLAUSE_COMPOSITION,
                        "a subquery expression cannot write to the graph",
                        q.span,
                    ));
                }
                Ok((plan, slots))
            }
        }
    }

    fn function(
        &mut self,
        name: &str,
        distinct: bool,
        args: &[Expr],
        span: Span,
        scope: &Scope,
    ) -> Result<CExpr> {
        let lower = name.to_ascii_lowercase();
        if lower == "exists" && args.len() == 1 {
            // exists(n.prop): the property is not null; exists((a)-->()): pattern predicate.
            return match &args[0].kind {
                ExprKind::Property(..) => {
                    Ok(CExpr::IsNull(Box::new(self.expr(&args[0], scope)?), true))
                }
                ExprKind::PatternPredicate(_) => self.expr(&args[0], scope),
                _ => Err(err(
                    detail::INVALID_ARGUMENT_TYPE,
                    "exists() takes a property or a pattern",
                    args[0].span,
                )),
            };
        }
        let def = functions::lookup(name).ok_or_else(|| {
            err(
                detail::UNKNOWN_FUNCTION,
                format!("unknown function `{name}`"),
                span,
            )
        })?;
        check_arity(def, args.len(), span)?;
        match def.kind {
            FunctionKind::Aggregate(_) => Err(err(
                detail::INVALID_AGGREGATION,
                format!("aggregate function `{name}` can only be used in WITH and RETURN"),
                span,
            )),
            FunctionKind::Scalar(f) => {
                if distinct {
                    return Err(err(
                        detail::INVALID_AGGREGATION,
                        format!("DISTINCT can only be used with aggregate functions, not `{name}`"),
                        span,
                    ));
                }
                let mut cargs = Vec::new();
                for a in args {
                    cargs.push(self.expr(a, scope)?);
                }
                types::check_argument(&lower, args, scope)?;
                // Fold calls on constants (not for volatile functions).
                if !def.volatile && cargs.iter().all(|c| matches!(c, CExpr::Const(_))) {
                    let vals: Vec<Value> = cargs
                        .iter()
                        .filter_map(|c| match c {
                            CExpr::Const(v) => Some(v.clone()),
                            _ => None,
                        })
                        .collect();
                    if !vals.iter().any(|v| {
                        matches!(v, Value::Node(_) | Value::Relationship(_) | Value::Path(_))
                    }) {
                        if let Ok(v) = f(&functions::NoEntities, &vals) {
                            return Ok(CExpr::Const(v));
                        }
                    }
                }
                Ok(CExpr::At(Box::new(CExpr::Call(def.name, f, cargs)), span))
            }
        }
    }
}

fn is_aggregate(name: &str) -> bool {
    matches!(
        functions::lookup(name).map(|d| d.kind),
        Some(FunctionKind::Aggregate(_))
    )
}

fn is_agg_node(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::CountStar => true,
        ExprKind::FunctionCall { name, .. } => is_aggregate(name),
        _ => false,
    }
}

/// The span of the first aggregate call in `e` (not looking into subqueries).
pub fn find_aggregate(e: &Expr) -> Option<Span> {
    find_first(e, &is_agg_node)
}

/// The span of the first sub-expression of `e` (itself included, subqueries not) that is
/// `wanted`.
fn find_first(e: &Expr, wanted: &dyn Fn(&Expr) -> bool) -> Option<Span> {
    if wanted(e) {
        return Some(e.span);
    }
    let mut found = None;
    for_each_child(e, &mut |c| {
        if found.is_none() {
            found = find_first(c, wanted);
        }
    });
    found
}

/// The span of the first call of `rand()` in `e`: openCypher refuses it inside an
/// aggregate's argument.
fn find_rand(e: &Expr) -> Option<Span> {
    find_first(
        e,
        &|e| matches!(&e.kind, ExprKind::FunctionCall { name, .. } if name.eq_ignore_ascii_case("rand")),
    )
}

fn check_nested_aggregate(e: &Expr, inside: bool) -> Result<()> {
    let agg = is_agg_node(e);
    if agg && inside {
        return Err(err(
            detail::NESTED_AGGREGATION,
            "aggregate functions cannot be nested",
            e.span,
        ));
    }
    let mut res = Ok(());
    for_each_child(e, &mut |c| {
        if res.is_ok() {
            res = check_nested_aggregate(c, inside || agg);
        }
    });
    res
}

/// Calls `f` on each direct sub-expression (not inside patterns or subqueries).
pub(super) fn for_each_child(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::Parameter(_)
        | ExprKind::Variable(_)
        | ExprKind::CountStar => {}
        ExprKind::Property(b, _) => f(b),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        ExprKind::Slice(a, b, c) => {
            f(a);
            if let Some(b) = b {
                f(b);
            }
            if let Some(c) = c {
                f(c);
            }
        }
        ExprKind::List(items) => items.iter().for_each(f),
        ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| f(v)),
        ExprKind::Unary(_, x) | ExprKind::IsNull(x, _) | ExprKind::HasLabels(x, _) => f(x),
        ExprKind::FunctionCall { args, .. } => args.iter().for_each(f),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            if let Some(o) = operand {
                f(o);
            }
            for (w, t) in whens {
                f(w);
                f(t);
            }
            if let Some(x) = else_ {
                f(x);
            }
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            f(list);
            if let Some(x) = filter {
                f(x);
            }
            if let Some(x) = map {
                f(x);
            }
        }
        ExprKind::Quantified { list, filter, .. } => {
            f(list);
            if let Some(x) = filter {
                f(x);
            }
        }
        ExprKind::Reduce {
            init, list, expr, ..
        } => {
            f(init);
            f(list);
            f(expr);
        }
        ExprKind::PatternComprehension { filter, map, .. } => {
            if let Some(x) = filter {
                f(x);
            }
            f(map);
        }
        ExprKind::MapProjection(b, items) => {
            f(b);
            for it in items {
                if let MapProjectionItem::Literal(_, v) = it {
                    f(v);
                }
            }
        }
        ExprKind::PatternPredicate(_)
        | ExprKind::Exists(_)
        | ExprKind::CountSubquery(_)
        | ExprKind::CollectSubquery(_) => {}
    }
}

fn pattern_vars(el: &PatternElement) -> Vec<&Ident> {
    let mut out = Vec::new();
    out.extend(el.start.variable.as_ref());
    for (r, n) in &el.chain {
        out.extend(r.variable.as_ref());
        out.extend(n.variable.as_ref());
    }
    out
}

fn check_arity(def: &functions::FunctionDef, n: usize, span: Span) -> Result<()> {
    if n < def.min_args || def.max_args.is_some_and(|m| n > m) {
        return Err(err(
            "InvalidNumberOfArguments",
            format!("wrong number of arguments for `{}`: {n}", def.name),
            span,
        ));
    }
    Ok(())
}

fn literal(l: &Literal) -> Value {
    match l {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Integer(i) => Value::Int(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::String(s) => Value::String(s.as_str().into()),
    }
}

fn fold_list(items: Vec<CExpr>) -> CExpr {
    if items.iter().all(|c| matches!(c, CExpr::Const(_))) {
        CExpr::Const(Value::List(
            items
                .into_iter()
                .filter_map(|c| match c {
                    CExpr::Const(v) => Some(v),
                    _ => None,
                })
                .collect(),
        ))
    } else {
        CExpr::List(items)
    }
}

// Internal scalar helpers used by plans.

fn is_node_or_null(_: &dyn functions::EntityView, args: &[Value]) -> Result<Value> {
    match args.first() {
        Some(Value::Node(_)) => Ok(Value::Bool(true)),
        Some(Value::Null) | None => Ok(Value::Bool(false)),
        Some(other) => Err(Error::runtime(
            ErrorKind::TypeError,
            detail::INVALID_ARGUMENT_TYPE,
            format!("expected a node, got {}", other.type_name()),
        )),
    }
}

/// A logical operator's operand that can be seen not to be a boolean before running.
fn check_bool_operand(c: &CExpr, span: Span) -> Result<()> {
    let bad = match c {
        CExpr::Const(v) => !matches!(v, Value::Bool(_) | Value::Null),
        CExpr::List(_) | CExpr::Map(_) | CExpr::ListComp { .. } | CExpr::MapProjection(..) => true,
        _ => false,
    };
    if bad {
        return Err(err(
            detail::INVALID_ARGUMENT_TYPE,
            "a logical operator needs BOOLEAN operands",
            span,
        ));
    }
    Ok(())
}

/// The steps of a path: nodes interleaved with the relationship steps between them.
fn path_steps(nodes: &[Slot], rels: Vec<PathStep>) -> Vec<PathStep> {
    let mut steps = Vec::with_capacity(nodes.len() + rels.len());
    let mut rels = rels.into_iter();
    for n in nodes {
        steps.push(PathStep::Node(*n));
        steps.extend(rels.next());
    }
    steps
}

/// Whether a relationship written with types `a` and one written with types `b` (none: any
/// type) may be the same relationship.
fn may_share_a_type(a: &[Arc<str>], b: &[Arc<str>]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|t| b.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoCatalog;
    impl Catalog for NoCatalog {
        fn label_count(&self, _: &str) -> usize {
            0
        }
        fn node_count(&self) -> usize {
            0
        }
        fn procedure_outputs(&self, _: &str) -> Option<(usize, Vec<String>)> {
            None
        }
    }

    /// A key's variable is found past dots inside backquotes, so the comprehension variable
    /// `` `a.b` `` hides the key `` `a.b`.x ``, not a key of `a`.
    #[test]
    fn a_keys_variable_is_read_up_to_its_first_unquoted_dot() {
        for (text, root) in [
            ("a.x", "a"),
            ("n", "n"),
            ("`a.b`.x", "`a.b`"),
            ("a.b.c", "a"),
        ] {
            assert_eq!(root_variable(text), root, "{text}");
        }
    }

    /// Each parameter is numbered once, and its expressions share the plan's name, which
    /// is what lets a run read it by number.
    #[test]
    fn parameters_are_numbered_and_share_the_plan_name() {
        let mut planner = Planner::new("", &NoCatalog);
        let refs: Vec<CExpr> = ["p", "q", "p"]
            .iter()
            .map(|n| planner.param(n, Span::default()))
            .collect();
        assert_eq!(planner.params.len(), 2);
        for (e, expected) in refs.iter().zip([0, 1, 0]) {
            let CExpr::Param(i, name) = e else {
                panic!("not a parameter");
            };
            assert_eq!(*i, expected);
            assert!(Arc::ptr_eq(name, &planner.params[expected]));
        }
    }
}
