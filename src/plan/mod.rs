//! Plans: trees of operators over rows of slots.
//!
//! The planner (`planner.rs`) resolves every variable to a slot number, compiles expressions
//! into [`CExpr`] and chooses where each pattern starts (key > smallest label > all nodes).
//! `exec` runs a [`Plan`]; EXPLAIN prints it with [`Plan::explain`].

use std::fmt::Write as _;
use std::sync::Arc;

use crate::ast::{BinaryOp, Quantifier};
use crate::exec::functions::{FunctionDef, ScalarFn};
use crate::graph::{Dir, Sym};
use crate::value::Value;

pub mod planner;

/// A slot number in a row.
pub type Slot = usize;

/// A label or property key of a compiled expression: its name, and its symbol in the store
/// when the name existed at planning time (symbols never change or go, so the symbol stays
/// valid; a name first written by the query itself is looked up by name).
#[derive(Clone)]
pub struct StoreName {
    pub name: Arc<str>,
    pub sym: Option<crate::graph::Sym>,
}

/// A compiled expression.
#[derive(Clone)]
pub enum CExpr {
    Const(Value),
    Slot(Slot),
    /// `$name`, looked up when the query runs: its number among the plan's parameters
    /// ([`QueryPlan::params`]) and its name.
    Param(usize, Arc<str>),
    Prop(Box<CExpr>, StoreName),
    Index(Box<CExpr>, Box<CExpr>),
    Slice(Box<CExpr>, Option<Box<CExpr>>, Option<Box<CExpr>>),
    List(Vec<CExpr>),
    Map(Vec<(Arc<str>, CExpr)>),
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    /// Unary plus: checks the operand is a number.
    Pos(Box<CExpr>),
    Bin(BinaryOp, Box<CExpr>, Box<CExpr>),
    IsNull(Box<CExpr>, bool),
    HasLabels(Box<CExpr>, Vec<StoreName>),
    /// `n:A|B` as a pattern label test: any of the labels.
    HasAnyLabel(Box<CExpr>, Vec<Arc<str>>),
    /// A node whose key is the string.
    HasKey(Box<CExpr>, Arc<str>),
    /// A scalar function: its name (kept for plan dumps), body and arguments.
    #[allow(dead_code, reason = "the name is for plan dumps while debugging")]
    Call(&'static str, ScalarFn, Vec<CExpr>),
    /// A function call or an arithmetic operation, with its place in the query text: an
    /// error it raises at runtime points there (decision 0033).
    At(Box<CExpr>, crate::ast::Span),
    Case {
        operand: Option<Box<CExpr>>,
        whens: Vec<(CExpr, CExpr)>,
        else_: Option<Box<CExpr>>,
    },
    ListComp {
        slot: Slot,
        list: Box<CExpr>,
        filter: Option<Box<CExpr>>,
        map: Option<Box<CExpr>>,
    },
    Quantified {
        quantifier: Quantifier,
        slot: Slot,
        list: Box<CExpr>,
        filter: Box<CExpr>,
    },
    Reduce {
        acc: Slot,
        init: Box<CExpr>,
        slot: Slot,
        list: Box<CExpr>,
        expr: Box<CExpr>,
    },
    /// True when the sub-plan (run with the current row as argument) yields a row.
    Exists(Box<Plan>),
    /// The number of rows of the sub-plan.
    CountRows(Box<Plan>),
    /// The values of `expr` over the rows of the sub-plan.
    CollectRows(Box<Plan>, Box<CExpr>),
    /// A path from node, relationship and relationship-list slots.
    BuildPath(Vec<PathStep>),
    MapProjection(Box<CExpr>, Vec<MapProjectionOp>),
}

#[derive(Clone)]
pub enum PathStep {
    Node(Slot),
    Rel(Slot),
    /// A list of relationships (variable length).
    Rels(Slot),
}

#[derive(Clone)]
pub enum MapProjectionOp {
    Property(Arc<str>),
    All,
    Entry(Arc<str>, CExpr),
}

/// One aggregate of a [`Plan::Aggregation`].
#[derive(Clone)]
pub struct AggCall {
    pub name: &'static str,
    /// `None` for `count(*)`.
    pub def: Option<&'static FunctionDef>,
    pub distinct: bool,
    pub args: Vec<CExpr>,
}

/// What a CREATE (or the create half of MERGE) makes for one node of the pattern.
#[derive(Clone)]
pub struct CreateNode {
    pub slot: Slot,
    /// Already bound: reuse (no labels/properties may be given then).
    pub bound: bool,
    /// Refers to an existing node by key (`(AES)` alone).
    pub key_ref: Option<Arc<str>>,
    pub labels: Vec<Arc<str>>,
    /// The key the new node gets (upper-case variable).
    pub key: Option<Arc<str>>,
    pub props: Option<CExpr>,
}

#[derive(Clone)]
pub struct CreateRel {
    pub slot: Slot,
    pub from: Slot,
    pub to: Slot,
    pub ty: Arc<str>,
    pub props: Option<CExpr>,
}

#[derive(Clone)]
pub enum SetOp {
    Prop(CExpr, Arc<str>, CExpr),
    Replace(Slot, CExpr),
    Merge(Slot, CExpr),
    Labels(Slot, Vec<Arc<str>>),
    RemoveProp(CExpr, Arc<str>),
    RemoveLabels(Slot, Vec<Arc<str>>),
}

/// How a variable-length expansion is bounded.
#[derive(Clone, Copy)]
pub struct Hops {
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Clone)]
pub struct ExpandSpec {
    pub from: Slot,
    pub rel: Slot,
    pub to: Slot,
    pub dir: Dir,
    pub types: Vec<Arc<str>>,
    /// The symbols of `types`, once a run has found every one.
    pub type_syms: TypeSyms,
    /// `to` is already bound: check instead of bind.
    pub into: bool,
    /// Relationships bound earlier in the same MATCH: the new one must differ.
    pub distinct_from: Vec<Slot>,
}

