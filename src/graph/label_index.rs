//! The label index: the live nodes of each label, read in id order.
//!
//! A label's nodes are a `BTreeSet` (sparse) or a bitset over node ids (dense: one bit per
//! id below the highest, about 1/80 of the set's memory when most nodes carry the label).
//! Labels first used during a bulk load start dense; [`LabelIndex::compact`], at the end of
//! a bulk load, moves each label to whichever form is clearly smaller. Ordinary writes never
//! switch forms, so each costs O(log n) (sparse) or amortised O(1) (dense) as before, with
//! no back-and-forth conversions. See docs/decisions/0011-compact-graph-memory.md.

use std::collections::{BTreeSet, HashMap};

use super::Sym;
use crate::value::NodeId;

/// Bytes per node a sparse set costs, roughly (B-tree leaves about half full).
const SPARSE_BYTES: usize = 12;

#[derive(Debug, Clone)]
enum NodeSet {
    Sparse(BTreeSet<NodeId>),
    /// Bit `i % 64` of word `i / 64` stands for node `i`; `len` bits are set.
    Dense {
        bits: Vec<u64>,
        len: usize,
    },
}

impl NodeSet {
    fn insert(&mut self, id: NodeId) {
        match self {
            NodeSet::Sparse(set) => {
                set.insert(id);
            }
            NodeSet::Dense { bits, len } => {
                let (word, bit) = (id.0 as usize / 64, 1u64 << (id.0 % 64));
                if bits.len() <= word {
                    bits.resize(word + 1, 0);
                }
                if let Some(w) = bits.get_mut(word) {
                    if *w & bit == 0 {
                        *w |= bit;
                        *len += 1;
                    }
                }
            }
        }
    }

    fn remove(&mut self, id: NodeId) {
        match self {
            NodeSet::Sparse(set) => {
                set.remove(&id);
            }
            NodeSet::Dense { bits, len } => {
                let (word, bit) = (id.0 as usize / 64, 1u64 << (id.0 % 64));
                if let Some(w) = bits.get_mut(word) {
                    if *w & bit != 0 {
                        *w &= !bit;
                        *len -= 1;
                    }
                }
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            NodeSet::Sparse(set) => set.len(),
            NodeSet::Dense { len, .. } => *len,
        }
    }

    fn ids(&self) -> Vec<NodeId> {
        let mut out = Vec::with_capacity(self.len());
        self.ids_from(0, usize::MAX, &mut out);
        out
    }

    /// Up to `max` ids from `from` on, in order, appended to `out`; the id to go on from
    /// when more may follow.
    fn ids_from(&self, from: u32, max: usize, out: &mut Vec<NodeId>) -> Option<u32> {
        let mut taken = 0;
        match self {
            NodeSet::Sparse(set) => {
                for n in set.range(NodeId(from)..) {
                    if taken == max {
                        return Some(n.0);
                    }
                    out.push(*n);
                    taken += 1;
                }
                None
            }
            NodeSet::Dense { bits, .. } => {
                let first = from as usize / 64;
                for (i, &w) in bits.iter().enumerate().skip(first) {
                    // In the first word, the bits below `from` are not wanted.
                    let mut w = if i == first {
                        w & (!0u64 << (from % 64))
                    } else {
                        w
                    };
                    while w != 0 {
                        let id = (i * 64) as u32 + w.trailing_zeros();
                        if taken == max {
                            return Some(id);
                        }
                        out.push(NodeId(id));
                        taken += 1;
                        w &= w - 1;
                    }
                }
                None
            }
        }
    }

    /// The same set in whichever form is clearly smaller (a factor of two either way keeps
    /// the current one).
    fn compacted(self) -> NodeSet {
        let sparse_bytes = self.len() * SPARSE_BYTES;
        match self {
            NodeSet::Sparse(set) => {
                let words = set.last().map_or(0, |n| n.0 as usize / 64 + 1);
                if words * 8 * 2 > sparse_bytes {
                    return NodeSet::Sparse(set);
                }
                let mut dense = NodeSet::Dense {
                    bits: vec![0; words],
                    len: 0,
                };
                set.into_iter().for_each(|n| dense.insert(n));
                dense
            }
            NodeSet::Dense { mut bits, len } => {
                while bits.last() == Some(&0) {
                    bits.pop();
                }
                if bits.len() * 8 <= sparse_bytes * 2 {
                    bits.shrink_to_fit();
                    return NodeSet::Dense { bits, len };
                }
                NodeSet::Sparse(NodeSet::Dense { bits, len }.ids().into_iter().collect())
            }
        }
    }
}

/// The nodes of every label.
#[derive(Debug, Default, Clone)]
pub(super) struct LabelIndex(HashMap<Sym, NodeSet>);

impl LabelIndex {
    /// Adds `id` to `label`'s nodes; a label new to the index starts dense when `bulk`.
    pub(super) fn insert(&mut self, label: Sym, id: NodeId, bulk: bool) {
        self.0
            .entry(label)
            .or_insert_with(|| {
                if bulk {
                    NodeSet::Dense {
                        bits: Vec::new(),
                        len: 0,
                    }
                } else {
                    NodeSet::Sparse(BTreeSet::new())
                }
            })
            .insert(id);
    }

