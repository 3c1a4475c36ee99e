//! Relationship properties, kept beside the relationship records.
//!
//! A relationship record is petgraph's edge weight, and every edge slot is as large as the
//! largest weight: a 16-byte [`Props`] in each made the slot 40 bytes, for the many
//! relationships with no property as for the others. The record now only says where its
//! properties are ([`At`]), and the slot is 20 bytes (the record packed, see `RelRec`):
//! - *none*;
//! - *own*: for relationships written one statement at a time (and any relationship written
//!   since its bulk load): a slot per relationship id from the end of the last bulk load on
//!   (what a graph built by writes uses, as fast and as large as the record's field was),
//!   a map for the few below it;
//! - *row*: a bulk load (import, snapshot restore) packs properties into column tables,
//!   each key set its own table. Consecutive relationships whose rows are consecutive rows
//!   of one table form a *run*; the runs, ordered by first id, are all a bulk-loaded
//!   relationship needs to find its row. A file of one type and one key set is one run.
//!
//! See docs/decisions/0018-records-beside-petgraph-slots.md.

use std::collections::HashMap;
use std::sync::Arc;

use super::props::{BulkTables, Finished, PropTable, Props, PropsRef, Resolved};
use crate::value::RelId;

/// Where a relationship's properties are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    None,
    Own,
    Row,
}

/// A run of relationships `start ..` whose properties are rows `row ..` of one table.
#[derive(Debug, Clone)]
struct Run {
    len: u32,
    row: u32,
    table: RunTable,
}

#[derive(Debug, Clone)]
enum RunTable {
    /// During a bulk load: table `0` of the load's current tables.
    Pending(u32),
    Ready(Arc<PropTable>),
}

/// The properties of every relationship that has some.
#[derive(Debug, Default, Clone)]
pub(super) struct RelProps {
    own: Owned,
    /// The first relationship of each run whose table is finished, ascending.
    starts: Vec<u32>,
    /// In `starts` order.
    runs: Vec<Run>,
    /// During a bulk load: the runs of pending rows (first relationship, run), in the order
    /// they were made.
    pending: Vec<(u32, Run)>,
}

/// The properties of a relationship without any.
static EMPTY: Props = Props::EMPTY;

/// Owned properties by relationship id.
#[derive(Debug, Default, Clone)]
struct Owned {
    /// Ids from `base` on, one slot each (empty for a relationship without).
    dense: Vec<Props>,
    base: u32,
    /// Ids below `base` (written after a bulk load made them).
    sparse: HashMap<RelId, Props, foldhash::fast::RandomState>,
}

impl Owned {
    fn get(&self, id: RelId) -> Option<&Props> {
        match id.0.checked_sub(self.base) {
            Some(i) => self.dense.get(i as usize),
            None => self.sparse.get(&id),
        }
    }

    /// The properties of `id`, made empty if it had none.
    fn slot(&mut self, id: RelId) -> &mut Props {
        match id.0.checked_sub(self.base) {
            Some(i) => {
                let i = i as usize;
                if self.dense.len() <= i {
                    self.dense.resize_with(i + 1, Props::default);
                }
                #[allow(clippy::indexing_slicing)] // just made long enough
                &mut self.dense[i]
            }
            None => self.sparse.entry(id).or_default(),
        }
    }

    fn remove(&mut self, id: RelId) {
        match id.0.checked_sub(self.base) {
            Some(i) => {
                if let Some(p) = self.dense.get_mut(i as usize) {
                    *p = Props::default();
                }
            }
            None => {
                self.sparse.remove(&id);
            }
        }
    }

    /// After a bulk load that made relationships up to `bound`: a graph without dense
    /// slots yet starts them there, so that writes to loaded relationships go to the map.
    fn loaded(&mut self, bound: u32) {
        if self.dense.is_empty() && bound > self.base {
            self.base = bound;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.dense.iter().filter(|p| !p.is_empty()).count() + self.sparse.len()
    }
}

impl RelProps {
    /// The properties of relationship `id`, stored `at`.
    #[inline]
    pub(super) fn get(&self, id: RelId, at: At) -> PropsRef<'_> {
        match at {
            At::None => PropsRef::Props(&EMPTY),
            At::Own => PropsRef::Props(self.own.get(id).unwrap_or(&EMPTY)),
            At::Row => self.row(id).unwrap_or(PropsRef::Props(&EMPTY)),
        }
    }

