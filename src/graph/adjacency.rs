//! Per-node adjacency split by relationship type, beside petgraph's own edge lists.
//!
//! petgraph threads each node's edges in one list per direction, all types mixed, so
//! expanding `-[:KNOWS]->` from a node with a thousand `LIKES` walks all of them. Here each
//! node has, per direction, a short list of `(type, relationships)` groups; an expansion by
//! type reads only its group. Each entry holds the relationship and the node at its other
//! end, so an expansion reads the group alone, not petgraph's edge of every relationship
//! (a random access each). Relationships stay in a group while tombstoned (readers skip
//! them, as they do in petgraph's lists) and leave it when petgraph drops them (rollback of a
//! creation, purge at commit). See docs/decisions/0005-adjacency-by-type.md.
//!
//! Two layouts, chosen per node and direction:
//! - *frozen*, what a bulk load ([`TypedAdjacency::rebuild`]) builds: every node direction's
//!   groups packed into two shared arrays (`(type, start)` per group in `frozen`, the
//!   relationships of all groups back to back in `rels`), with no allocation of its own;
//! - *moved*, for a node direction written since: its own `Vec` of groups, each a `Vec`.
//!
//! The first write to a frozen node direction copies its groups into the moved layout (once:
//! later writes are amortised O(1) pushes, as before); the frozen copy stays unused until the
//! next rebuild. See docs/decisions/0011-compact-graph-memory.md.

use super::Sym;
use crate::value::{NodeId, RelId};

/// A relationship and the node at its other end.
pub(super) type Entry = (RelId, NodeId);

/// What a rebuild takes per relationship end: (node, type, relationship, other end).
pub(super) type Quad = (NodeId, Sym, RelId, NodeId);

/// A node direction without relationships.
const EMPTY: u32 = u32::MAX;
/// Set in a head that indexes `moved` (clear: it indexes `frozen`).
const MOVED: u32 = 1 << 31;
/// Set in the type of the last frozen group of a node direction.
const LAST: Sym = 1 << 31;

/// One direction of one node in the moved layout: groups by type, in first-use order.
#[derive(Debug, Default, Clone)]
struct Groups(Vec<(Sym, Vec<Entry>)>);

impl Groups {
    fn get(&self, ty: Sym) -> &[Entry] {
        self.0
            .iter()
            .find(|(t, _)| *t == ty)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    fn add(&mut self, ty: Sym, r: Entry) {
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
            if let Some(i) = v.iter().rposition(|x| x.0 == r) {
                v.remove(i);
            }
            if v.is_empty() {
                self.0.swap_remove(gi);
            }
        }
    }
}

/// Adjacency by type for every node slot.
#[derive(Debug, Default, Clone)]
pub(super) struct TypedAdjacency {
    /// Per node slot.
    heads: Vec<Heads>,
    /// Per frozen node direction: (type, start in `rels`) per group, types ascending, the
    /// last with [`LAST`] set in its type; then one entry whose start is the end of `rels`.
    /// A group ends where the next entry starts (groups are in `rels` in `frozen` order),
    /// so a node direction needs no header of its own.
    frozen: Vec<(Sym, u32)>,
    /// The entries of the frozen groups, each group oldest first.
    rels: Vec<Entry>,
    /// Node directions in the moved layout.
    moved: Vec<Groups>,
}

/// Where the two directions of one node slot keep their groups: [`EMPTY`], an index into
/// `frozen` or [`MOVED`] | an index into `moved`.
#[derive(Debug, Clone, Copy)]
struct Heads {
    out: u32,
    inc: u32,
}

impl Heads {
    const EMPTY: Heads = Heads {
        out: EMPTY,
        inc: EMPTY,
    };

    fn get(self, out: bool) -> u32 {
        if out {
            self.out
        } else {
            self.inc
        }
    }

    fn set(&mut self, out: bool, head: u32) {
        if out {
            self.out = head;
        } else {
            self.inc = head;
        }
    }
}

impl TypedAdjacency {
    /// The groups of one node direction in the moved layout, moving them there first.
    fn groups_mut(&mut self, n: NodeId, out: bool) -> &mut Groups {
        let i = n.0 as usize;
        if self.heads.len() <= i {
            self.heads.resize(i + 1, Heads::EMPTY);
        }
        let head = self.heads.get(i).map_or(EMPTY, |h| h.get(out));
        let at = if head != EMPTY && head & MOVED != 0 {
            (head & !MOVED) as usize
        } else {
            let groups = if head == EMPTY {
                Groups::default()
            } else {
                self.thaw(head as usize)
            };
            let at = self.moved.len();
            self.moved.push(groups);
            if let Some(h) = self.heads.get_mut(i) {
                h.set(out, at as u32 | MOVED);
            }
            at
        };
        #[allow(clippy::indexing_slicing)] // heads only hold indices of `moved` entries
        &mut self.moved[at]
    }

