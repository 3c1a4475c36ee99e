//! Writing operators: CREATE, MERGE, SET/REMOVE, DELETE and FOREACH.

use std::sync::Arc;

use crate::error::{detail, Error, ErrorKind, Result};
use crate::graph::Dir;
use crate::plan::{CExpr, CreateNode, CreateRel, Plan, SetOp, Slot};
use crate::value::Value;

use super::eval::{properties_of, set_slot};
use super::{check_storable, open, props_from, Cx, Op, Operator, Row};

pub(super) enum WriteKind<'p> {
    Create {
        nodes: &'p [CreateNode],
        rels: &'p [CreateRel],
    },
    Merge {
        matcher: &'p Plan,
        nodes: &'p [CreateNode],
        rels: &'p [CreateRel],
        on_match: &'p [SetOp],
        on_create: &'p [SetOp],
        binds: &'p [Slot],
    },
    Set(&'p [SetOp]),
    Delete {
        exprs: &'p [CExpr],
        detach: bool,
    },
    Foreach {
        slot: Slot,
        list: &'p CExpr,
        body: &'p Plan,
    },
}

/// A writing operator: pulls all input rows, applies the write to each in turn, then yields
/// the resulting rows. When its input reads nothing from the graph (`stream`), it applies
/// each row as it arrives instead, so LOAD CSV feeds it without buffering the file.
struct Writer<'p> {
    input: Option<Op<'p>>,
    kind: WriteKind<'p>,
    out: std::vec::IntoIter<Row>,
    stream: bool,
}

/// The writer of `kind` over the rows of `input` (opened with `arg`); it streams when its
/// input reads nothing from the graph, and reads all of it first otherwise.
pub(super) fn writer<'p>(input: &'p Plan, arg: Row, kind: WriteKind<'p>) -> Op<'p> {
    Box::new(Writer {
        input: Some(open(input, arg)),
        kind,
        out: Vec::new().into_iter(),
        stream: input.is_graph_free(),
    })
}

impl Operator for Writer<'_> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Result<Option<Row>> {
        if self.stream {
            loop {
                if let Some(row) = self.out.next() {
                    return Ok(Some(row));
                }
                let Some(input) = self.input.as_mut() else {
                    return Ok(None);
                };
                let Some(row) = input.next(cx)? else {
                    self.input = None;
                    return Ok(None);
                };
                cx.tick()?;
                let mut out = Vec::new();
                self.apply(cx, row, &mut out)?;
                self.out = out.into_iter();
            }
        }
        if let Some(mut input) = self.input.take() {
            let mut rows = Vec::new();
            while let Some(r) = input.next(cx)? {
                rows.push(r);
                cx.check_rows(rows.len())?;
            }
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                cx.tick()?;
                self.apply(cx, row, &mut out)?;
            }
            self.out = out.into_iter();
        }
        Ok(self.out.next())
    }
}

impl Writer<'_> {
    fn apply(&self, cx: &mut Cx<'_>, mut row: Row, out: &mut Vec<Row>) -> Result<()> {
        match &self.kind {
            WriteKind::Create { nodes, rels } => {
                create_nodes_rels(cx, &mut row, nodes, rels, false)?;
                out.push(row);
            }
            WriteKind::Merge {
                matcher,
                nodes,
                rels,
                on_match,
                on_create,
                binds,
            } => {
                let mut matched = Vec::new();
                {
                    let mut op = open(matcher, row.clone());
                    while let Some(r) = op.next(cx)? {
                        matched.push(r);
                    }
                }
                if matched.is_empty() {
                    create_nodes_rels(cx, &mut row, nodes, rels, true)?;
                    run_set_ops(cx, &row, on_create)?;
                    out.push(row);
                } else {
                    for m in matched {
                        let mut r = row.clone();
                        for s in binds.iter() {
                            set_slot(&mut r, *s, m.get(*s).cloned().unwrap_or_default());
                        }
                        run_set_ops(cx, &r, on_match)?;
                        out.push(r);
                    }
                }
            }
            WriteKind::Set(ops) => {
                run_set_ops(cx, &row, ops)?;
                out.push(row);
            }
            WriteKind::Delete { exprs, detach } => {
                for e in exprs.iter() {
                    let v = cx.eval(e, &row)?;
                    delete_value(cx, v, *detach)?;
                }
                out.push(row);
            }
            WriteKind::Foreach { slot, list, body } => {
                let items = match cx.eval(list, &row)? {
                    Value::List(l) => l,
                    Value::Null => Vec::new(),
                    other => {
                        return Err(Error::runtime(
                            ErrorKind::TypeError,
                            detail::INVALID_ARGUMENT_TYPE,
                            format!("FOREACH expects a LIST, not {}", other.type_name()),
                        ))
                    }
                };
                for item in items {
                    let mut r = row.clone();
                    set_slot(&mut r, *slot, item);
                    let mut op = open(body, r);
                    while op.next(cx)?.is_some() {}
                }
                out.push(row);
            }
        }
        Ok(())
    }
}

