//! Counts for the planner's estimates, kept by every write and rollback (never by scans):
//! relationships per (start label, type, end label), with [`ANY_LABEL`] standing for "any
//! node" on either side. Label and type counts live in the label index and `type_counts`.

use std::collections::HashMap;

use super::{Graph, Sym};
use crate::value::RelId;

/// Stands for "any label" in a (label, type, label) triple.
pub const ANY_LABEL: Sym = Sym::MAX;

pub(super) type TripleCounts = HashMap<(Sym, Sym, Sym), u64>;

impl Graph {
    /// Counts live relationship `r` in (`add`) or out of the triples of its endpoints'
    /// current labels.
    pub(super) fn count_rel(&mut self, r: RelId, add: bool) {
        let (Some(rec), Some((s, e))) = (self.rel_rec(r), self.endpoints(r)) else {
            return;
        };
        let ty = rec.ty;
        let labels = |n| {
            let mut v = vec![ANY_LABEL];
            if let Some(rec) = self.node_rec(n) {
                v.extend(rec.labels.iter().copied());
            }
            v
        };
        let (from, to) = (labels(s), labels(e));
        for a in &from {
            for b in &to {
                if *a == ANY_LABEL && *b == ANY_LABEL {
                    continue; // that is the type count
                }
                let c = self.triples.entry((*a, ty, *b)).or_default();
                if add {
                    *c += 1;
                } else {
                    *c = c.saturating_sub(1);
                }
            }
        }
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
