//! ExpandCount: the number of matches of an expansion per input row, without a row per
//! match (see `plan/planner/count.rs` for when the planner uses it).
//!
//! Three speeds, fastest first:
//! - one type, one direction, no deleted relationship waiting for its purge, and the
//!   store's counts prove every relationship of the type reaches a node with the labels:
//!   the count is the length of the node's adjacency group;
//! - otherwise each relationship is checked as Expand would (uniqueness, labels);
//! - with a closing Expand(Into), each far node is weighted by the relationships from the
//!   closing start node to it, looked up in that node's relationships sorted by far node
//!   (kept while rows keep the same closing start, as Expand(Into)'s cache is).

use super::*;
use crate::graph::ANY_LABEL;

pub(super) struct ExpandCount<'p> {
    pub input: Op<'p>,
    counter: Counter<'p>,
}

/// What ExpandCount keeps to count, apart from its input (so that it can count rows its
/// input hands over while draining).
struct Counter<'p> {
    spec: &'p ExpandSpec,
    labels: &'p [Arc<str>],
    closing: Option<&'p ExpandSpec>,
    slot: Slot,
    /// Labels once every name is known (symbols never change or go).
    label_syms: Option<Vec<Sym>>,
    /// Whether the store's counts prove the labels, once found in a read-only statement
    /// (the counts cannot change while it runs).
    labels_proven: Option<bool>,
    /// The closing start node's relationships by far node.
    closing_rels: FarIndex,
    /// The relationships of the current row's start node (reused from row to row).
    rels: Vec<(RelId, NodeId)>,
}

impl<'p> ExpandCount<'p> {
    pub(super) fn new(
        input: Op<'p>,
        spec: &'p ExpandSpec,
        labels: &'p [Arc<str>],
        closing: Option<&'p ExpandSpec>,
        slot: Slot,
    ) -> ExpandCount<'p> {
        ExpandCount {
            input,
            counter: Counter {
                spec,
                labels,
                closing,
                slot,
                label_syms: None,
                labels_proven: None,
                closing_rels: FarIndex::default(),
                rels: Vec::new(),
            },
        }
    }
}

impl Counter<'_> {
    /// The symbols of `names`; `None` when one of them does not exist (yet).
    fn syms(g: &Graph, names: &[Arc<str>]) -> Option<Vec<Sym>> {
        names.iter().map(|n| g.syms.get(n)).collect()
    }

    /// The number of matches for `row`.
    fn count(&mut self, cx: &mut Cx<'_>, row: &Row) -> Result<u64> {
        let s = self.spec;
        let Some((from, to)) = expand_ends(s, row) else {
            return Ok(0);
        };
        let deletions = cx.graph().has_tombstones();
        if let Some(c) = self.closing {
            if !self.load_closing(cx, c, row)? {
                return Ok(0);
            }
        }
        if self.label_syms.is_none() {
            self.label_syms = Self::syms(cx.graph(), self.labels);
        }
        let Some(labels) = self.label_syms.as_deref() else {
            return Ok(0); // a label no node has
        };
        let Some(types) = spec_types(cx, s) else {
            return Ok(0);
        };
        let g = cx.graph();
        let labels_proven = match self.labels_proven {
            Some(proven) => proven,
            None => {
                let proven = labels.iter().all(|l| reaches_only(g, &types, s.dir, *l));
                if cx.read_only() {
                    self.labels_proven = Some(proven);
                }
                proven
            }
        };
        if let ([ty], None, None, true, false) =
            (&*types, self.closing, to, labels_proven, deletions)
        {
            if s.dir != Dir::Both && !distinct_conflict(g, s, row, *ty) {
                return Ok(g.typed_degree(from, s.dir, &types) as u64);
            }
        }
        // A closing relationship equal to the counted one is no match when the closing
        // side must differ from it.
        let closing = self
            .closing
            .map(|c| (c, &self.closing_rels, c.distinct_from.contains(&s.rel)));
        self.rels.clear();
        g.rels_into(from, s.dir, &types, &mut self.rels);
        let mut n = 0u64;
        for &(r, other) in &self.rels {
            if to.is_some_and(|t| t != other) || rel_taken(s, row, r) {
                continue;
            }
            if !labels_proven {
                let node = g.node(other)?;
                if !labels.iter().all(|l| node.labels.binary_search(l).is_ok()) {
                    continue;
                }
            }
            n += match &closing {
                None => 1,
                Some((c, rels, differs)) => rels
                    .to(other)
                    .iter()
                    .filter(|(r2, _)| (!*differs || *r2 != r) && !rel_taken(c, row, *r2))
                    .count() as u64,
            };
        }
        Ok(n)
    }

    /// Reads the closing start node's relationships into `closing_rels`, unless they are
    /// there already; `false` when the start is not a node or a type is unknown, so
    /// nothing closes.
    fn load_closing(&mut self, cx: &mut Cx<'_>, c: &ExpandSpec, row: &Row) -> Result<bool> {
        let Some(Value::Node(start)) = row.get(c.from) else {
            return Ok(false);
        };
        let Some(types) = spec_types(cx, c) else {
            return Ok(false);
        };
        self.closing_rels
            .load(cx.graph(), cx.undo.len(), *start, c.dir, &types);
        Ok(true)
    }
}