fn delete_value(cx: &mut Cx<'_>, v: Value, detach: bool) -> Result<()> {
    match v {
        Value::Null => Ok(()),
        Value::Node(id) => {
            if detach {
                let rels = cx.graph().rels_of(id, Dir::Both, &[]);
                for (r, _) in rels {
                    let (g, undo) = cx.graph_mut()?;
                    if g.delete_rel(r, undo)? {
                        cx.stats.relationships_deleted += 1;
                    }
                }
            }
            let (g, undo) = cx.graph_mut()?;
            if g.delete_node(id, undo)? {
                cx.stats.nodes_deleted += 1;
            }
            Ok(())
        }
        Value::Relationship(id) => {
            let (g, undo) = cx.graph_mut()?;
            if g.delete_rel(id, undo)? {
                cx.stats.relationships_deleted += 1;
            }
            Ok(())
        }
        Value::Path(p) => {
            for r in p.rels {
                delete_value(cx, Value::Relationship(r), detach)?;
            }
            for n in p.nodes {
                delete_value(cx, Value::Node(n), detach)?;
            }
            Ok(())
        }
        Value::List(items) => {
            for i in items {
                delete_value(cx, i, detach)?;
            }
            Ok(())
        }
        other => Err(Error::runtime(
            ErrorKind::TypeError,
            detail::INVALID_ARGUMENT_TYPE,
            format!(
                "DELETE expects a node, relationship or path, not {}",
                other.type_name()
            ),
        )),
    }
}

/// Creates the nodes and relationships of one CREATE pattern for `row`, binding their slots.
/// For a MERGE (`merging`), a property whose value is null fails the statement: what it
/// created could not match its own pattern.
pub(crate) fn create_nodes_rels(
    cx: &mut Cx<'_>,
    row: &mut Row,
    nodes: &[CreateNode],
    rels: &[CreateRel],
    merging: bool,
) -> Result<()> {
    for n in nodes {
        if n.bound {
            match row.get(n.slot) {
                Some(Value::Node(_)) => continue,
                _ => {
                    return Err(Error::runtime(
                        ErrorKind::SemanticError,
                        "CreateNullNode",
                        "cannot create a relationship to or from a null node",
                    ))
                }
            }
        }
        if let Some(k) = &n.key_ref {
            let id = cx.graph().node_by_key(k).ok_or_else(|| {
                Error::runtime(
                    ErrorKind::EntityNotFound,
                    "KeyNotFound",
                    format!("no node has the key `{k}`"),
                )
            })?;
            set_slot(row, n.slot, Value::Node(id));
            continue;
        }
        let props = match &n.props {
            Some(e) => cx.eval(e, row)?,
            None => Value::Null,
        };
        if merging {
            no_null_merged(&props)?;
        }
        let (g, undo) = cx.graph_mut()?;
        let props = props_from(g, props)?;
        let labels: Vec<_> = n.labels.iter().map(|l| g.syms.intern(l)).collect();
        let nprops = props.len() as u64;
        let id = g.create_node(&labels, n.key.clone(), props, undo)?;
        let nlabels = g.node(id)?.labels.len() as u64;
        cx.stats.nodes_created += 1;
        cx.stats.labels_added += nlabels;
        cx.stats.properties_set += nprops;
        set_slot(row, n.slot, Value::Node(id));
    }
    for r in rels {
        let (Some(Value::Node(a)), Some(Value::Node(b))) = (row.get(r.from), row.get(r.to)) else {
            return Err(Error::runtime(
                ErrorKind::SemanticError,
                "CreateNullNode",
                "cannot create a relationship to or from a null node",
            ));
        };
        let (a, b) = (*a, *b);
        let props = match &r.props {
            Some(e) => cx.eval(e, row)?,
            None => Value::Null,
        };
        if merging {
            no_null_merged(&props)?;
        }
        let (g, undo) = cx.graph_mut()?;
        let props = props_from(g, props)?;
        let ty = g.syms.intern(&r.ty);
        let nprops = props.len() as u64;
        let id = g.create_rel(a, b, ty, props, undo)?;
        cx.stats.relationships_created += 1;
        cx.stats.properties_set += nprops;
        set_slot(row, r.slot, Value::Relationship(id));
    }
    Ok(())
}

