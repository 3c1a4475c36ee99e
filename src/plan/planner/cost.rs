//! The cost model for where a pattern part starts (docs/decisions/0006-planner-cost-model.md).
//!
//! The cost of starting at node `i` is the number of rows the part's operators produce in
//! total: the start's estimated rows (bound variable 1, key 1, index seek from its
//! selectivity guess, else the smallest label count or all nodes), then for every expansion
//! the rows so far times the average number of matching relationships per source node, read
//! from the store's (label, type, label) counts.

use super::*;

/// The single label a node pattern names first, if any.
fn first_label(n: &NodePattern) -> Option<&str> {
    n.labels
        .iter()
        .find(|g| g.len() == 1)
        .map(|g| g[0].name.as_str())
}

impl Planner<'_> {
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
        for ri in start..rels.len() {
            let dir = dir_of(rels[ri].direction);
            rows *= self.fan_out(nodes[ri], rels[ri], dir, nodes[ri + 1]);
            total += rows;
        }
        // The plan walks the nodes before the start next, from the rows the walk forward
        // produced: those expansions multiply them further (no reset to `first`).
        for ri in (0..start).rev() {
            let dir = reverse(dir_of(rels[ri].direction));
            rows *= self.fan_out(nodes[ri + 1], rels[ri], dir, nodes[ri]);
            total += rows;
        }
        total
    }
}