/// Whether `pred` tests labels of the far node of `s` that the store's counts prove every
/// relationship of its types reaches (a far node reached through a relationship, that is).
pub(super) fn far_labels_proven(cx: &Cx<'_>, s: &ExpandSpec, pred: &CExpr) -> bool {
    let CExpr::HasLabels(base, labels) = pred else {
        return false;
    };
    if s.into || !matches!(base.as_ref(), CExpr::Slot(t) if *t == s.to) {
        return false;
    }
    let g = cx.graph();
    let Some(types) = spec_types(cx, s) else {
        return false;
    };
    labels.iter().all(|l| {
        l.sym
            .or_else(|| g.syms.get(&l.name))
            .is_some_and(|l| reaches_only(g, &types, s.dir, l))
    })
}

/// Whether every relationship of `types` seen from a node in `dir` ends at a node with
/// `label`, by the store's counts (one type only).
pub(super) fn reaches_only(g: &Graph, types: &[Sym], dir: Dir, label: Sym) -> bool {
    let [ty] = types else {
        return false;
    };
    let all = g.type_count(*ty);
    let at_end = || g.triple_count(ANY_LABEL, *ty, label) == all;
    let at_start = || g.triple_count(label, *ty, ANY_LABEL) == all;
    match dir {
        Dir::Out => at_end(),
        Dir::In => at_start(),
        Dir::Both => at_end() && at_start(),
    }
}

/// Whether a relationship the expansion must differ from could be one of its matches (one
/// of type `ty`).
fn distinct_conflict(g: &Graph, s: &ExpandSpec, row: &Row, ty: Sym) -> bool {
    let mut of_type = |r: RelId| g.rel(r).map_or(true, |rec| rec.ty() == ty);
    s.distinct_from
        .iter()
        .any(|d| row.get(*d).is_some_and(|v| rel_list_any(v, &mut of_type)))
}

impl Operator for ExpandCount<'_> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Result<Option<Row>> {
        while let Some(mut row) = self.input.next(cx)? {
            cx.tick()?;
            let n = self.counter.count(cx, &row)?;
            if n > 0 {
                set_slot(&mut row, self.counter.slot, Value::Int(n as i64));
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    fn rebind(&mut self, arg: &Row) -> bool {
        self.input.rebind(arg)
    }

    /// Counts on the input's rows as they are handed over, each copied into one scratch
    /// row with its count. Pulled, every input row was a fresh copy: a fifth of a count
    /// of friends' posts went to cloning rows.
    fn drain(&mut self, cx: &mut Cx<'_>, sink: &mut Sink<'_>) -> Result<()> {
        let counter = &mut self.counter;
        let mut scratch = Row::new();
        self.input.drain(cx, &mut |cx, row| {
            cx.tick()?;
            let n = counter.count(cx, row)?;
            if n == 0 {
                return Ok(());
            }
            copy_row(&mut scratch, row);
            set_slot(&mut scratch, counter.slot, Value::Int(n as i64));
            sink(cx, &scratch)
        })
    }
}
