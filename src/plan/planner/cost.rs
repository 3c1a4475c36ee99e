//! The cost model for where a pattern part starts (docs/decisions/0006-planner-cost-model.md).
//!
//! The cost of starting at node `i` is the number of rows the part's operators produce in
//! total: the start's estimated rows (bound variable 1, key 1, index seek from its
//! selectivity guess, else the smallest label count or all nodes), then for every expansion
//! the rows so far times the average number of matching relationships per source node, read
//! from the store's (label, type, label) counts.
//!
//! Locality: an expansion reads its source node's relationships. When the rows come grouped
//! by that node (it is the start, scanned or sought in node order, or the node the pattern's
//! rows are grouped by) the reads walk memory in order; from any other node each input row
//! reads from a random place, which costs [`RANDOM_SOURCE`] rows more. The one-hop parts
//! that will close a cycle through the part (`(a)-->(b)-->(c), (a)-->(c)`) are priced too:
//! they read the relationships of their first node, in order only when the part starts there.
//!
//! Counting: when the rows of a MATCH are only counted (`RETURN a.name, count(*)`), the last
//! expansion of a part is folded into ExpandCount if nothing reads what it binds, and then
//! costs its input rows, not its output (see `count.rs`); the start is chosen knowing that.

use super::*;

/// The single label a node pattern names first, if any.
fn first_label(n: &NodePattern) -> Option<&str> {
    n.labels
        .iter()
        .find(|g| g.len() == 1)
        .map(|g| g[0].name.as_str())
}

/// What an input row of an expansion from a node in no particular order costs on top, in
/// rows: about one cache miss against the work of one row.
const RANDOM_SOURCE: f64 = 1.0;

/// The end variables of the one-hop parts among `later` whose both ends `part` binds (and
/// that are not bound yet): they will close a cycle through `part` with Expand(Into).
pub(super) fn closing_parts(
    part: &PatternPart,
    later: &[&PatternPart],
    scope: &Scope,
) -> Vec<[String; 2]> {
    let binds = |name: &str| {
        scope.get(name).is_none()
            && part
                .element
                .nodes()
                .any(|n| n.variable.as_ref().is_some_and(|v| v.name == name))
    };
    later
        .iter()
        .filter(|p| p.kind == PathKind::Normal)
        .filter_map(|p| match p.element.chain.as_slice() {
            [(r, end)] if r.length.is_none() => {
                let a = &p.element.start.variable.as_ref()?.name;
                let c = &end.variable.as_ref()?.name;
                (binds(a) && binds(c)).then(|| [a.clone(), c.clone()])
            }
            _ => None,
        })
        .collect()
}

/// For a MATCH whose rows the next clause only counts (its aggregates are all `count(*)`
/// or `count(v)` of a variable, without DISTINCT): the variables the rest of the projection
/// and the MATCH's WHERE read. `None` when the rows are used otherwise.
pub(super) fn counting(m: &Match, next: Option<&Clause>) -> Option<Vec<String>> {
    let p = match next? {
        Clause::With(p) | Clause::Return(p) if !m.optional && !p.star => p,
        _ => return None,
    };
    let mut used = Vec::new();
    let mut counts = false;
    for item in &p.items {
        match &item.expr.kind {
            ExprKind::CountStar => counts = true,
            ExprKind::FunctionCall {
                name,
                distinct: false,
                args,
            } if name.eq_ignore_ascii_case("count")
                && matches!(args.as_slice(), [a] if matches!(a.kind, ExprKind::Variable(_))) =>
            {
                counts = true;
            }
            _ => {
                if find_aggregate(&item.expr).is_some() {
                    return None;
                }
                variables(&item.expr, &mut used)?;
            }
        }
    }
    if let Some(w) = &m.where_ {
        variables(w, &mut used)?;
    }
    counts.then_some(used)
}

/// Pushes the variables `e` reads onto `out`; `None` when `e` holds a pattern or subquery
/// (which may read any).
fn variables(e: &Expr, out: &mut Vec<String>) -> Option<()> {
    match &e.kind {
        ExprKind::Variable(v) => out.push(v.clone()),
        ExprKind::PatternPredicate(_)
        | ExprKind::Exists(_)
        | ExprKind::CountSubquery(_)
        | ExprKind::CollectSubquery(_)
        | ExprKind::PatternComprehension { .. } => return None,
        _ => {}
    }
    let mut ok = Some(());
    for_each_child(e, &mut |c| {
        if ok.is_some() {
            ok = variables(c, out);
        }
    });
    ok
}

