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
//!   contents of all groups back to back in `cells`), with no allocation of its own. A
//!   group whose relationship ids are consecutive (an outgoing group of a file sorted by
//!   start node, as exports are) stores its first id and the far nodes, 4 bytes an entry;
//!   any other stores (relationship, far node) pairs, 8 bytes an entry;
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
/// Set in the type of a frozen group of consecutive relationship ids: its cells are the
/// first id, then the far node of each relationship.
const RUN: Sym = 1 << 30;
/// The bits of a frozen group's type that are the type.
const TYPE: Sym = !(LAST | RUN);

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
    /// Per frozen node direction: (type, start in `cells`) per group, types ascending, the
    /// last with [`LAST`] set in its type, a group of consecutive ids with [`RUN`]; then one
    /// entry whose start is the end of `cells`. A group ends where the next entry starts
    /// (groups are in `cells` in `frozen` order), so a node direction needs no header.
    frozen: Vec<(Sym, u32)>,
    /// The contents of the frozen groups, each group oldest first: (relationship, far
    /// node) pairs, or for a [`RUN`] the first relationship, then the far nodes.
    cells: Vec<u32>,
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
    fn frozen_groups(&self, h: usize) -> impl Iterator<Item = (Sym, Group<'_>)> + '_ {
        let mut at = Some(h);
        std::iter::from_fn(move || {
            let i = at?;
            let (&(ty, _), group) = (self.frozen.get(i)?, self.frozen_group(i)?);
            at = (ty & LAST == 0).then_some(i + 1);
            Some((ty & TYPE, group))
        })
    }

    /// The frozen group at `i` of `frozen`.
    #[inline]
    fn frozen_group(&self, i: usize) -> Option<Group<'_>> {
        let (&(ty, start), &(_, stop)) = (self.frozen.get(i)?, self.frozen.get(i + 1)?);
        let cells = self.cells.get(start as usize..stop as usize)?;
        Some(match cells.split_first() {
            Some((first, far)) if ty & RUN != 0 => Group::Run(*first, far),
            _ => Group::Pairs(cells),
        })
    }

    /// A copy of the frozen groups whose header is at `h`.
    fn thaw(&self, h: usize) -> Groups {
        Groups(
            self.frozen_groups(h)
                .map(|(ty, group)| {
                    let mut v = Vec::with_capacity(group.len());
                    group.for_each(|e| v.push(e));
                    (ty, v)
                })
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
        let same_group = |a: &Quad, b: &Quad| a.0 == b.0 && a.1 == b.1;
        // A group's relationships ascend: consecutive ids end `len - 1` above the first.
        let is_run = |g: &[Quad]| match (g.first(), g.last()) {
            (Some(a), Some(z)) => z.2 .0 - a.2 .0 == g.len() as u32 - 1,
            _ => false,
        };
        let cells_of = |g: &[Quad]| if is_run(g) { g.len() + 1 } else { 2 * g.len() };
        // Sizes, and whether every type leaves the flag bits clear (a group's type is
        // that of its first entry).
        let (mut entries, mut cells, mut narrow_types) = (1, 0, true);
        for g in out.chunk_by(same_group).chain(inc.chunk_by(same_group)) {
            entries += 1;
            cells += cells_of(g);
            narrow_types &= g.first().is_none_or(|q| q.1 & !TYPE == 0);
        }
        *self = TypedAdjacency {
            heads: vec![Heads::EMPTY; nodes],
            frozen: Vec::with_capacity(entries),
            cells: Vec::with_capacity(cells),
            moved: Vec::new(),
        };
        // Offsets are u32 and frozen indices stay below MOVED; a graph too large for that
        // (billions of relationships) keeps the moved layout instead.
        let fits = entries < MOVED as usize && cells <= u32::MAX as usize && narrow_types;
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
                    let Some(&(_, ty, first, _)) = group.first() else {
                        continue;
                    };
                    let start = self.cells.len() as u32;
                    if is_run(group) {
                        self.frozen.push((ty | RUN, start));
                        self.cells.push(first.0);
                        self.cells.extend(group.iter().map(|t| t.3 .0));
                    } else {
                        self.frozen.push((ty, start));
                        self.cells
                            .extend(group.iter().flat_map(|t| [t.2 .0, t.3 .0]));
                    }
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
            self.frozen.push((0, self.cells.len() as u32));
        }
    }

    /// Relationships of type `ty` leaving (`out`) or entering `n`, oldest first, with the
    /// node at their other end.
    #[inline]
    pub(super) fn get(&self, n: NodeId, out: bool, ty: Sym) -> Group<'_> {
        const NONE: Group<'static> = Group::Pairs(&[]);
        let Some(head) = self.heads.get(n.0 as usize).map(|h| h.get(out)) else {
            return NONE;
        };
        if head == EMPTY {
            return NONE;
        }
        if head & MOVED != 0 {
            return self
                .moved
                .get((head & !MOVED) as usize)
                .map_or(NONE, |g| Group::Entries(g.get(ty)));
        }
        // The groups' types ascend: stop at the first one not below `ty`.
        let mut i = head as usize;
        while let Some(&(t, _)) = self.frozen.get(i) {
            let found = t & TYPE;
            if found >= ty {
                if found > ty {
                    break;
                }
                return self.frozen_group(i).unwrap_or(NONE);
            }
            if t & LAST != 0 {
                break;
            }
            i += 1;
        }
        NONE
    }
}