/// Symbols of relationship types, kept with the plan by the first run that finds every
/// name: symbols never change or go, and a cached plan runs only while the store has the
/// names it was planned with (decision 0013). Resolving them per run was a twentieth of a
/// short statement.
#[derive(Clone, Default)]
pub struct TypeSyms(std::sync::OnceLock<Box<[Sym]>>);

impl TypeSyms {
    pub fn get(&self) -> Option<&[Sym]> {
        self.0.get().map(|s| &s[..])
    }

    /// Keeps `syms` (the first kept wins) and returns what is kept.
    pub fn keep(&self, syms: &[Sym]) -> &[Sym] {
        self.0.get_or_init(|| syms.into())
    }
}

/// How an index seek finds its nodes.
#[derive(Clone)]
pub enum Seek {
    /// The properties equal these values (one per indexed property).
    Eq(Vec<CExpr>),
    /// The property equals one of the list's elements.
    In(CExpr),
    /// The property lies between the bounds (`(value, inclusive)`).
    Range {
        lower: Option<(CExpr, bool)>,
        upper: Option<(CExpr, bool)>,
    },
    /// The (string) property starts with the value.
    Prefix(CExpr),
}

/// A plan node.
#[derive(Clone)]
pub enum Plan {
    /// Yields the argument row once (the empty row at the top of a query).
    Argument,
    AllNodesScan {
        input: Box<Plan>,
        slot: Slot,
    },
    NodeByLabelScan {
        input: Box<Plan>,
        slot: Slot,
        label: Arc<str>,
    },
    NodeByKey {
        input: Box<Plan>,
        slot: Slot,
        key: Arc<str>,
    },
    /// Nodes with `label` found through the index on `props` (a label scan when the index
    /// is gone by the time the plan runs). The predicate it serves stays as a filter above.
    NodeIndexSeek {
        input: Box<Plan>,
        slot: Slot,
        label: Arc<str>,
        props: Vec<Arc<str>>,
        seek: Seek,
    },
    /// The number of nodes with `label` (all nodes with none), read from the store's
    /// counts, bound to `slot` in one row.
    NodeCountFromCountStore {
        input: Box<Plan>,
        slot: Slot,
        label: Option<Arc<str>>,
    },
    /// For each input row, the rows of `build` (run once, independent of the input) whose
    /// `right_key` is equivalent to the row's `left_key`, with `build`'s `slots` copied in.
    HashJoin {
        input: Box<Plan>,
        build: Box<Plan>,
        slots: Vec<Slot>,
        left_key: CExpr,
        right_key: CExpr,
    },
    /// PROFILE only: counts the rows and time of `input` under number `id`.
    Profiled {
        input: Box<Plan>,
        id: usize,
    },
    Expand {
        input: Box<Plan>,
        spec: ExpandSpec,
    },
    /// For each input row, the number of matches of `spec` whose far node has every label
    /// of `labels`, each match weighted by the relationships of `closing` (an Expand(Into)
    /// from a node bound earlier) that reach the same far node, bound to `slot`; rows with
    /// none are dropped. Stands for the expansions under an aggregation that only counts
    /// them (see `planner/count.rs`): no row is built per match.
    ExpandCount {
        input: Box<Plan>,
        spec: ExpandSpec,
        labels: Vec<Arc<str>>,
        closing: Option<ExpandSpec>,
        slot: Slot,
    },
    VarLengthExpand {
        input: Box<Plan>,
        spec: ExpandSpec,
        hops: Hops,
        /// Filter every relationship on the way must pass (slot of the relationship in
        /// `rel_slot` while testing).
        rel_filter: Option<(Slot, CExpr)>,
        /// Only the far nodes matter, once each (nothing reads the relationships, and what
        /// consumes the rows ignores duplicates): a breadth-first search instead of every
        /// path (see `planner/count.rs`).
        distinct_ends: bool,
        /// The pattern runs from the far node to the near one: the relationship list is
        /// written last step first, in the pattern's order.
        reversed: bool,
    },
    ShortestPath {
        input: Box<Plan>,
        from: Slot,
        to: Slot,
        path: Slot,
        rels: Option<Slot>,
        dir: Dir,
        types: Vec<Arc<str>>,
        hops: Hops,
        all: bool,
    },
    Filter {
        input: Box<Plan>,
        pred: CExpr,
    },
    /// For each input row, the rows of `inner` (run with the row as argument), or the input
    /// row with `nulls` set to null when `inner` yields none.
    Optional {
        input: Box<Plan>,
        inner: Box<Plan>,
        nulls: Vec<Slot>,
    },
    /// For each input row, the rows of `inner` run with it as argument: the input row with
    /// `slots` (the columns the inner plan returns) set from each of them. An inner row
    /// need not hold the argument's other slots (an aggregation's does not).
    Apply {
        input: Box<Plan>,
        inner: Box<Plan>,
        slots: Vec<Slot>,
    },
    Projection {
        input: Box<Plan>,
        items: Vec<(Slot, CExpr)>,
    },
    Aggregation {
        input: Box<Plan>,
        keys: Vec<(Slot, CExpr)>,
        aggs: Vec<(Slot, AggCall)>,
    },
    Distinct {
        input: Box<Plan>,
        slots: Vec<Slot>,
    },
    Sort {
        input: Box<Plan>,
        keys: Vec<(CExpr, bool)>,
    },
    /// Sort + limit: keeps only the first `limit` rows.
    Top {
        input: Box<Plan>,
        keys: Vec<(CExpr, bool)>,
        limit: CExpr,
    },
    Skip {
        input: Box<Plan>,
        count: CExpr,
    },
    Limit {
        input: Box<Plan>,
        count: CExpr,
    },
    Unwind {
        input: Box<Plan>,
        expr: CExpr,
        slot: Slot,
    },
    Create {
        input: Box<Plan>,
        nodes: Vec<CreateNode>,
        rels: Vec<CreateRel>,
    },
    Merge {
        input: Box<Plan>,
        /// Matches the pattern from the argument row.
        matcher: Box<Plan>,
        nodes: Vec<CreateNode>,
        rels: Vec<CreateRel>,
        on_match: Vec<SetOp>,
        on_create: Vec<SetOp>,
        /// Slots the pattern binds (to copy from the matched rows).
        binds: Vec<Slot>,
    },
    SetProperty {
        input: Box<Plan>,
        ops: Vec<SetOp>,
    },
    Delete {
        input: Box<Plan>,
        exprs: Vec<CExpr>,
        detach: bool,
    },
    /// Runs `body` for each element of the list (bound to `slot`), passing the input row on.
    Foreach {
        input: Box<Plan>,
        slot: Slot,
        list: CExpr,
        body: Box<Plan>,
    },
    ProcedureCall {
        input: Box<Plan>,
        name: Arc<str>,
        args: Vec<CExpr>,
        /// (output field, slot)
        yields: Vec<(Arc<str>, Slot)>,
    },
    LoadCsv {
        input: Box<Plan>,
        url: CExpr,
        slot: Slot,
        headers: bool,
        delimiter: u8,
    },
    /// Keeps the columns of a part of a UNION: rows become exactly `columns`.
    Produce {
        input: Box<Plan>,
        columns: Vec<Slot>,
    },
    /// Rows of each part one after the other (each part ends in `Produce`); `distinct`
    /// removes duplicates.
    Union {
        parts: Vec<Plan>,
        distinct: bool,
    },
}