/// A MERGE pattern's properties may not be null: the entity created would lack them, and
/// the pattern, read again, would not find it.
fn no_null_merged(props: &Value) -> Result<()> {
    if let Value::Map(m) = props {
        if let Some((k, _)) = m.iter().find(|(_, v)| v.is_null()) {
            return Err(Error::runtime(
                ErrorKind::SemanticError,
                detail::MERGE_READ_OWN_WRITES,
                format!("MERGE cannot create an entity whose property `{k}` is null"),
            ));
        }
    }
    Ok(())
}

fn set_prop(cx: &mut Cx<'_>, target: &Value, key: &str, v: Value) -> Result<()> {
    check_storable(&v)?;
    let is_null = v.is_null();
    let (g, undo) = cx.graph_mut()?;
    let k = g.syms.intern(key);
    let old = match target {
        Value::Node(id) => g.set_node_prop(*id, k, v, undo)?,
        Value::Relationship(id) => g.set_rel_prop(*id, k, v, undo)?,
        Value::Null => return Ok(()),
        other => {
            return Err(Error::runtime(
                ErrorKind::TypeError,
                detail::INVALID_ARGUMENT_TYPE,
                format!(
                    "properties can only be set on nodes and relationships, not {}",
                    other.type_name()
                ),
            ))
        }
    };
    if is_null {
        if old.is_some() {
            cx.stats.properties_removed += 1;
        }
    } else {
        cx.stats.properties_set += 1;
    }
    Ok(())
}

fn entity_keys(cx: &Cx<'_>, v: &Value) -> Result<Vec<Arc<str>>> {
    let g = cx.graph();
    Ok(match v {
        Value::Node(id) => g
            .node(*id)?
            .props
            .iter()
            .map(|(k, _)| g.syms.name(k))
            .collect(),
        Value::Relationship(id) => g
            .live_rel_props(*id)?
            .iter()
            .map(|(k, _)| g.syms.name(k))
            .collect(),
        _ => Vec::new(),
    })
}

/// Applies SET / REMOVE operations to `row`'s entities.
pub(crate) fn run_set_ops(cx: &mut Cx<'_>, row: &Row, ops: &[SetOp]) -> Result<()> {
    for op in ops {
        match op {
            SetOp::Prop(target, key, value) => {
                let t = cx.eval(target, row)?;
                let v = cx.eval(value, row)?;
                set_prop(cx, &t, key, v)?;
            }
            SetOp::RemoveProp(target, key) => {
                let t = cx.eval(target, row)?;
                set_prop(cx, &t, key, Value::Null)?;
            }
            SetOp::Replace(slot, value) | SetOp::Merge(slot, value) => {
                let t = row.get(*slot).cloned().unwrap_or_default();
                if t.is_null() {
                    continue;
                }
                let v = cx.eval(value, row)?;
                let map = match &v {
                    Value::Map(_) | Value::Node(_) | Value::Relationship(_) => {
                        properties_of(cx.graph(), &v)?.unwrap_or_default()
                    }
                    Value::Null => Default::default(),
                    other => {
                        return Err(Error::runtime(
                            ErrorKind::TypeError,
                            detail::INVALID_ARGUMENT_TYPE,
                            format!(
                                "expected a MAP to set properties from, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                };
                if matches!(op, SetOp::Replace(..)) {
                    for k in entity_keys(cx, &t)? {
                        if !map.contains_key(k.as_ref()) {
                            set_prop(cx, &t, &k, Value::Null)?;
                        }
                    }
                }
                for (k, val) in map {
                    set_prop(cx, &t, &k, val)?;
                }
            }
            SetOp::Labels(slot, labels) | SetOp::RemoveLabels(slot, labels) => {
                let t = row.get(*slot).cloned().unwrap_or_default();
                let id = match t {
                    Value::Node(id) => id,
                    Value::Null => continue,
                    other => {
                        return Err(Error::runtime(
                            ErrorKind::TypeError,
                            detail::INVALID_ARGUMENT_TYPE,
                            format!("labels belong to nodes, not {}", other.type_name()),
                        ))
                    }
                };
                let add = matches!(op, SetOp::Labels(..));
                for l in labels {
                    let (g, undo) = cx.graph_mut()?;
                    let s = g.syms.intern(l);
                    if add {
                        if g.add_label(id, s, undo)? {
                            cx.stats.labels_added += 1;
                        }
                    } else if g.remove_label(id, s, undo)? {
                        cx.stats.labels_removed += 1;
                    }
                }
            }
        }
    }
    Ok(())
}
