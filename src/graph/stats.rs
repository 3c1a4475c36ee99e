//! Counts for the planner's estimates, kept by every write and rollback (never by scans):
//! relationships per (start label, type, end label), with [`ANY_LABEL`] standing for "any
//! node" on either side. Label and type counts live in the label index and `type_counts`.

use std::collections::HashMap;

use super::{Graph, Sym};
use crate::value::RelId;

/// Stands for "any label" in a (label, type, label) triple.
pub const ANY_LABEL: Sym = Sym::MAX;

/// foldhash: the planner and expansions read these counts per statement.
pub(super) type TripleCounts = HashMap<(Sym, Sym, Sym), u64, foldhash::fast::RandomState>;

/// Adds (`add`) or takes away `n` relationships of type `ty` from nodes labelled `from` to
/// nodes labelled `to`, in every (label or any, type, label or any) triple but the (any,
/// any) one, which is the type count.
pub(super) fn bump(
    triples: &mut TripleCounts,
    from: &[Sym],
    ty: Sym,
    to: &[Sym],
    n: u64,
    add: bool,
) {
    for a in std::iter::once(&ANY_LABEL).chain(from) {
        for b in std::iter::once(&ANY_LABEL).chain(to) {
            if *a == ANY_LABEL && *b == ANY_LABEL {
                continue;
            }
            let c = triples.entry((*a, ty, *b)).or_default();
            if add {
                *c += n;
            } else {
                *c = c.saturating_sub(n);
            }
        }
    }
}

impl Graph {
    /// Counts live relationship `r` in (`add`) or out of the triples of its endpoints'
    /// current labels.
    pub(super) fn count_rel(&mut self, r: RelId, add: bool) {
        let (Some(rec), Some((s, e))) = (self.rel_rec(r), self.endpoints(r)) else {
            return;
        };
        let ty = rec.ty();
        // Through the petgraph field, so the labels stay borrowed while the counts change.
        let g = &self.g;
        let labels = |n| {
            g.node_weight(super::ni(n))
                .map_or(&[][..], |rec| &rec.labels[..])
        };
        let (from, to) = (labels(s), labels(e));
        bump(&mut self.triples, from, ty, to, 1, add);
    }

    /// Live relationships of type `ty` from a node with label `from` to one with label `to`
    /// ([`ANY_LABEL`] for any node).
    pub fn triple_count(&self, from: Sym, ty: Sym, to: Sym) -> u64 {
        if from == ANY_LABEL && to == ANY_LABEL {
            return self.type_count(ty);
        }
        self.triples.get(&(from, ty, to)).copied().unwrap_or(0)
    }

    /// Live relationships of type `ty`.
    pub fn type_count(&self, ty: Sym) -> u64 {
        self.type_counts.get(&ty).copied().unwrap_or(0)
    }
}