/// A planned statement.
pub struct QueryPlan {
    pub root: Plan,
    pub columns: Arc<[String]>,
    /// Row width.
    pub slots: usize,
    pub writes: bool,
    /// The names of the parameters the plan reads, by number: they are looked up once per
    /// run, not once per row.
    pub params: Vec<Arc<str>>,
    /// Where each parameter is first read in the query text, by number: a run without it
    /// fails there before it starts.
    pub param_spans: Vec<crate::ast::Span>,
}

/// The inputs of a plan operator, the main input first: one match for [`Plan::children`]
/// and [`Plan::children_mut`] (`$iter` is `iter` or `iter_mut`), so a new operator is
/// added in one place.
macro_rules! plan_children {
    ($plan:expr, $iter:ident) => {
        match $plan {
            Plan::Argument => Kids::Fixed(None, None),
            Plan::AllNodesScan { input, .. }
            | Plan::NodeByLabelScan { input, .. }
            | Plan::NodeByKey { input, .. }
            | Plan::NodeIndexSeek { input, .. }
            | Plan::NodeCountFromCountStore { input, .. }
            | Plan::Profiled { input, .. }
            | Plan::Expand { input, .. }
            | Plan::ExpandCount { input, .. }
            | Plan::VarLengthExpand { input, .. }
            | Plan::ShortestPath { input, .. }
            | Plan::Filter { input, .. }
            | Plan::Projection { input, .. }
            | Plan::Aggregation { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Top { input, .. }
            | Plan::Skip { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Unwind { input, .. }
            | Plan::Create { input, .. }
            | Plan::SetProperty { input, .. }
            | Plan::Delete { input, .. }
            | Plan::ProcedureCall { input, .. }
            | Plan::LoadCsv { input, .. }
            | Plan::Produce { input, .. } => Kids::Fixed(Some(input), None),
            Plan::Optional { input, inner, .. } | Plan::Apply { input, inner, .. } => {
                Kids::Fixed(Some(input), Some(inner))
            }
            Plan::HashJoin { input, build, .. } => Kids::Fixed(Some(input), Some(build)),
            Plan::Merge { input, matcher, .. } => Kids::Fixed(Some(input), Some(matcher)),
            Plan::Foreach { input, body, .. } => Kids::Fixed(Some(input), Some(body)),
            Plan::Union { parts, .. } => Kids::Many(parts.$iter().collect()),
        }
    };
}

/// An operator's inputs: one or two held in place (walking a plan allocates only at a
/// UNION).
enum Kids<T> {
    Fixed(Option<T>, Option<T>),
    Many(Vec<T>),
}

impl<T> IntoIterator for Kids<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<
        std::iter::Chain<std::option::IntoIter<T>, std::option::IntoIter<T>>,
        std::vec::IntoIter<T>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        let (a, b, rest) = match self {
            Kids::Fixed(a, b) => (a, b, Vec::new()),
            Kids::Many(rest) => (None, None, rest),
        };
        a.into_iter().chain(b).chain(rest)
    }
}