    /// The run holding `id`, with the offset of `id` in it. Runs never overlap: a slot
    /// inside a run is not given to another run ([`RelProps::add`]).
    fn run_of(&self, id: RelId) -> Option<(&Run, u32)> {
        let i = self.starts.partition_point(|s| *s <= id.0).checked_sub(1)?;
        let (start, run) = (self.starts.get(i)?, self.runs.get(i)?);
        let offset = id.0 - start;
        (offset < run.len).then_some((run, offset))
    }

    fn row(&self, id: RelId) -> Option<PropsRef<'_>> {
        let (run, offset) = self.run_of(id)?;
        match &run.table {
            RunTable::Ready(table) => Some(PropsRef::Row(table, run.row + offset)),
            RunTable::Pending(_) => None,
        }
    }

    /// Stores the properties of new relationship `id`; returns where they are. During a
    /// bulk load (`bulk`), they move into the load's tables as a pending row, unless the
    /// slot of `id` was freed inside a run of an earlier load (runs never overlap): then
    /// they stay owned, as outside a bulk load.
    pub(super) fn add(&mut self, id: RelId, mut props: Props, bulk: Option<&mut BulkTables>) -> At {
        if let Some(bulk) = bulk.filter(|_| self.run_of(id).is_none()) {
            bulk.add(&mut props);
        }
        if let Some((shape, row)) = props.pending() {
            return self.add_pending(id, shape, row);
        }
        if props.is_empty() {
            return At::None;
        }
        *self.own.slot(id) = props;
        At::Own
    }

    /// During a bulk load: records that relationship `id` holds pending row `row` of table
    /// `shape`, extending the last run when it continues it.
    fn add_pending(&mut self, id: RelId, shape: u32, row: u32) -> At {
        if let Some((start, run)) = self.pending.last_mut() {
            if matches!(run.table, RunTable::Pending(s) if s == shape)
                && *start + run.len == id.0
                && run.row + run.len == row
            {
                run.len += 1;
                return At::Row;
            }
        }
        self.pending.push((
            id.0,
            Run {
                len: 1,
                row,
                table: RunTable::Pending(shape),
            },
        ));
        At::Row
    }

    /// Turns the pending runs into runs of their finished tables. A run of a table too small
    /// to keep gets its rows back as owned properties: returns those relationships, whose
    /// records must then say [`At::Own`]. `bound` is the graph's relationship bound: the
    /// load made no relationship above it.
    pub(super) fn resolve(&mut self, tables: &mut Finished, bound: u32) -> Vec<RelId> {
        self.own.loaded(bound);
        let mut owned = Vec::new();
        let mut kept: Vec<(u32, Run)> = self.starts.drain(..).zip(self.runs.drain(..)).collect();
        for (start, run) in std::mem::take(&mut self.pending) {
            let RunTable::Pending(shape) = run.table else {
                kept.push((start, run));
                continue;
            };
            match tables.table(shape) {
                Some(Resolved::Table(table)) => kept.push((
                    start,
                    Run {
                        table: RunTable::Ready(table),
                        ..run
                    },
                )),
                Some(Resolved::Small) => {
                    for i in 0..run.len {
                        let id = RelId(start + i);
                        let props = tables.take_small(shape, run.row + i);
                        if !props.is_empty() {
                            *self.own.slot(id) = props;
                            owned.push(id);
                        }
                    }
                }
                None => {}
            }
        }
        // Free slots are reused first, so a load's ids need not ascend.
        kept.sort_by_key(|(start, _)| *start);
        (self.starts, self.runs) = kept.into_iter().unzip();
        owned
    }

    /// The properties of `id`, made owned (before a write to them); they were
    /// stored `at`.
    pub(super) fn own_mut(&mut self, id: RelId, at: At) -> &mut Props {
        let copied = match at {
            At::Row => self.row(id).map(PropsRef::to_props),
            At::None | At::Own => None,
        };
        let props = self.own.slot(id);
        if let Some(c) = copied {
            *props = c;
        }
        props
    }

    /// Forgets the owned properties of `id` when they are empty; returns where the
    /// properties of `id` now are (after a write to them).
    pub(super) fn settle(&mut self, id: RelId) -> At {
        match self.own.get(id) {
            Some(p) if p.is_empty() => {
                self.own.remove(id);
                At::None
            }
            Some(_) => At::Own,
            None => At::None,
        }
    }

    /// How many relationships own their properties.
    #[cfg(test)]
    pub(super) fn owned(&self) -> usize {
        self.own.len()
    }

    /// Forgets the properties of a relationship removed for good (a row stays in its table,
    /// unused).
    pub(super) fn remove(&mut self, id: RelId, at: At) {
        if at == At::Own {
            self.own.remove(id);
        }
    }
}
