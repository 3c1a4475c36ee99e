//! Index seeks, counts read from the store, hash joins, and PROFILE's row and time counter.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::eval::set_slot;
use super::{copy_row, emit_live_node, join_slots, Cx, Fanout, Op, Operator, Row, Sink, ValueMap};
use crate::error::Result;
use crate::graph::IndexQuery;
use crate::plan::{CExpr, OpStats, Plan, Seek, Slot};
use crate::value::compare::EquivKey;
use crate::value::{NodeId, Value};

/// NodeIndexSeek / NodeIndexRangeSeek: candidates from the index (a superset of the nodes
/// the predicate accepts; the filter above decides), or the label's nodes when the index is
/// gone or cannot answer the values given.
pub(super) struct IndexSeek<'p> {
    pub slot: Slot,
    pub label: &'p Arc<str>,
    pub props: &'p [Arc<str>],
    pub seek: &'p Seek,
    /// The values of an equality seek, a buffer reused from row to row.
    pub values: Vec<Value>,
}

impl IndexSeek<'_> {
    /// The label's nodes: the candidates when the index is gone or cannot answer.
    fn label_nodes(&self, g: &crate::graph::Graph) -> Vec<NodeId> {
        g.syms
            .get(self.label)
            .map(|l| g.nodes_with_label(l))
            .unwrap_or_default()
    }

    fn queries(&self, cx: &mut Cx<'_>, row: &Row) -> Result<Option<Vec<IndexQuery>>> {
        let bound = |cx: &mut Cx<'_>, b: &Option<(crate::plan::CExpr, bool)>| -> Result<_> {
            Ok(match b {
                Some((e, inclusive)) => Some((cx.eval(e, row)?, *inclusive)),
                None => None,
            })
        };
        Ok(Some(match self.seek {
            Seek::Eq(exprs) => {
                let values = exprs
                    .iter()
                    .map(|e| cx.eval(e, row))
                    .collect::<Result<Vec<_>>>()?;
                vec![IndexQuery::Eq(values)]
            }
            Seek::In(list) => match cx.eval(list, row)? {
                Value::List(items) => items.into_iter().map(|v| IndexQuery::Eq(vec![v])).collect(),
                Value::Null => Vec::new(),
                // Not a list: leave the error to the filter.
                _ => return Ok(None),
            },
            Seek::Range { lower, upper } => {
                let lower = bound(cx, lower)?;
                let upper = bound(cx, upper)?;
                if lower.iter().chain(&upper).any(|(v, _)| v.is_null()) {
                    return Ok(Some(Vec::new()));
                }
                vec![IndexQuery::Range { lower, upper }]
            }
            Seek::Prefix(e) => match cx.eval(e, row)? {
                Value::String(s) => vec![IndexQuery::Prefix(s)],
                Value::Null => Vec::new(),
                _ => return Ok(None),
            },
        }))
    }
}

impl Fanout for IndexSeek<'_> {
    type Item = NodeId;

    fn items(&mut self, cx: &mut Cx<'_>, row: &Row) -> Result<Vec<NodeId>> {
        let queries = self.queries(cx, row)?;
        let g = cx.graph();
        let found = queries.and_then(|qs| {
            let mut out = Vec::new();
            for q in &qs {
                out.extend(g.index_seek(self.label, self.props, q)?);
            }
            if qs.len() > 1 {
                out.sort_unstable();
                out.dedup();
            }
            Some(out)
        });
        Ok(found.unwrap_or_else(|| self.label_nodes(g)))
    }

    /// An equality seek (the usual one) reads the index without building a query.
    fn items_into(&mut self, cx: &mut Cx<'_>, row: &Row, out: &mut Vec<NodeId>) -> Result<()> {
        let Seek::Eq(exprs) = self.seek else {
            out.extend(self.items(cx, row)?);
            return Ok(());
        };
        // One value (the usual seek) is evaluated in place, with no buffer to fill.
        let one;
        let values = match exprs.as_slice() {
            [e] => {
                one = cx.eval(e, row)?;
                std::slice::from_ref(&one)
            }
            _ => {
                self.values.clear();
                for e in exprs {
                    let v = cx.eval(e, row)?;
                    self.values.push(v);
                }
                &self.values
            }
        };
        let g = cx.graph();
        if !g.index_eq_into(self.label, self.props, values, out) {
            out.extend(self.label_nodes(g));
        }
        Ok(())
    }

    fn emit_into(&self, cx: &Cx<'_>, _: &Row, n: NodeId, out: &mut Row) -> bool {
        emit_live_node(cx, self.slot, n, out)
    }
}

/// NodeCountFromCountStore: one row with the count of a label's nodes (or of all nodes).
pub(super) struct CountStore<'p> {
    pub slot: Slot,
    pub label: Option<&'p Arc<str>>,
}