impl Plan {
    pub fn name(&self) -> &'static str {
        match self {
            Plan::Argument => "Argument",
            Plan::AllNodesScan { .. } => "AllNodesScan",
            Plan::NodeByLabelScan { .. } => "NodeByLabelScan",
            Plan::NodeByKey { .. } => "NodeByKey",
            Plan::NodeIndexSeek { seek, .. } => match seek {
                Seek::Eq(_) | Seek::In(_) => "NodeIndexSeek",
                Seek::Range { .. } | Seek::Prefix(_) => "NodeIndexRangeSeek",
            },
            Plan::NodeCountFromCountStore { .. } => "NodeCountFromCountStore",
            Plan::Profiled { .. } => "Profiled",
            Plan::HashJoin { .. } => "HashJoin",
            Plan::Expand { spec, .. } => {
                if spec.into {
                    "Expand(Into)"
                } else {
                    "Expand"
                }
            }
            Plan::ExpandCount { .. } => "ExpandCount",
            Plan::VarLengthExpand { .. } => "VarLengthExpand",
            Plan::ShortestPath { .. } => "ShortestPath",
            Plan::Filter { .. } => "Filter",
            Plan::Optional { .. } => "Optional",
            Plan::Apply { .. } => "Apply",
            Plan::Projection { .. } => "Projection",
            Plan::Aggregation { .. } => "Aggregation",
            Plan::Distinct { .. } => "Distinct",
            Plan::Sort { .. } => "Sort",
            Plan::Top { .. } => "Top",
            Plan::Skip { .. } => "Skip",
            Plan::Limit { .. } => "Limit",
            Plan::Unwind { .. } => "Unwind",
            Plan::Create { .. } => "Create",
            Plan::Merge { .. } => "Merge",
            Plan::SetProperty { .. } => "SetProperty",
            Plan::Delete { .. } => "Delete",
            Plan::Foreach { .. } => "Foreach",
            Plan::ProcedureCall { .. } => "ProcedureCall",
            Plan::LoadCsv { .. } => "LoadCsv",
            Plan::Produce { .. } => "Produce",
            Plan::Union { .. } => "Union",
        }
    }

    /// A short description of the operator's arguments.
    fn detail(&self) -> String {
        match self {
            Plan::AllNodesScan { slot, .. } => format!("#{slot}"),
            Plan::NodeByLabelScan { slot, label, .. } => format!("#{slot}:{label}"),
            Plan::NodeByKey { slot, key, .. } => format!("#{slot} key={key}"),
            Plan::NodeIndexSeek {
                slot,
                label,
                props,
                seek,
                ..
            } => {
                let how = match seek {
                    Seek::Eq(_) => "=",
                    Seek::In(_) => " IN",
                    Seek::Range { lower, upper } => match (lower, upper) {
                        (Some(_), Some(_)) => " range",
                        (Some((_, true)), None) => ">=",
                        (Some(_), None) => ">",
                        (None, Some((_, true))) => "<=",
                        _ => "<",
                    },
                    Seek::Prefix(_) => " STARTS WITH",
                };
                let props: Vec<&str> = props.iter().map(|p| p.as_ref()).collect();
                format!("#{slot}:{label}({}){how}", props.join(", "))
            }
            Plan::HashJoin { slots, .. } => slots
                .iter()
                .map(|s| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(", "),
            Plan::NodeCountFromCountStore { slot, label, .. } => match label {
                Some(l) => format!("#{slot} count(:{l})"),
                None => format!("#{slot} count(*)"),
            },
            Plan::ExpandCount {
                spec,
                labels,
                closing,
                slot,
                ..
            } => {
                let labels: String = labels.iter().map(|l| format!(":{l}")).collect();
                let first = Plan::expand_text(spec, "");
                let first = match first.strip_suffix(')') {
                    Some(head) => format!("{head}{labels})"),
                    None => first,
                };
                match closing {
                    Some(c) => format!("#{slot}=count {first}, {}", Plan::expand_text(c, "")),
                    None => format!("#{slot}=count {first}"),
                }
            }
            Plan::Expand { spec, .. } => Plan::expand_text(spec, ""),
            Plan::VarLengthExpand {
                spec,
                hops,
                distinct_ends,
                ..
            } => {
                let hops = format!(
                    "*{}..{}",
                    hops.min,
                    hops.max.map(|m| m.to_string()).unwrap_or_default()
                );
                let text = Plan::expand_text(spec, &hops);
                if *distinct_ends {
                    format!("{text} distinct ends")
                } else {
                    text
                }
            }
            Plan::ShortestPath { from, to, all, .. } => {
                format!("(#{from})..(#{to}){}", if *all { " all" } else { "" })
            }
            Plan::Unwind { slot, .. } => format!("#{slot}"),
            Plan::Projection { items, .. } => items
                .iter()
                .map(|(s, _)| format!("#{s}"))
                .collect::<Vec<_>>()
                .join(", "),
            Plan::Aggregation { keys, aggs, .. } => format!(
                "keys: {}; aggregates: {}",
                keys.iter()
                    .map(|(s, _)| format!("#{s}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                aggs.iter()
                    .map(|(s, a)| format!("#{s}={}", a.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Plan::ProcedureCall { name, .. } => name.to_string(),
            Plan::Union { distinct, .. } => (if *distinct { "distinct" } else { "all" }).into(),
            _ => String::new(),
        }
    }

    /// `(#from)-[#rel:TYPES{hops}]->(#to)` for an expansion.
    fn expand_text(spec: &ExpandSpec, hops: &str) -> String {
        let (l, r) = match spec.dir {
            Dir::Out => ("-", "->"),
            Dir::In => ("<-", "-"),
            Dir::Both => ("-", "-"),
        };
        let types: Vec<&str> = spec.types.iter().map(|t| t.as_ref()).collect();
        let types = if types.is_empty() {
            String::new()
        } else {
            format!(":{}", types.join("|"))
        };
        format!(
            "(#{}){l}[#{}{types}{hops}]{r}(#{})",
            spec.from, spec.rel, spec.to
        )
    }

    /// The operator's inputs (the main input first).
    pub fn children(&self) -> Vec<&Plan> {
        self.kids().into_iter().collect()
    }

    /// [`Plan::children`] without collecting them.
    fn kids(&self) -> Kids<&Plan> {
        plan_children!(self, iter)
    }

    /// The operator's inputs, mutably (same order as [`Plan::children`]).
    fn children_mut(&mut self) -> Vec<&mut Plan> {
        let kids: Kids<&mut Plan> = plan_children!(self, iter_mut);
        kids.into_iter().collect()
    }

    /// Wraps every operator of the tree in a [`Plan::Profiled`] counter, numbered from
    /// `*next` on (PROFILE only: a plain run has no counters and pays nothing).
    pub fn instrument(&mut self, next: &mut usize) {
        for c in self.children_mut() {
            c.instrument(next);
        }
        let id = *next;
        *next += 1;
        let inner = std::mem::replace(self, Plan::Argument);
        *self = Plan::Profiled {
            input: Box::new(inner),
            id,
        };
    }

    /// The plan as an indented tree, root first.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        self.explain_into(&mut out, 0, &mut |_, _| String::new());
        out
    }

    /// An instrumented plan (see [`Plan::instrument`]) with the rows each operator produced
    /// and the time spent in it (its inputs' time excluded), from `stats[id]`.
    pub fn explain_profiled(&self, stats: &[OpStats]) -> String {
        let get = |id: usize| stats.get(id).copied().unwrap_or_default();
        let mut out = String::new();
        self.explain_into(&mut out, 0, &mut |node, id| {
            let Some(id) = id else {
                return String::new();
            };
            let own = get(id);
            let inputs: std::time::Duration = node
                .children()
                .iter()
                .filter_map(|c| match c {
                    Plan::Profiled { id, .. } => Some(get(*id).time),
                    _ => None,
                })
                .sum();
            let time = own.time.saturating_sub(inputs);
            format!(
                "(rows={}, time={:.3}ms)",
                own.rows,
                time.as_secs_f64() * 1000.0
            )
        });
        out
    }

    fn explain_into(
        &self,
        out: &mut String,
        depth: usize,
        suffix: &mut dyn FnMut(&Plan, Option<usize>) -> String,
    ) {
        let (node, id) = match self {
            Plan::Profiled { input, id } => (input.as_ref(), Some(*id)),
            _ => (self, None),
        };
        let detail = node.detail();
        let _ = write!(out, "{}+{}", "| ".repeat(depth), node.name());
        if !detail.is_empty() {
            let _ = write!(out, " {detail}");
        }
        let extra = suffix(node, id);
        if !extra.is_empty() {
            let _ = write!(out, " {extra}");
        }
        out.push('\n');
        for c in node.children() {
            c.explain_into(out, depth + 1, suffix);
        }
    }
}

impl CExpr {
    /// Whether the expression runs a sub-plan (EXISTS, COUNT or COLLECT subqueries,
    /// pattern predicates), the only way an expression over plain values reads the graph.
    pub fn has_subplan(&self) -> bool {
        let any = |es: &[&CExpr]| es.iter().any(|e| e.has_subplan());
        match self {
            CExpr::Exists(_) | CExpr::CountRows(_) | CExpr::CollectRows(..) => true,
            CExpr::Const(_) | CExpr::Slot(_) | CExpr::Param(..) | CExpr::BuildPath(_) => false,
            CExpr::Prop(e, _)
            | CExpr::Not(e)
            | CExpr::Neg(e)
            | CExpr::Pos(e)
            | CExpr::IsNull(e, _)
            | CExpr::HasLabels(e, _)
            | CExpr::HasAnyLabel(e, _)
            | CExpr::HasKey(e, _)
            | CExpr::At(e, _) => e.has_subplan(),
            CExpr::Index(a, b) | CExpr::Bin(_, a, b) => any(&[a, b]),
            CExpr::Slice(a, b, c) => a.has_subplan() || b.iter().chain(c).any(|e| e.has_subplan()),
            CExpr::List(es) | CExpr::Call(_, _, es) => es.iter().any(CExpr::has_subplan),
            CExpr::Map(items) => items.iter().any(|(_, e)| e.has_subplan()),
            CExpr::Case {
                operand,
                whens,
                else_,
            } => {
                operand.iter().chain(else_).any(|e| e.has_subplan())
                    || whens
                        .iter()
                        .any(|(w, t)| w.has_subplan() || t.has_subplan())
            }
            CExpr::ListComp {
                list, filter, map, ..
            } => list.has_subplan() || filter.iter().chain(map).any(|e| e.has_subplan()),
            CExpr::Quantified { list, filter, .. } => any(&[list, filter]),
            CExpr::Reduce {
                init, list, expr, ..
            } => any(&[init, list, expr]),
            CExpr::MapProjection(e, ops) => {
                e.has_subplan()
                    || ops.iter().any(|op| match op {
                        MapProjectionOp::Entry(_, e) => e.has_subplan(),
                        _ => false,
                    })
            }
        }
    }
}

impl Plan {
    /// Whether the plan (or a plan below it) writes.
    pub fn has_writer(&self) -> bool {
        matches!(
            self,
            Plan::Create { .. }
                | Plan::Merge { .. }
                | Plan::SetProperty { .. }
                | Plan::Delete { .. }
                | Plan::Foreach { .. }
        ) || self.kids().into_iter().any(|c| c.has_writer())
    }

    /// Whether rows come from this plan without reading the graph: only LOAD CSV, UNWIND
    /// and projections over plain values. A writing clause fed by such a plan can apply each
    /// row as it arrives instead of pulling all rows first: no row it writes can change what
    /// the input yields.
    pub fn is_graph_free(&self) -> bool {
        match self {
            Plan::Argument => true,
            Plan::LoadCsv { input, url, .. } => !url.has_subplan() && input.is_graph_free(),
            Plan::Unwind { input, expr, .. } => !expr.has_subplan() && input.is_graph_free(),
            Plan::Projection { input, items } => {
                items.iter().all(|(_, e)| !e.has_subplan()) && input.is_graph_free()
            }
            Plan::Filter { input, pred } => !pred.has_subplan() && input.is_graph_free(),
            _ => false,
        }
    }
}

/// What PROFILE measured for one operator.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpStats {
    pub rows: u64,
    /// Time spent producing the rows, the operator's inputs included.
    pub time: std::time::Duration,
}
