//! From a committed transaction's undo log to a log record, and back onto a graph.
//!
//! The undo log says what changed; the graph, just before the tombstones are purged, says
//! what it changed to. A record lists, in order: the nodes created (in creation order), the
//! relationships created, the final labels and changed properties of entities that existed
//! before, then the deletions in the order they happened. Replaying it through the same
//! [`Graph`] methods hands out the same ids, because within a transaction ids come only from
//! creations (in order) and are freed only at the purge (in deletion order).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::graph::{Graph, Props, PropsRef, Sym, Undo, UndoLog};
use crate::value::{NodeId, RelId, Value};

use super::codec::{NodeItem, RedoOp, RelItem, WalRecord};

/// Numbers the names a record uses.
#[derive(Default)]
struct Names {
    index: HashMap<Sym, u32>,
    names: Vec<String>,
}

impl Names {
    fn of(&mut self, g: &Graph, sym: Sym) -> u32 {
        *self.index.entry(sym).or_insert_with(|| {
            self.names.push(g.syms.name_str(sym).to_owned());
            (self.names.len() - 1) as u32
        })
    }

    fn props<'p>(&mut self, g: &Graph, props: impl Into<PropsRef<'p>>) -> Vec<(u32, Value)> {
        props
            .into()
            .iter()
            .map(|(k, v)| (self.of(g, k), v.into_owned()))
            .collect()
    }

    fn labels(&mut self, g: &Graph, labels: &[Sym]) -> Vec<u32> {
        labels.iter().map(|l| self.of(g, *l)).collect()
    }

    /// The final value of each of `keys` in `props` (null: removed).
    fn changed<'p>(
        &mut self,
        g: &Graph,
        keys: &BTreeSet<Sym>,
        props: impl Into<PropsRef<'p>>,
    ) -> Vec<(u32, Value)> {
        let props = props.into();
        keys.iter()
            .map(|k| {
                (
                    self.of(g, *k),
                    props
                        .get(*k)
                        .map(crate::graph::PropRef::into_owned)
                        .unwrap_or(Value::Null),
                )
            })
            .collect()
    }
}

#[derive(Default)]
struct Touched {
    labels: bool,
    keys: BTreeSet<Sym>,
}

/// The log record of the transaction whose changes are `undo`, read before the purge.
/// `None` when it changed nothing.
pub(crate) fn record_of(g: &Graph, undo: &UndoLog) -> Option<WalRecord> {
    if undo.is_empty() {
        return None;
    }
    let mut created_nodes = Vec::new();
    let mut created_rels = Vec::new();
    let mut deleted_nodes = Vec::new();
    let mut deleted_rels = Vec::new();
    let mut schema_changed = false;
    let mut nodes: BTreeMap<NodeId, Touched> = BTreeMap::new();
    let mut rels: BTreeMap<RelId, Touched> = BTreeMap::new();
    for u in undo {
        match u {
            Undo::CreatedNode(id) => created_nodes.push(*id),
            Undo::CreatedRel(id) => created_rels.push(*id),
            Undo::DeletedNode(id) => deleted_nodes.push(*id),
            Undo::DeletedRel(id) => deleted_rels.push(*id),
            Undo::NodeProp(id, k, _) => {
                nodes.entry(*id).or_default().keys.insert(*k);
            }
            Undo::RelProp(id, k, _) => {
                rels.entry(*id).or_default().keys.insert(*k);
            }
            Undo::AddedLabel(id, _) | Undo::RemovedLabel(id, _) => {
                nodes.entry(*id).or_default().labels = true;
            }
            Undo::CreatedSchema(_) | Undo::DroppedSchema(_) => schema_changed = true,
        }
    }
    let new_nodes: HashSet<NodeId> = created_nodes.iter().copied().collect();
    let new_rels: HashSet<RelId> = created_rels.iter().copied().collect();
    let mut names = Names::default();
    let mut ops = Vec::new();
    for id in created_nodes {
        let Some(n) = g.node_rec(id) else { continue };
        ops.push(RedoOp::CreateNode(if n.deleted() {
            // Gone again before the commit: only its id matters.
            NodeItem {
                id: id.0,
                labels: Vec::new(),
                key: None,
                props: Vec::new(),
            }
        } else {
            NodeItem {
                id: id.0,
                labels: names.labels(g, &n.labels),
                key: g.key_of(id).map(|k| k.to_string()),
                props: names.props(g, &n.props),
            }
        }));
    }
    for id in created_rels {
        let (Some(r), Some((start, end))) = (g.rel_rec(id), g.endpoints(id)) else {
            continue;
        };
        let ty = names.of(g, r.ty());
        let props = if r.deleted() {
            Vec::new()
        } else {
            names.props(g, g.rel_props(id))
        };
        ops.push(RedoOp::CreateRel(RelItem {
            id: id.0,
            start: start.0,
            end: end.0,
            ty,
            props,
        }));
    }
    for (id, t) in nodes {
        let Some(n) = g.node_rec(id) else { continue };
        if new_nodes.contains(&id) || n.deleted() {
            continue;
        }
        let labels = t.labels.then(|| names.labels(g, &n.labels));
        let props = names.changed(g, &t.keys, &n.props);
        ops.push(RedoOp::SetNode {
            id: id.0,
            labels,
            props,
        });
    }
    for (id, t) in rels {
        let Some(r) = g.rel_rec(id) else { continue };
        if new_rels.contains(&id) || r.deleted() {
            continue;
        }
        let props = names.changed(g, &t.keys, g.rel_props(id));
        ops.push(RedoOp::SetRel { id: id.0, props });
    }
    ops.extend(deleted_rels.into_iter().map(|r| RedoOp::DeleteRel(r.0)));
    ops.extend(deleted_nodes.into_iter().map(|n| RedoOp::DeleteNode(n.0)));
    if schema_changed {
        // Last, on the final data: the definitions as the transaction left them.
        let defs = g.schema_defs().into_iter().map(Into::into).collect();
        ops.push(RedoOp::Schema(defs));
    }
    Some(WalRecord {
        names: names.names,
        ops,
    })
}

