//! Predicate push-down: each conjunct of a MATCH's WHERE is placed right above the operator
//! that binds the last of the slots it reads, so rows that fail it are dropped before the
//! expansions that follow.
//!
//! A conjunct moves down only past scans, seeks, expansions, filters and the projections of
//! named paths that bind none of its slots, and into the side of a hash join that binds all
//! of them (or the other side, when it reads none of the build side's); anything else
//! (other projections, OPTIONAL, subqueries, the argument) stops it.
//! Conjuncts with sub-plans or expressions that bind slots of their own stay on top.

use std::collections::BTreeSet;

use super::*;

/// Adds the slots `e` reads to `out`; `false` when `e` holds constructs this analysis does
/// not follow (sub-plans, comprehensions).
pub(super) fn slots_of(e: &CExpr, out: &mut BTreeSet<Slot>) -> bool {
    fn all<'e>(mut es: impl Iterator<Item = &'e CExpr>, out: &mut BTreeSet<Slot>) -> bool {
        es.all(|x| slots_of(x, out))
    }
    match e {
        CExpr::Const(_) | CExpr::Param(..) => true,
        CExpr::Slot(s) => {
            out.insert(*s);
            true
        }
        CExpr::Prop(b, _)
        | CExpr::Not(b)
        | CExpr::Neg(b)
        | CExpr::Pos(b)
        | CExpr::IsNull(b, _)
        | CExpr::HasLabels(b, _)
        | CExpr::HasAnyLabel(b, _)
        | CExpr::HasKey(b, _)
        | CExpr::At(b, _) => slots_of(b, out),
        CExpr::Index(a, b) | CExpr::Bin(_, a, b) => slots_of(a, out) && slots_of(b, out),
        CExpr::Slice(a, b, c) => {
            slots_of(a, out)
                && b.as_deref().is_none_or(|b| slots_of(b, out))
                && c.as_deref().is_none_or(|c| slots_of(c, out))
        }
        CExpr::List(items) | CExpr::Call(_, _, items) => all(items.iter(), out),
        CExpr::Map(entries) => all(entries.iter().map(|(_, v)| v), out),
        CExpr::Case {
            operand,
            whens,
            else_,
        } => {
            operand.as_deref().is_none_or(|o| slots_of(o, out))
                && all(whens.iter().flat_map(|(a, b)| [a, b]), out)
                && else_.as_deref().is_none_or(|e| slots_of(e, out))
        }
        _ => false,
    }
}

/// The slots an operator binds, when a filter may move below it (scans, seeks, expansions,
/// filters and the projection of a MATCH's named paths: the operators of one pattern, whose
/// bindings are never null, and which raise no error a row dropped below them would have).
pub(super) fn transparent_binds(plan: &Plan) -> Option<Vec<Slot>> {
    match plan {
        Plan::AllNodesScan { slot, .. }
        | Plan::NodeByLabelScan { slot, .. }
        | Plan::NodeByKey { slot, .. }
        | Plan::NodeIndexSeek { slot, .. } => Some(vec![*slot]),
        Plan::Expand { spec, .. } | Plan::VarLengthExpand { spec, .. } => Some(if spec.into {
            vec![spec.rel]
        } else {
            vec![spec.rel, spec.to]
        }),
        Plan::Filter { .. } => Some(Vec::new()),
        Plan::Projection { items, .. }
            if !items.is_empty() && items.iter().all(|(_, e)| matches!(e, CExpr::BuildPath(_))) =>
        {
            Some(items.iter().map(|(s, _)| *s).collect())
        }
        _ => None,
    }
}

/// Places `pred` (reading `needs`) as low in `plan` as it may go.
fn push(mut plan: Plan, pred: CExpr, needs: &BTreeSet<Slot>) -> Plan {
    // A hash join is an inner join: a conjunct that reads only its build side's node, or
    // nothing of it, filters that side before the join instead of the joined rows.
    if let Plan::HashJoin {
        input,
        build,
        slots,
        ..
    } = &mut plan
    {
        let side = if !needs.is_empty() && needs.iter().all(|s| slots.contains(s)) {
            Some(build)
        } else if needs.iter().all(|s| !slots.contains(s)) {
            Some(input)
        } else {
            None
        };
        if let Some(side) = side {
            let below = std::mem::replace(side.as_mut(), Plan::Argument);
            **side = push(below, pred, needs);
            return plan;
        }
    }
    let movable = transparent_binds(&plan).is_some_and(|b| b.iter().all(|s| !needs.contains(s)));
    if movable {
        if let Some(input) = plan.children_mut().into_iter().next() {
            let below = std::mem::replace(input, Plan::Argument);
            *input = push(below, pred, needs);
            return plan;
        }
    }
    Plan::Filter {
        input: Box::new(plan),
        pred,
    }
}

impl Planner<'_> {
    /// Applies a MATCH's WHERE to `plan`, conjunct by conjunct, each as early as it can be.
    pub(super) fn where_filters(&mut self, plan: Plan, w: &Expr, scope: &Scope) -> Result<Plan> {
        // Compile the whole predicate once for its errors (kinds and positions).
        self.expr(w, scope)?;
        super::types::check_predicate(w, scope)?;
        let mut parts = Vec::new();
        seek::conjuncts(w, &mut parts);
        let mut plan = plan;
        let mut kept = Vec::new();
        for p in &parts {
            let pred = self.expr(p, scope)?;
            let mut needs = BTreeSet::new();
            if slots_of(&pred, &mut needs) {
                plan = push(plan, pred, &needs);
            } else {
                kept.push(pred);
            }
        }
        Ok(Self::filter(plan, kept))
    }
}