impl Fanout for CountStore<'_> {
    type Item = i64;

    fn items(&mut self, cx: &mut Cx<'_>, _: &Row) -> Result<Vec<i64>> {
        let g = cx.graph();
        let n = match self.label {
            Some(l) => g.syms.get(l).map_or(0, |s| g.label_count(s)),
            None => g.node_count(),
        };
        Ok(vec![n as i64])
    }

    fn emit_into(&self, _: &Cx<'_>, _: &Row, n: i64, out: &mut Row) -> bool {
        set_slot(out, self.slot, Value::Int(n));
        true
    }
}

/// PROFILE's counter around one operator.
pub(super) struct Counted<'p> {
    pub input: Op<'p>,
    pub id: usize,
}

impl Counted<'_> {
    /// Adds `rows` and `time` to the operator's counters.
    fn count(&self, cx: &mut Cx<'_>, rows: u64, time: Duration) {
        if cx.profile.len() <= self.id {
            cx.profile.resize(self.id + 1, OpStats::default());
        }
        #[allow(clippy::indexing_slicing)] // resized above to hold `self.id`
        let s = &mut cx.profile[self.id];
        s.time += time;
        s.rows += rows;
    }
}

impl Operator for Counted<'_> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Result<Option<Row>> {
        let start = Instant::now();
        let r = self.input.next(cx);
        let rows = u64::from(matches!(r, Ok(Some(_))));
        self.count(cx, rows, start.elapsed());
        r
    }

    /// Drains the operator as an unprofiled run would (without this, PROFILE ran every
    /// operator row by row, copying each row). The time its consumers take with each row
    /// is not the operator's: it is measured apart and taken off.
    fn drain(&mut self, cx: &mut Cx<'_>, sink: &mut Sink<'_>) -> Result<()> {
        let start = Instant::now();
        let (mut rows, mut downstream) = (0u64, Duration::ZERO);
        let r = self.input.drain(cx, &mut |cx, row| {
            rows += 1;
            let t = Instant::now();
            let r = sink(cx, row);
            downstream += t.elapsed();
            r
        });
        let time = start.elapsed().saturating_sub(downstream);
        self.count(cx, rows, time);
        r
    }
}

/// HashJoin: builds a table of `build`'s rows by key once, then probes it per input row.
pub(super) struct HashJoin<'p> {
    pub input: Op<'p>,
    pub build: &'p Plan,
    pub arg: Row,
    pub slots: &'p [Slot],
    pub left_key: &'p CExpr,
    pub right_key: &'p CExpr,
    pub table: Option<ValueMap<EquivKey, Vec<Row>>>,
    /// Rows ready to hand out, last first.
    pub pending: Vec<Row>,
}

impl HashJoin<'_> {
    fn build_table(&mut self, cx: &mut Cx<'_>) -> Result<ValueMap<EquivKey, Vec<Row>>> {
        let mut table: ValueMap<EquivKey, Vec<Row>> = ValueMap::default();
        let mut op = super::open(self.build, self.arg.clone());
        let mut n = 0usize;
        while let Some(row) = op.next(cx)? {
            let key = cx.eval(self.right_key, &row)?;
            if key.is_null() {
                continue;
            }
            n += 1;
            cx.check_rows(n)?;
            table.entry(EquivKey(key)).or_default().push(row);
        }
        Ok(table)
    }
}

/// The build side's rows that join `left`: none when its key is null or unmatched.
fn matches_of<'t>(
    cx: &mut Cx<'_>,
    table: &'t Option<ValueMap<EquivKey, Vec<Row>>>,
    left_key: &CExpr,
    left: &Row,
) -> Result<&'t [Row]> {
    let key = cx.eval(left_key, left)?;
    if key.is_null() {
        return Ok(&[]);
    }
    Ok(table
        .as_ref()
        .and_then(|t| t.get(&EquivKey(key)))
        .map_or(&[], Vec::as_slice))
}

impl Operator for HashJoin<'_> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Result<Option<Row>> {
        if self.table.is_none() {
            self.table = Some(self.build_table(cx)?);
        }
        loop {
            if let Some(r) = self.pending.pop() {
                return Ok(Some(r));
            }
            let Some(left) = self.input.next(cx)? else {
                return Ok(None);
            };
            cx.tick()?;
            for right in matches_of(cx, &self.table, self.left_key, &left)?
                .iter()
                .rev()
            {
                let mut out = left.clone();
                join_slots(&mut out, self.slots, right);
                self.pending.push(out);
            }
        }
    }

    /// Probes with each row the input hands over, and builds each joined row in one
    /// scratch row (pulled, every input row and every joined row was a new copy).
    fn drain(&mut self, cx: &mut Cx<'_>, sink: &mut Sink<'_>) -> Result<()> {
        // Rows an earlier `next` left, in order.
        while let Some(r) = self.pending.pop() {
            sink(cx, &r)?;
        }
        if self.table.is_none() {
            self.table = Some(self.build_table(cx)?);
        }
        let (table, slots, left_key) = (&self.table, self.slots, self.left_key);
        let mut out = Row::new();
        self.input.drain(cx, &mut |cx, left| {
            cx.tick()?;
            for right in matches_of(cx, table, left_key, left)? {
                copy_row(&mut out, left);
                join_slots(&mut out, slots, right);
                sink(cx, &out)?;
            }
            Ok(())
        })
    }
}