/// The properties of a stored node or relationship (`sym` translates a stored name
/// number to a symbol); a null value is damage.
fn props_of(
    list: Vec<(u32, Value)>,
    sym: &impl Fn(u32) -> Result<Sym, String>,
) -> Result<Props, String> {
    let mut pairs = Vec::with_capacity(list.len());
    for (k, v) in list {
        if v.is_null() {
            return Err("a stored property is null".into());
        }
        pairs.push((sym(k)?, v));
    }
    Ok(Props::from_pairs(pairs))
}

/// Creates the node of `item`, which must come back with the id it was stored with
/// (snapshot restore and log replay).
pub(crate) fn create_node_as(
    g: &mut Graph,
    item: NodeItem,
    sym: &impl Fn(u32) -> Result<Sym, String>,
    undo: &mut UndoLog,
) -> Result<(), String> {
    let labels = item
        .labels
        .iter()
        .map(|l| sym(*l))
        .collect::<Result<Vec<_>, _>>()?;
    let props = props_of(item.props, sym)?;
    let got = g
        .create_node(&labels, item.key.map(Into::into), props, undo)
        .map_err(|e| e.message)?;
    if got.0 != item.id {
        return Err(format!("node {} came back as node {}", item.id, got.0));
    }
    Ok(())
}

/// Creates the relationship of `item` at the id it was stored with (see
/// [`create_node_as`]).
pub(crate) fn create_rel_as(
    g: &mut Graph,
    item: RelItem,
    sym: &impl Fn(u32) -> Result<Sym, String>,
    undo: &mut UndoLog,
) -> Result<(), String> {
    let ty = sym(item.ty)?;
    let props = props_of(item.props, sym)?;
    let got = g
        .create_rel(NodeId(item.start), NodeId(item.end), ty, props, undo)
        .map_err(|e| e.message)?;
    if got.0 != item.id {
        return Err(format!(
            "relationship {} came back as relationship {}",
            item.id, got.0
        ));
    }
    Ok(())
}

/// Replays a record onto `g` and purges its deletions. An error means the record does not
/// fit the graph (a damaged or foreign log); `g` is then in an unspecified state.
pub(crate) fn apply(g: &mut Graph, record: WalRecord) -> Result<(), String> {
    let syms: Vec<Sym> = record.names.iter().map(|n| g.syms.intern(n)).collect();
    let sym = |i: u32| {
        syms.get(i as usize)
            .copied()
            .ok_or_else(|| format!("name number {i} is not in the record"))
    };
    let mut undo = UndoLog::new();
    let mut schema = None;
    let err = |e: crate::Error| e.message;
    for op in record.ops {
        match op {
            RedoOp::CreateNode(item) => create_node_as(g, item, &sym, &mut undo)?,
            RedoOp::CreateRel(item) => create_rel_as(g, item, &sym, &mut undo)?,
            RedoOp::SetNode { id, labels, props } => {
                let id = NodeId(id);
                if let Some(labels) = labels {
                    let want = labels
                        .iter()
                        .map(|l| sym(*l))
                        .collect::<Result<BTreeSet<_>, _>>()?;
                    let have: BTreeSet<Sym> =
                        g.node(id).map_err(err)?.labels.iter().copied().collect();
                    for l in have.difference(&want) {
                        g.remove_label(id, *l, &mut undo).map_err(err)?;
                    }
                    for l in want.difference(&have) {
                        g.add_label(id, *l, &mut undo).map_err(err)?;
                    }
                }
                for (k, v) in props {
                    g.set_node_prop(id, sym(k)?, v, &mut undo).map_err(err)?;
                }
            }
            RedoOp::SetRel { id, props } => {
                for (k, v) in props {
                    g.set_rel_prop(RelId(id), sym(k)?, v, &mut undo)
                        .map_err(err)?;
                }
            }
            RedoOp::DeleteRel(id) => {
                if !g.delete_rel(RelId(id), &mut undo).map_err(err)? {
                    return Err(format!("relationship {id} does not exist"));
                }
            }
            RedoOp::DeleteNode(id) => {
                if !g.delete_node(NodeId(id), &mut undo).map_err(err)? {
                    return Err(format!("node {id} does not exist"));
                }
            }
            RedoOp::Schema(defs) => schema = Some(defs),
        }
    }
    g.check_deleted_nodes_detached(&undo).map_err(err)?;
    g.purge(&undo);
    if let Some(defs) = schema {
        g.replace_schema_defs(defs.into_iter().map(Into::into).collect())
            .map_err(err)?;
    }
    Ok(())
}
