//! Choosing an index seek for the start of a pattern part.
//!
//! Predicates `n.key <op> value` come from the node's property map and from the conjuncts of
//! the MATCH's WHERE; `value` may use only parameters, literals and variables bound before
//! the pattern. A seek only narrows the candidates: every predicate also stays a filter.

use super::*;

/// One usable predicate on a property of the start node, as written.
#[derive(Clone, Copy)]
enum PropPred<'e> {
    Eq(&'e Expr),
    In(&'e Expr),
    /// `(value, inclusive)`
    Lower(&'e Expr, bool),
    Upper(&'e Expr, bool),
    Prefix(&'e Expr),
}

/// A chosen seek before its values are compiled.
pub(super) struct SeekChoice<'e> {
    label: String,
    props: Vec<String>,
    preds: Vec<PropPred<'e>>,
    /// Estimated rows.
    pub estimate: usize,
}

/// The conjuncts of `e` (split at AND).
pub(super) fn conjuncts(e: &Expr, out: &mut Vec<Expr>) {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e.clone()),
    }
}

/// Whether `e` is a value known before the pattern runs: literals, parameters and variables
/// already in scope, combined by simple operators.
fn known_before(e: &Expr, scope: &Scope) -> bool {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Parameter(_) => true,
        ExprKind::Variable(v) => scope.get(v).is_some(),
        ExprKind::Property(b, _) | ExprKind::Unary(_, b) => known_before(b, scope),
        ExprKind::List(items) => items.iter().all(|i| known_before(i, scope)),
        ExprKind::Binary(_, a, b) => known_before(a, scope) && known_before(b, scope),
        _ => false,
    }
}

/// `var.key` → `key`.
fn prop_of<'e>(e: &'e Expr, var: &str) -> Option<&'e str> {
    match &e.kind {
        ExprKind::Property(b, key) if matches!(&b.kind, ExprKind::Variable(v) if v == var) => {
            Some(key.name.as_str())
        }
        _ => None,
    }
}

/// The usable predicates on properties of node `n`, by property name.
fn prop_preds<'e>(
    n: &'e NodePattern,
    hints: &'e [Expr],
    scope: &Scope,
) -> Vec<(&'e str, PropPred<'e>)> {
    let mut out = Vec::new();
    if let Some(ExprKind::Map(entries)) = n.properties.as_ref().map(|p| &p.kind) {
        for (k, v) in entries {
            if known_before(v, scope) {
                out.push((k.name.as_str(), PropPred::Eq(v)));
            }
        }
    }
    let Some(var) = n.variable.as_ref().map(|v| v.name.as_str()) else {
        return out;
    };
    for h in hints {
        let ExprKind::Binary(op, a, b) = &h.kind else {
            continue;
        };
        // `n.key op value`, or `value op n.key` for the symmetric comparisons.
        let (key, value, flipped) = match (prop_of(a, var), prop_of(b, var)) {
            (Some(k), _) if known_before(b, scope) => (k, b.as_ref(), false),
            (None, Some(k)) if known_before(a, scope) => (k, a.as_ref(), true),
            _ => continue,
        };
        let pred = match (op, flipped) {
            (BinaryOp::Eq, _) => PropPred::Eq(value),
            (BinaryOp::In, false) => PropPred::In(value),
            (BinaryOp::StartsWith, false) => PropPred::Prefix(value),
            (BinaryOp::Gt, false) | (BinaryOp::Lt, true) => PropPred::Lower(value, false),
            (BinaryOp::Ge, false) | (BinaryOp::Le, true) => PropPred::Lower(value, true),
            (BinaryOp::Lt, false) | (BinaryOp::Gt, true) => PropPred::Upper(value, false),
            (BinaryOp::Le, false) | (BinaryOp::Ge, true) => PropPred::Upper(value, true),
            _ => continue,
        };
        out.push((key, pred));
    }
    out
}