/// The relationships of one type at one node direction, oldest first, each with the node at
/// its other end.
#[derive(Debug, Clone, Copy)]
pub(super) enum Group<'a> {
    /// Of the moved layout.
    Entries(&'a [Entry]),
    /// Frozen: (relationship, far node) pairs, flattened.
    Pairs(&'a [u32]),
    /// Frozen: consecutive relationships from the first, with their far nodes.
    Run(u32, &'a [u32]),
}

impl Group<'_> {
    pub(super) fn len(self) -> usize {
        match self {
            Group::Entries(e) => e.len(),
            Group::Pairs(c) => c.len() / 2,
            Group::Run(_, far) => far.len(),
        }
    }

    /// `f` of each relationship, oldest first.
    #[inline]
    pub(super) fn for_each(self, mut f: impl FnMut(Entry)) {
        match self {
            Group::Entries(e) => e.iter().for_each(|&x| f(x)),
            Group::Pairs(c) => c
                .as_chunks::<2>()
                .0
                .iter()
                .for_each(|&[r, n]| f((RelId(r), NodeId(n)))),
            Group::Run(first, far) => far
                .iter()
                .enumerate()
                .for_each(|(i, n)| f((RelId(first + i as u32), NodeId(*n)))),
        }
    }

    /// `f` of each relationship, newest first.
    #[inline]
    pub(super) fn for_each_rev(self, mut f: impl FnMut(Entry)) {
        match self {
            Group::Entries(e) => e.iter().rev().for_each(|&x| f(x)),
            Group::Pairs(c) => c
                .as_chunks::<2>()
                .0
                .iter()
                .rev()
                .for_each(|&[r, n]| f((RelId(r), NodeId(n)))),
            Group::Run(first, far) => far
                .iter()
                .enumerate()
                .rev()
                .for_each(|(i, n)| f((RelId(first + i as u32), NodeId(*n)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(adj: &TypedAdjacency, n: NodeId, out: bool, ty: Sym) -> Vec<Entry> {
        let mut v = Vec::new();
        adj.get(n, out, ty).for_each(|e| v.push(e));
        let mut back = Vec::new();
        adj.get(n, out, ty).for_each_rev(|e| back.push(e));
        back.reverse();
        assert_eq!(v, back);
        assert_eq!(adj.get(n, out, ty).len(), v.len());
        v
    }

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
        assert_eq!(entries(&adj, a, true, 1), [(RelId(0), b), (RelId(2), b)]);
        assert_eq!(entries(&adj, a, true, 2), [(RelId(1), c)]);
        assert_eq!(entries(&adj, a, true, 3), []);
        assert_eq!(entries(&adj, a, false, 1), []);
        assert_eq!(entries(&adj, c, false, 2), [(RelId(1), a)]);
        adj.add(a, c, 2, RelId(3));
        adj.remove(a, b, 1, RelId(0));
        assert_eq!(entries(&adj, a, true, 1), [(RelId(2), b)]);
        assert_eq!(entries(&adj, a, true, 2), [(RelId(1), c), (RelId(3), c)]);
        assert_eq!(entries(&adj, c, false, 2), [(RelId(1), a), (RelId(3), a)]);
        assert_eq!(entries(&adj, b, false, 1), [(RelId(2), a)]);
        adj.add(NodeId(7), a, 4, RelId(4));
        assert_eq!(entries(&adj, NodeId(7), true, 4), [(RelId(4), a)]);
        assert_eq!(entries(&adj, a, false, 4), [(RelId(4), NodeId(7))]);
    }

    /// Groups of consecutive ids keep their first id and far nodes only; others keep
    /// pairs; both read the same, and thaw the same when written to.
    #[test]
    fn runs_of_consecutive_ids_read_as_pairs_do() {
        let (a, b, c, d) = (NodeId(0), NodeId(1), NodeId(2), NodeId(3));
        let out = [
            (a, 1, RelId(10), b),
            (a, 1, RelId(11), c),
            (a, 1, RelId(12), d),
            (a, 2, RelId(20), b),
            (a, 2, RelId(22), c),
            (b, 1, RelId(13), c),
        ];
        let mut inc: Vec<Quad> = out.iter().map(|&(s, t, r, e)| (e, t, r, s)).collect();
        inc.sort_unstable();
        let mut adj = TypedAdjacency::default();
        adj.rebuild(4, &out, &inc);
        let runs = adj.frozen.iter().filter(|(t, _)| t & RUN != 0).count();
        // a's type 1, b's type 1 and the four incoming groups of one relationship.
        assert_eq!(runs, 2 + 4);
        // Out: 1 + 3 cells for a's run, 4 for its pairs (20, 22), 2 for b's run. In: 2 for
        // each of the four runs of one, 4 for c's type-1 pairs (11, 13).
        assert_eq!(adj.cells.len(), 4 + 4 + 2 + 2 * 4 + 4);
        for (n, o, t) in [
            (a, true, 1),
            (a, true, 2),
            (b, true, 1),
            (c, false, 1),
            (c, false, 2),
        ] {
            let want: Vec<Entry> = if o { &out[..] } else { &inc[..] }
                .iter()
                .filter(|q| q.0 == n && q.1 == t)
                .map(|q| (q.2, q.3))
                .collect();
            assert_eq!(entries(&adj, n, o, t), want, "{n:?} {o} {t}");
        }
        adj.add(a, d, 1, RelId(30));
        assert_eq!(
            entries(&adj, a, true, 1),
            [
                (RelId(10), b),
                (RelId(11), c),
                (RelId(12), d),
                (RelId(30), d)
            ]
        );
        assert_eq!(entries(&adj, a, true, 2), [(RelId(20), b), (RelId(22), c)]);
    }
}