impl Planner<'_> {
    /// Whether the rows reach an expansion from `nodes[j]` in that node's order, when the
    /// part starts at `start`.
    fn in_order(&self, nodes: &[&NodePattern], j: usize, start: usize, scope: &Scope) -> bool {
        if j != start {
            return false;
        }
        match nodes[j].variable.as_ref().and_then(|v| scope.get(&v.name)) {
            None => true,
            Some(var) => self.grouped == Some(var.slot),
        }
    }

    /// Whether an expansion along `r` to `far`, last in its part, only feeds counts.
    fn is_counted(&self, r: &RelPattern, far: &NodePattern) -> bool {
        let Some(used) = &self.counted else {
            return false;
        };
        let reads = |v: &Option<Ident>| v.as_ref().is_some_and(|v| used.contains(&v.name));
        r.length.is_none() && !reads(&r.variable) && !reads(&far.variable)
    }

    /// Average relationships per `from` node along `r` walked in direction `dir`.
    fn fan_out(&self, from: &NodePattern, r: &RelPattern, dir: Dir, to: &NodePattern) -> f64 {
        let types: Vec<Arc<str>> = r.types.iter().map(|t| arc(&t.name)).collect();
        let (fl, tl) = (first_label(from), first_label(to));
        let edges = match dir {
            Dir::Out => self.catalog.rel_count(fl, &types, tl),
            Dir::In => self.catalog.rel_count(tl, &types, fl),
            Dir::Both => {
                self.catalog.rel_count(fl, &types, tl) + self.catalog.rel_count(tl, &types, fl)
            }
        } as f64;
        let sources = fl.map_or(self.catalog.node_count(), |l| self.catalog.label_count(l));
        let per = edges / sources.max(1) as f64;
        match r.length {
            // A variable-length hop repeats the fan-out (capped at 3 levels for the estimate).
            Some(range) => {
                let hops = range.max.unwrap_or(3).clamp(1, 3) as i32;
                (1..=hops).map(|h| per.powi(h)).sum()
            }
            None => per,
        }
    }

    /// Estimated rows produced by a part that starts at node `start`.
    pub(super) fn part_cost(
        &self,
        nodes: &[&NodePattern],
        rels: &[&RelPattern],
        start: usize,
        scope: &Scope,
    ) -> f64 {
        let first = (self.start_cost(nodes[start], scope) as f64).max(1.0);
        let mut total = first;
        let mut rows = first;
        let random = |j: usize, rows: f64| {
            if self.in_order(nodes, j, start, scope) {
                0.0
            } else {
                rows * RANDOM_SOURCE
            }
        };
        // (relationship, source, far node) in the order the plan walks them: right of the
        // start, then, from the rows the walk forward produced, left of it.
        let walk: Vec<(usize, usize, usize, Dir)> = (start..rels.len())
            .map(|ri| (ri, ri, ri + 1, dir_of(rels[ri].direction)))
            .chain(
                (0..start)
                    .rev()
                    .map(|ri| (ri, ri + 1, ri, reverse(dir_of(rels[ri].direction)))),
            )
            .collect();
        let counted_last = walk.last().is_some_and(|&(ri, _, far, _)| {
            self.closing.is_empty() && self.is_counted(rels[ri], nodes[far])
        });
        for (step, &(ri, from, to, dir)) in walk.iter().enumerate() {
            total += random(from, rows);
            let before = rows;
            rows *= self.fan_out(nodes[from], rels[ri], dir, nodes[to]);
            total += if counted_last && step + 1 == walk.len() {
                before
            } else {
                rows
            };
        }
        let start_var = nodes[start].variable.as_ref().map(|v| v.name.as_str());
        for ends in &self.closing {
            if !ends.iter().any(|e| Some(e.as_str()) == start_var) {
                total += rows * RANDOM_SOURCE;
            }
        }
        total
    }
}