impl Planner<'_> {
    /// The cheapest index seek for starting at `n` (not yet bound), if any.
    pub(super) fn seek_choice<'e>(
        &self,
        n: &'e NodePattern,
        hints: &'e [Expr],
        scope: &Scope,
    ) -> Option<SeekChoice<'e>> {
        let preds = prop_preds(n, hints, scope);
        if preds.is_empty() {
            return None;
        }
        let mut best: Option<SeekChoice<'e>> = None;
        for group in n.labels.iter().filter(|g| g.len() == 1) {
            let label = &group[0].name;
            let count = self.catalog.label_count(label);
            for ix in self.catalog.indexes(label) {
                let (props, unique) = (ix.props, ix.unique);
                // Nodes per key, on average: what an equality on every property matches.
                let per_key = if unique || ix.keys == 0 {
                    1
                } else {
                    count.div_ceil(ix.keys)
                };
                let eqs: Vec<PropPred<'e>> = props
                    .iter()
                    .filter_map(|p| {
                        preds
                            .iter()
                            .find(|(k, q)| k == p && matches!(q, PropPred::Eq(_)))
                            .map(|(_, q)| *q)
                    })
                    .collect();
                let choice = if eqs.len() == props.len() {
                    Some((eqs, per_key))
                } else if props.len() == 1 {
                    let on: Vec<PropPred<'e>> = preds
                        .iter()
                        .filter(|(k, _)| *k == props[0])
                        .map(|(_, q)| *q)
                        .collect();
                    if let Some(q) = on.iter().find(|q| matches!(q, PropPred::In(_))) {
                        let len = match q {
                            PropPred::In(Expr {
                                kind: ExprKind::List(items),
                                ..
                            }) => items.len(),
                            _ => 4,
                        };
                        Some((vec![*q], len * per_key))
                    } else if let Some(q) = on.iter().find(|q| matches!(q, PropPred::Prefix(_))) {
                        Some((vec![*q], count / 10 + 1))
                    } else {
                        let lower = on.iter().find(|q| matches!(q, PropPred::Lower(..)));
                        let upper = on.iter().find(|q| matches!(q, PropPred::Upper(..)));
                        let both: Vec<PropPred<'e>> =
                            lower.into_iter().chain(upper).copied().collect();
                        match both.len() {
                            0 => None,
                            1 => Some((both, count / 3 + 1)),
                            _ => Some((both, count / 10 + 1)),
                        }
                    }
                } else {
                    None
                };
                if let Some((preds, estimate)) = choice {
                    if best.as_ref().is_none_or(|b| estimate < b.estimate) {
                        best = Some(SeekChoice {
                            label: label.clone(),
                            props: props.clone(),
                            preds,
                            estimate,
                        });
                    }
                }
            }
        }
        best
    }

    /// Compiles a chosen seek into a [`Plan::NodeIndexSeek`] on top of `input`; gives
    /// `input` back when a value does not compile here (the caller scans instead).
    pub(super) fn seek_plan(
        &mut self,
        choice: &SeekChoice<'_>,
        input: Plan,
        slot: Slot,
        scope: &Scope,
    ) -> std::result::Result<Plan, Box<Plan>> {
        let mut compiled = Vec::new();
        for p in &choice.preds {
            let e = match p {
                PropPred::Eq(e)
                | PropPred::In(e)
                | PropPred::Prefix(e)
                | PropPred::Lower(e, _)
                | PropPred::Upper(e, _) => e,
            };
            match self.expr(e, scope) {
                Ok(c) => compiled.push(c),
                Err(_) => return Err(Box::new(input)),
            }
        }
        let first = choice.preds.first().copied();
        let seek = match first {
            Some(PropPred::Eq(_)) => Seek::Eq(compiled),
            Some(PropPred::In(_)) => Seek::In(compiled.remove(0)),
            Some(PropPred::Prefix(_)) => Seek::Prefix(compiled.remove(0)),
            _ => {
                let mut lower = None;
                let mut upper = None;
                for (p, c) in choice.preds.iter().zip(compiled) {
                    match p {
                        PropPred::Lower(_, inc) => lower = Some((c, *inc)),
                        PropPred::Upper(_, inc) => upper = Some((c, *inc)),
                        _ => {}
                    }
                }
                Seek::Range { lower, upper }
            }
        };
        Ok(Plan::NodeIndexSeek {
            input: Box::new(input),
            slot,
            label: arc(&choice.label),
            props: choice.props.iter().map(|p| arc(p)).collect(),
            seek,
        })
    }

    pub(super) fn choice_label<'c>(choice: &'c SeekChoice<'_>) -> &'c str {
        &choice.label
    }
}

/// Replaces `count(n)` / `count(*)` over a lone label (or all-nodes) scan at the start of a
/// query by a read of the store's counts.
pub(super) fn use_count_store(plan: &mut Plan) {
    for c in plan.children_mut() {
        use_count_store(c);
    }
    let Plan::Aggregation { input, keys, aggs } = plan else {
        return;
    };
    let [(out, agg)] = aggs.as_slice() else {
        return;
    };
    if !keys.is_empty() || agg.distinct || !agg.name.starts_with("count") {
        return;
    }
    let counted = match agg.args.as_slice() {
        [] if agg.def.is_none() => None,
        [CExpr::Slot(s)] => Some(*s),
        _ => return,
    };
    let (slot, label) = match input.as_ref() {
        Plan::NodeByLabelScan { input, slot, label } if matches!(**input, Plan::Argument) => {
            (*slot, Some(label.clone()))
        }
        Plan::AllNodesScan { input, slot } if matches!(**input, Plan::Argument) => (*slot, None),
        _ => return,
    };
    if counted.is_some_and(|s| s != slot) {
        return;
    }
    *plan = Plan::NodeCountFromCountStore {
        input: Box::new(Plan::Argument),
        slot: *out,
        label,
    };
}
