//! Per-node adjacency split by relationship type, beside petgraph's own edge lists.
//!
//! petgraph threads each node's edges in one list per direction, all types mixed, so
//! expanding `-[:KNOWS]->` from a node with a thousand `LIKES` walks all of them. Here each
//! node has, per direction, a short list of `(type, relationships)` groups; an expansion by
//! type reads only its group. Relationships stay in a group while tombstoned (readers skip
//! them, as they do in petgraph's lists) and leave it when petgraph drops them (rollback of a
//! creation, purge at commit). See docs/decisions/0005-adjacency-by-type.md.

use super::Sym;
use crate::value::{NodeId, RelId};

/// One direction of one node: groups by type, in first-use order.
#[derive(Debug, Default, Clone)]
struct Groups(Vec<(Sym, Vec<RelId>)>);

impl Groups {
    fn get(&self, ty: Sym) -> &[RelId] {
        self.0
            .iter()
            .find(|(t, _)| *t == ty)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    fn add(&mut self, ty: Sym, r: RelId) {
        match self.0.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, v)) => v.push(r),
            None => self.0.push((ty, vec![r])),
        }
    }

    fn remove(&mut self, ty: Sym, r: RelId) {
        if let Some(gi) = self.0.iter().position(|(t, _)| *t == ty) {
            #[allow(clippy::indexing_slicing)] // `gi` was just found by `position`
            let v = &mut self.0[gi].1;
            // Removals are mostly of recent relationships: search from the end.
            if let Some(i) = v.iter().rposition(|x| *x == r) {
                v.remove(i);
            }
            if v.is_empty() {
                self.0.swap_remove(gi);
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
struct NodeAdj {
    out: Groups,
    inc: Groups,
}

/// Adjacency by type for every node slot.
#[derive(Debug, Default, Clone)]
pub(super) struct TypedAdjacency {
    nodes: Vec<NodeAdj>,
}

impl TypedAdjacency {
    fn slot(&mut self, n: NodeId) -> &mut NodeAdj {
        let i = n.0 as usize;
        if self.nodes.len() <= i {
            self.nodes.resize_with(i + 1, NodeAdj::default);
        }
        #[allow(clippy::indexing_slicing)] // resized above to hold `i`
        &mut self.nodes[i]
    }

    pub(super) fn add(&mut self, start: NodeId, end: NodeId, ty: Sym, r: RelId) {
        self.slot(start).out.add(ty, r);
        self.slot(end).inc.add(ty, r);
    }

    pub(super) fn remove(&mut self, start: NodeId, end: NodeId, ty: Sym, r: RelId) {
        self.slot(start).out.remove(ty, r);
        self.slot(end).inc.remove(ty, r);
    }

    /// Replaces every group by those of `out` and `inc`: (node, type, relationship) triples
    /// sorted by node, then type, then relationship.
    pub(super) fn rebuild(
        &mut self,
        nodes: usize,
        out: &[(NodeId, Sym, RelId)],
        inc: &[(NodeId, Sym, RelId)],
    ) {
        self.nodes = vec![NodeAdj::default(); nodes];
        for (list, outgoing) in [(out, true), (inc, false)] {
            for run in list.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
                let Some(&(node, ty, _)) = run.first() else {
                    continue;
                };
                let rels = run.iter().map(|(_, _, r)| *r).collect();
                let adj = self.slot(node);
                let groups = if outgoing { &mut adj.out } else { &mut adj.inc };
                groups.0.push((ty, rels));
            }
        }
    }

    /// Relationships of type `ty` leaving (`out`) or entering `n`, oldest first.
    pub(super) fn get(&self, n: NodeId, out: bool, ty: Sym) -> &[RelId] {
        match self.nodes.get(n.0 as usize) {
            Some(a) if out => a.out.get(ty),
            Some(a) => a.inc.get(ty),
            None => &[],
        }
    }
}
