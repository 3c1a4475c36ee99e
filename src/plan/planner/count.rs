//! Counting without rows: an aggregation that only counts the matches of the expansion
//! below it (`MATCH (c:City)<-[:LIVES_IN]-(p:Person) RETURN c, count(p)`) does not need a
//! row per match, only their number per input row. Such an Expand (with the label filters
//! on its far node, and an Expand(Into) closing a triangle on that node) becomes one
//! [`Plan::ExpandCount`], and the counts above it become sums of that number.
//!
//! The rewrite applies when the aggregation's keys and every other expression above read
//! none of the slots the folded expansions bind, and each aggregate is a plain `count(*)` or
//! `count(x)` of such a slot (never null where it is bound). Rows with no match are dropped
//! by ExpandCount as the Expand dropped them, so groups and their order are unchanged.

use std::collections::BTreeSet;

use super::pushdown::{slots_of, transparent_binds};
use super::*;

/// The labels `pred` requires of `slot`, when `pred` is only label tests on one slot.
fn label_tests(pred: &CExpr, out: &mut Vec<Arc<str>>) -> Option<Slot> {
    match pred {
        CExpr::HasLabels(base, labels) => match base.as_ref() {
            CExpr::Slot(s) => {
                out.extend(labels.iter().map(|l| l.name.clone()));
                Some(*s)
            }
            _ => None,
        },
        CExpr::Bin(BinaryOp::And, a, b) => {
            let a = label_tests(a, out)?;
            let b = label_tests(b, out)?;
            (a == b).then_some(a)
        }
        _ => None,
    }
}

/// Label filters peeled off a plan: the labels, the one slot they test (`None` when there
/// are none) and the operator under them.
type Peeled<'p> = (Vec<Arc<str>>, Option<Slot>, &'p mut Plan);

/// Peels the label filters off `plan` down to the operator under them.
fn peel_labels(mut plan: &mut Plan) -> Option<Peeled<'_>> {
    let mut labels = Vec::new();
    let mut tested = None;
    loop {
        match plan {
            Plan::Filter { input, pred } => {
                let s = label_tests(pred, &mut labels)?;
                if tested.is_some_and(|t| t != s) {
                    return None;
                }
                tested = Some(s);
                plan = input;
            }
            other => return Some((labels, tested, other)),
        }
    }
}

/// The slots an aggregation's keys read; `None` when a key holds constructs the analysis
/// does not follow.
fn keys_read(keys: &[(Slot, CExpr)]) -> Option<BTreeSet<Slot>> {
    let mut read = BTreeSet::new();
    keys.iter()
        .all(|(_, k)| slots_of(k, &mut read))
        .then_some(read)
}

/// Rewrites every aggregation of `plan` that only counts the expansion under it.
pub(super) fn fold_counted_expands(plan: &mut Plan) {
    for c in plan.children_mut() {
        fold_counted_expands(c);
    }
    let Plan::Aggregation { input, keys, aggs } = plan else {
        return;
    };
    // The slots read above the expansions: the keys, and the arguments of anything but
    // a plain count.
    let Some(read) = keys_read(keys) else {
        return;
    };
    let mut counted = Vec::new();
    for (_, a) in aggs.iter() {
        if a.distinct || !matches!(a.name, "count" | "count(*)") {
            return;
        }
        match a.args.as_slice() {
            [] if a.def.is_none() => {}
            [CExpr::Slot(s)] => counted.push(*s),
            _ => return,
        }
    }
    let Some((labels, tested, below)) = peel_labels(input) else {
        return;
    };
    let Plan::Expand { input: under, spec } = below else {
        return;
    };
    let mut spec = spec.clone();
    let mut closing = None;
    let mut labels = labels;
    let mut under: &mut Plan = under;
    let mut binds = vec![spec.rel];
    if spec.into {
        // A triangle's last side: the expansion that bound its far node may fold in too.
        if tested.is_some() {
            return;
        }
        // Looked at first without changing anything: the search below may not succeed.
        let mut probe = under.clone();
        let closes = peel_labels(&mut probe).is_some_and(|(_, t, op)| {
            matches!(op, Plan::Expand { spec: first, .. }
                if !first.into && first.to == spec.to && t.is_none_or(|t| t == first.to))
        });
        if closes {
            let Some((l, _, Plan::Expand { input, spec: first })) = peel_labels(under) else {
                return;
            };
            binds.extend([first.rel, first.to]);
            if binds.contains(&spec.from) {
                return;
            }
            labels = l;
            closing = Some(std::mem::replace(&mut spec, first.clone()));
            under = input;
        }
    } else {
        if tested.is_some_and(|t| t != spec.to) {
            return;
        }
        binds.push(spec.to);
    }
    // `count(x)` of an entity the pattern under the expansion matched is `count(*)`: a
    // matched node or relationship is never null.
    let matched = matched_slots(under);
    if binds.iter().any(|b| read.contains(b))
        || counted
            .iter()
            .any(|c| !binds.contains(c) && !matched.contains(c))
    {
        return;
    }
    let Some(sum) = functions::lookup("sum") else {
        return;
    };
    // The count goes where the folded relationship was: nothing above reads that slot.
    let slot = spec.rel;
    let input = std::mem::replace(under, Plan::Argument);
    for (_, a) in aggs.iter_mut() {
        a.name = "sum";
        a.def = Some(sum);
        a.args = vec![CExpr::Slot(slot)];
    }
    let Plan::Aggregation {
        input: agg_input, ..
    } = plan
    else {
        return;
    };
    **agg_input = Plan::ExpandCount {
        input: Box::new(input),
        spec,
        labels,
        closing,
        slot,
    };
}

/// The slots the scans, seeks and expansions of one pattern bind in the chain of operators
/// from `plan` down (never null there).
fn matched_slots(mut plan: &Plan) -> Vec<Slot> {
    let mut out = Vec::new();
    while let Some(binds) = transparent_binds(plan) {
        out.extend(binds);
        match plan.children().first() {
            Some(input) => plan = input,
            None => break,
        }
    }
    out
}

/// Marks the variable-length expansions whose paths nobody reads, under an aggregation
/// that ignores duplicate rows (`count(DISTINCT f)`, `min`, `max`), as needing each far
/// node once: `MATCH (a)-[:KNOWS*1..3]-(f) RETURN count(DISTINCT f)` then searches
/// breadth-first instead of enumerating every path.
///
/// Between the aggregation and the expansion only filters may stand; none of them, nor the
/// aggregation, may read the relationships.
pub(super) fn fold_distinct_ends(plan: &mut Plan) {
    for c in plan.children_mut() {
        fold_distinct_ends(c);
    }
    let Plan::Aggregation { input, keys, aggs } = plan else {
        return;
    };
    let Some(mut read) = keys_read(keys) else {
        return;
    };
    for (_, a) in aggs.iter() {
        let duplicates_ignored =
            (a.distinct && a.name == "count") || matches!(a.name, "min" | "max");
        if !duplicates_ignored || a.args.iter().any(|e| !slots_of(e, &mut read)) {
            return;
        }
    }
    let mut at: &mut Plan = input;
    loop {
        match at {
            Plan::Filter { input, pred } => {
                if !slots_of(pred, &mut read) {
                    return;
                }
                at = input;
            }
            Plan::VarLengthExpand {
                spec,
                hops,
                rel_filter: None,
                distinct_ends,
                ..
            } => {
                if !spec.into
                    && spec.distinct_from.is_empty()
                    && hops.min <= 1
                    && !read.contains(&spec.rel)
                {
                    *distinct_ends = true;
                }
                return;
            }
            _ => return,
        }
    }
}
