//! Where a bulk-loaded node's properties sit, found from its id alone.
//!
//! A bulk load gives consecutive ids to the nodes whose property rows it appends, in the
//! same order, to one table (see [`super::props`]). [`PackedRuns`] keeps each such run: its
//! first id, its length, its table and the row of its first node. A read of a property of
//! a node in a run then goes straight to the table's column, without loading the node's
//! record first. In an expansion the far node's record is a cache miss of its own, and the
//! column's address depended on it, so the two misses came one after the other.
//!
//! A node leaves its run for good (its bit in `moved`) as soon as its record may stop
//! pointing at that row or stop being live: a property written, the node deleted, its
//! slot freed. Reads of such nodes, and of nodes in no run, go through the record. Runs
//! are rebuilt from the records at the end of each bulk load.

use std::sync::Arc;

use super::props::{Column, PropRef, PropTable, PropsRef};
use super::Sym;
use crate::value::NodeId;

/// Runs up to this many are searched front to back, more by halves.
pub(super) const LINEAR_MAX: usize = 8;

/// Shorter runs are not kept: their nodes are read through their records, and the search
/// stays short.
pub(super) const MIN_RUN: u32 = 64;

/// Nodes `first .. first + len` whose properties are rows `row ..` of `table`.
#[derive(Debug, Clone)]
struct Run {
    first: u32,
    len: u32,
    row: u32,
    table: Arc<PropTable>,
    /// How many of its nodes have left it: at `len` the run is dropped, so that it does not
    /// keep a table alive that no record uses any more.
    moved: u32,
}

impl Run {
    /// Whether node `id` is one of the run's.
    #[inline(always)]
    fn holds(&self, id: NodeId) -> bool {
        id.0.wrapping_sub(self.first) < self.len
    }

    /// The table row of node `id`, one of the run's.
    #[inline(always)]
    fn row_of(&self, id: NodeId) -> u32 {
        self.row + (id.0 - self.first)
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct PackedRuns {
    /// Ascending by `first`, not overlapping.
    runs: Vec<Run>,
    /// One bit per node id below the bound at the last build: set when the node has left
    /// its run.
    moved: Vec<u64>,
}

impl PackedRuns {
    /// The runs of `records`: each live node's id with its packed row, if it has one, in
    /// ascending id order; `bound` is above every id.
    pub(super) fn build<'a>(
        records: impl Iterator<Item = (NodeId, Option<(&'a Arc<PropTable>, u32)>)>,
        bound: u32,
    ) -> PackedRuns {
        let mut runs: Vec<Run> = Vec::new();
        for (id, packed) in records {
            let Some((table, row)) = packed else {
                continue;
            };
            if let Some(last) = runs.last_mut() {
                if last.first + last.len == id.0
                    && last.row + last.len == row
                    && Arc::ptr_eq(&last.table, table)
                {
                    last.len += 1;
                    continue;
                }
            }
            runs.push(Run {
                first: id.0,
                len: 1,
                row,
                table: Arc::clone(table),
                moved: 0,
            });
        }
        runs.retain(|r| r.len >= MIN_RUN);
        runs.shrink_to_fit();
        PackedRuns {
            runs,
            moved: vec![0; (bound as usize).div_ceil(64)],
        }
    }

    /// How many runs there are.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.runs.len()
    }

    /// The run holding `id`, by position.
    #[inline(always)]
    fn run_of(&self, id: NodeId) -> Option<usize> {
        let runs = &self.runs;
        if runs.len() <= LINEAR_MAX {
            // A load makes a run per file of nodes: a handful, searched front to back.
            return runs.iter().position(|r| r.holds(id));
        }
        // Written out: `partition_point` was not inlined, and the call cost more than the
        // load of the record it saves.
        let (mut lo, mut hi) = (0, runs.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match runs.get(mid) {
                Some(r) if r.first <= id.0 => lo = mid + 1,
                _ => hi = mid,
            }
        }
        let at = lo.checked_sub(1)?;
        runs.get(at)?.holds(id).then_some(at)
    }

    #[inline(always)]
    fn has_moved(&self, id: NodeId) -> bool {
        let word = self
            .moved
            .get(id.0 as usize / 64)
            .copied()
            .unwrap_or(u64::MAX);
        word & (1 << (id.0 % 64)) != 0
    }

    /// The properties of node `id` when it is live and still in its run.
    #[inline(always)]
    pub(super) fn props(&self, id: NodeId) -> Option<PropsRef<'_>> {
        let run = self.runs.get(self.run_of(id)?)?;
        if self.has_moved(id) {
            return None;
        }
        Some(PropsRef::Row(&run.table, run.row_of(id)))
    }

    /// Reads property `key` of nodes given in ascending id order (a scan's), keeping the
    /// run and column of the last node for the next.
    pub(super) fn reader(&self, key: Sym) -> RunReader<'_> {
        RunReader {
            runs: self,
            key,
            at: None,
        }
    }

    /// Takes node `id` out of its run, for good: its record is about to change.
    pub(super) fn unpack(&mut self, id: NodeId) {
        let Some(at) = self.run_of(id) else {
            return;
        };
        if self.has_moved(id) {
            return;
        }
        if let Some(word) = self.moved.get_mut(id.0 as usize / 64) {
            *word |= 1 << (id.0 % 64);
        }
        if let Some(run) = self.runs.get_mut(at) {
            run.moved += 1;
            if run.moved == run.len {
                self.runs.remove(at);
            }
        }
    }
}

/// See [`PackedRuns::reader`].
pub(super) struct RunReader<'r> {
    runs: &'r PackedRuns,
    key: Sym,
    /// The run of the last node read, and the column of the key in its table (`None`: the
    /// table has no such key).
    at: Option<(&'r Run, Option<&'r Column>)>,
}

impl<'r> RunReader<'r> {
    /// Property `key` of node `id` (inside: `None` when the node has no such property);
    /// `None` when the node is in no run or has left it.
    #[inline(always)]
    pub(super) fn get(&mut self, id: NodeId) -> Option<Option<PropRef<'r>>> {
        let (run, column) = match self.at {
            Some(at) if at.0.holds(id) => at,
            _ => {
                let run = self.runs.runs.get(self.runs.run_of(id)?)?;
                let at = (run, run.table.column(self.key));
                self.at = Some(at);
                at
            }
        };
        // A run no node has left needs no look at the bits.
        if run.moved > 0 && self.runs.has_moved(id) {
            return None;
        }
        Some(column.and_then(|c| c.get(run.row_of(id))))
    }
}