    pub(super) fn remove(&mut self, label: Sym, id: NodeId) {
        if let Some(set) = self.0.get_mut(&label) {
            set.remove(id);
        }
    }

    /// `label`'s nodes in id order.
    pub(super) fn nodes(&self, label: Sym) -> Vec<NodeId> {
        self.0.get(&label).map(NodeSet::ids).unwrap_or_default()
    }

    /// [`NodeSet::ids_from`] of `label`'s nodes.
    pub(super) fn nodes_from(
        &self,
        label: Sym,
        from: u32,
        max: usize,
        out: &mut Vec<NodeId>,
    ) -> Option<u32> {
        self.0.get(&label)?.ids_from(from, max, out)
    }

    pub(super) fn count(&self, label: Sym) -> usize {
        self.0.get(&label).map_or(0, NodeSet::len)
    }

    /// Every label with its node count (empty ones included), in no particular order.
    pub(super) fn counts(&self) -> impl Iterator<Item = (Sym, usize)> + '_ {
        self.0.iter().map(|(l, s)| (*l, s.len()))
    }

    /// Puts each label's nodes in the smaller form (at the end of a bulk load).
    pub(super) fn compact(&mut self) {
        for set in self.0.values_mut() {
            let taken = std::mem::replace(set, NodeSet::Sparse(BTreeSet::new()));
            *set = taken.compacted();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_answer_alike() {
        let ids: Vec<NodeId> = [3u32, 64, 65, 700, 5].into_iter().map(NodeId).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        for bulk in [false, true] {
            let mut ix = LabelIndex::default();
            ids.iter().for_each(|n| ix.insert(1, *n, bulk));
            ix.insert(1, NodeId(64), bulk);
            assert_eq!(ix.nodes(1), sorted);
            assert_eq!(ix.count(1), 5);
            ix.compact();
            assert_eq!(ix.nodes(1), sorted);
            ix.remove(1, NodeId(700));
            ix.remove(1, NodeId(701));
            assert_eq!(ix.count(1), 4);
            ix.compact();
            assert_eq!(ix.nodes(1), &sorted[..4]);
            assert!(matches!(ix.0.get(&1), Some(NodeSet::Dense { .. })));
        }
        let mut far = LabelIndex::default();
        far.insert(2, NodeId(1_000_000), true);
        far.compact();
        assert!(matches!(far.0.get(&2), Some(NodeSet::Sparse(_))));
        assert_eq!(far.nodes(2), [NodeId(1_000_000)]);
        assert_eq!(far.nodes(3), []);
    }
}
