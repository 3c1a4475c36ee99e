//! Bidirectional breadth-first search for `shortestPath` / `allShortestPaths`.
//!
//! Two searches grow level by level, one from each end (the one from the target walks
//! relationships backwards), always extending the smaller frontier. Once a level brings a
//! node that the other side has seen, the shortest length `d` is the smallest sum of the two
//! distances over the nodes both have seen; every shortest path crosses exactly one node at
//! distance `s` from the start (for a fixed `s` both sides have fully explored), so paths
//! are built as (start → that node) × (that node → target) without duplicates.

use super::{Cx, NodeMap};
use crate::error::Result;
use crate::graph::{Dir, Sym};
use crate::value::{NodeId, RelId};

/// One side of the search: distances and, per node, the relationships reaching it from
/// the previous level.
struct Side {
    dist: NodeMap<usize>,
    parents: NodeMap<Vec<(RelId, NodeId)>>,
    frontier: Vec<NodeId>,
    depth: usize,
    dir: Dir,
}

impl Side {
    fn new(start: NodeId, dir: Dir) -> Side {
        Side {
            dist: NodeMap::from_iter([(start, 0)]),
            parents: NodeMap::default(),
            frontier: vec![start],
            depth: 0,
            dir,
        }
    }

    /// Explores one more level; returns whether it met a node the other side has seen.
    fn grow(&mut self, cx: &mut Cx<'_>, types: &[Sym], other: &Side) -> Result<bool> {
        self.depth += 1;
        let mut next = Vec::new();
        let mut met = false;
        for n in std::mem::take(&mut self.frontier) {
            cx.tick()?;
            for (r, o) in cx.graph().rels_of(n, self.dir, types) {
                match self.dist.get(&o) {
                    Some(&l) if l < self.depth => continue,
                    Some(_) => {}
                    None => {
                        self.dist.insert(o, self.depth);
                        next.push(o);
                        met |= other.dist.contains_key(&o);
                    }
                }
                self.parents.entry(o).or_default().push((r, n));
            }
        }
        self.frontier = next;
        Ok(met)
    }

    /// Every shortest path from this side's start to `n`, as relationship lists walking
    /// away from the start (the first one only unless `all`).
    fn paths_to(&self, n: NodeId, all: bool) -> Vec<Vec<RelId>> {
        let mut out = Vec::new();
        let mut stack: Vec<(NodeId, Vec<RelId>)> = vec![(n, Vec::new())];
        while let Some((at, suffix)) = stack.pop() {
            let level = self.dist.get(&at).copied().unwrap_or(0);
            if level == 0 {
                let mut p = suffix;
                p.reverse();
                out.push(p);
                if !all {
                    break;
                }
                continue;
            }
            for (r, prev) in self.parents.get(&at).into_iter().flatten() {
                if self.dist.get(prev).copied() == Some(level - 1) {
                    let mut s = suffix.clone();
                    s.push(*r);
                    stack.push((*prev, s));
                }
            }
        }
        out
    }
}

/// The shortest paths (all of them, or one) from `a` to `b` of at most `max` relationships,
/// as relationship lists from `a`. `a != b`.
pub(super) fn shortest_paths(
    cx: &mut Cx<'_>,
    a: NodeId,
    b: NodeId,
    dir: Dir,
    types: &[Sym],
    max: usize,
    all: bool,
) -> Result<Vec<Vec<RelId>>> {
    let mut fwd = Side::new(a, dir);
    let mut bwd = Side::new(b, dir.reversed());
    loop {
        if fwd.depth + bwd.depth >= max || fwd.frontier.is_empty() || bwd.frontier.is_empty() {
            return Ok(Vec::new());
        }
        let met = if fwd.frontier.len() <= bwd.frontier.len() {
            fwd.grow(cx, types, &bwd)?
        } else {
            bwd.grow(cx, types, &fwd)?
        };
        if met {
            break;
        }
    }
    let (small, large) = if fwd.dist.len() <= bwd.dist.len() {
        (&fwd.dist, &bwd.dist)
    } else {
        (&bwd.dist, &fwd.dist)
    };
    let Some(d) = small
        .iter()
        .filter_map(|(n, x)| large.get(n).map(|y| x + y))
        .min()
    else {
        return Ok(Vec::new());
    };
    if d > max {
        return Ok(Vec::new());
    }
    // Split at distance s from a: explored fully by both sides.
    let s = d.saturating_sub(bwd.depth);
    let mut meets: Vec<NodeId> = fwd
        .dist
        .iter()
        .filter(|(n, x)| **x == s && bwd.dist.get(n) == Some(&(d - s)))
        .map(|(n, _)| *n)
        .collect();
    meets.sort_unstable();
    let mut out = Vec::new();
    for m in meets {
        for head in fwd.paths_to(m, all) {
            for tail in bwd.paths_to(m, all) {
                let mut p = head.clone();
                p.extend(tail.iter().rev());
                out.push(p);
                if !all {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}