    /// The frozen groups of the node direction whose first group is at `h`: type and
    /// relationships of each.
    fn frozen_groups(&self, h: usize) -> impl Iterator<Item = (Sym, &[Entry])> + '_ {
        let mut at = Some(h);
        std::iter::from_fn(move || {
            let i = at?;
            let (&(ty, start), &(_, stop)) = (self.frozen.get(i)?, self.frozen.get(i + 1)?);
            at = (ty & LAST == 0).then_some(i + 1);
            Some((
                ty & !LAST,
                self.rels.get(start as usize..stop as usize).unwrap_or(&[]),
            ))
        })
    }

    /// A copy of the frozen groups whose header is at `h`.
    fn thaw(&self, h: usize) -> Groups {
        Groups(
            self.frozen_groups(h)
                .map(|(ty, rels)| (ty, rels.to_vec()))
                .collect(),
        )
    }

    pub(super) fn add(&mut self, start: NodeId, end: NodeId, ty: Sym, r: RelId) {
        self.groups_mut(start, true).add(ty, (r, end));
        self.groups_mut(end, false).add(ty, (r, start));
    }

    pub(super) fn remove(&mut self, start: NodeId, end: NodeId, ty: Sym, r: RelId) {
        self.groups_mut(start, true).remove(ty, r);
        self.groups_mut(end, false).remove(ty, r);
    }

    /// Replaces every group by those of `out` and `inc`: (node, type, relationship, other
    /// end) sorted by node, then type, then relationship. All of them are frozen.
    pub(super) fn rebuild(&mut self, nodes: usize, out: &[Quad], inc: &[Quad]) {
        let groups = |list: &[Quad]| list.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1).count();
        let entries = groups(out) + groups(inc) + 1;
        let total = out.len() + inc.len();
        *self = TypedAdjacency {
            heads: vec![Heads::EMPTY; nodes],
            frozen: Vec::with_capacity(entries),
            rels: Vec::with_capacity(total),
            moved: Vec::new(),
        };
        // Offsets are u32 and frozen indices stay below MOVED; a graph too large for that
        // (billions of relationships) keeps the moved layout instead.
        let fits = entries < MOVED as usize
            && total <= u32::MAX as usize
            && out.iter().chain(inc).all(|q| q.1 & LAST == 0);
        for (list, out) in [(out, true), (inc, false)] {
            for run in list.chunk_by(|a, b| a.0 == b.0) {
                let Some(&(node, _, _, _)) = run.first() else {
                    continue;
                };
                if !fits {
                    for &(_, ty, r, other) in run {
                        self.groups_mut(node, out).add(ty, (r, other));
                    }
                    continue;
                }
                let h = self.frozen.len();
                for group in run.chunk_by(|a, b| a.1 == b.1) {
                    let Some(&(_, ty, _, _)) = group.first() else {
                        continue;
                    };
                    self.frozen.push((ty, self.rels.len() as u32));
                    self.rels.extend(group.iter().map(|t| (t.2, t.3)));
                }
                if let Some(last) = self.frozen.last_mut() {
                    last.0 |= LAST;
                }
                let i = node.0 as usize;
                if self.heads.len() <= i {
                    self.heads.resize(i + 1, Heads::EMPTY);
                }
                if let Some(heads) = self.heads.get_mut(i) {
                    heads.set(out, h as u32);
                }
            }
        }
        // The end of the last group.
        if fits {
            self.frozen.push((0, self.rels.len() as u32));
        }
    }

    /// Relationships of type `ty` leaving (`out`) or entering `n`, oldest first, with the
    /// node at their other end.
    pub(super) fn get(&self, n: NodeId, out: bool, ty: Sym) -> &[Entry] {
        let Some(head) = self.heads.get(n.0 as usize).map(|h| h.get(out)) else {
            return &[];
        };
        if head == EMPTY {
            return &[];
        }
        if head & MOVED != 0 {
            return self
                .moved
                .get((head & !MOVED) as usize)
                .map_or(&[], |g| g.get(ty));
        }
        // The groups' types ascend: stop at the first one not below `ty`.
        let mut i = head as usize;
        while let Some(&(t, start)) = self.frozen.get(i) {
            let found = t & !LAST;
            if found >= ty {
                if found > ty {
                    break;
                }
                let stop = self.frozen.get(i + 1).map_or(start, |e| e.1);
                return self.rels.get(start as usize..stop as usize).unwrap_or(&[]);
            }
            if t & LAST != 0 {
                break;
            }
            i += 1;
        }
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes after a rebuild move a node direction out of the frozen layout and keep
    /// every group's contents and order.
    #[test]
    fn writes_after_a_rebuild_keep_the_groups() {
        let (a, b, c) = (NodeId(0), NodeId(1), NodeId(2));
        let mut adj = TypedAdjacency::default();
        let out = [
            (a, 1, RelId(0), b),
            (a, 1, RelId(2), b),
            (a, 2, RelId(1), c),
        ];
        let inc = [
            (b, 1, RelId(0), a),
            (b, 1, RelId(2), a),
            (c, 2, RelId(1), a),
        ];
        adj.rebuild(3, &out, &inc);
        let none: &[Entry] = &[];
        assert_eq!(adj.get(a, true, 1), &[(RelId(0), b), (RelId(2), b)]);
        assert_eq!(adj.get(a, true, 2), &[(RelId(1), c)]);
        assert_eq!(adj.get(a, true, 3), none);
        assert_eq!(adj.get(a, false, 1), none);
        assert_eq!(adj.get(c, false, 2), &[(RelId(1), a)]);
        adj.add(a, c, 2, RelId(3));
        adj.remove(a, b, 1, RelId(0));
        assert_eq!(adj.get(a, true, 1), &[(RelId(2), b)]);
        assert_eq!(adj.get(a, true, 2), &[(RelId(1), c), (RelId(3), c)]);
        assert_eq!(adj.get(c, false, 2), &[(RelId(1), a), (RelId(3), a)]);
        assert_eq!(adj.get(b, false, 1), &[(RelId(2), a)]);
        adj.add(NodeId(7), a, 4, RelId(4));
        assert_eq!(adj.get(NodeId(7), true, 4), &[(RelId(4), a)]);
        assert_eq!(adj.get(a, false, 4), &[(RelId(4), NodeId(7))]);
    }
}
