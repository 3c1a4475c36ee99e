//! Index seeks, counts read from the store, and PROFILE's row and time counter.

use std::sync::Arc;
use std::time::Instant;

use super::{with_slot, Cx, Fanout, Op, Operator, Row};
use crate::error::Result;
use crate::graph::IndexQuery;
use crate::plan::{OpStats, Seek, Slot};
use crate::value::{NodeId, Value};

/// NodeIndexSeek / NodeIndexRangeSeek: candidates from the index (a superset of the nodes
/// the predicate accepts; the filter above decides), or the label's nodes when the index is
/// gone or cannot answer the values given.
pub(super) struct IndexSeek<'p> {
    pub slot: Slot,
    pub label: &'p Arc<str>,
    pub props: &'p [Arc<str>],
    pub seek: &'p Seek,
}

impl IndexSeek<'_> {
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
        let props: Vec<&str> = self.props.iter().map(|p| p.as_ref()).collect();
        let found = queries.and_then(|qs| {
            let mut out = Vec::new();
            for q in &qs {
                out.extend(g.index_seek(self.label, &props, q)?);
            }
            if qs.len() > 1 {
                out.sort_unstable();
                out.dedup();
            }
            Some(out)
        });
        Ok(found.unwrap_or_else(|| {
            g.syms
                .get(self.label)
                .map(|l| g.nodes_with_label(l))
                .unwrap_or_default()
        }))
    }

    fn emit(&self, cx: &Cx<'_>, row: &Row, n: NodeId) -> Option<Row> {
        cx.graph()
            .node_is_live(n)
            .then(|| with_slot(row, self.slot, Value::Node(n)))
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

    fn emit(&self, _: &Cx<'_>, row: &Row, n: i64) -> Option<Row> {
        Some(with_slot(row, self.slot, Value::Int(n)))
    }
}

/// PROFILE's counter around one operator.
pub(super) struct Counted<'p> {
    pub input: Op<'p>,
    pub id: usize,
}

impl Operator for Counted<'_> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Result<Option<Row>> {
        let start = Instant::now();
        let r = self.input.next(cx);
        let time = start.elapsed();
        if cx.profile.len() <= self.id {
            cx.profile.resize(self.id + 1, OpStats::default());
        }
        let s = &mut cx.profile[self.id];
        s.time += time;
        if matches!(r, Ok(Some(_))) {
            s.rows += 1;
        }
        r
    }
}
