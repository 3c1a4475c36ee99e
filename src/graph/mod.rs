//! The in-memory property-graph store.
//!
//! A `petgraph` [`StableDiGraph`] holds nodes and relationships; their indices stay valid
//! after deletions. Labels, relationship types and property keys are interned to [`Sym`]s.
//! Beside the graph: a label index (label -> nodes), relationship-type counts and the unique
//! key index (key -> node).
//!
//! Writes go through [`Graph`] methods that append to an [`UndoLog`]; rolling the log back
//! restores the graph exactly (ids included). Deletions are tombstones until
//! [`Graph::purge`] removes them for good at commit, so a rolled-back deletion keeps its id.
//! `graph` never does I/O.
//!
//! Also kept in step with every write and rollback: adjacency split by relationship type
//! (`adjacency.rs`), property indexes and unique constraints (`index.rs`) and the counts the
//! planner estimates with (`stats.rs`).

mod adjacency;
mod index;
mod label_index;
mod props;
mod rel_props;
mod runs;
mod stats;

pub use index::{IndexQuery, SchemaDef, SchemaKind};
pub use props::{PropRef, Props, PropsRef};
pub use stats::ANY_LABEL;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeIndexable, EdgeRef, IntoEdgeReferences, NodeIndexable};
use petgraph::Direction as PgDirection;

use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::{NodeId, Path, RelId, Value};

/// An interned string (label, relationship type or property key).
pub type Sym = u32;

/// Interns names; symbols are never freed.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    /// foldhash: every statement looks its relationship types up by name.
    map: HashMap<Arc<str>, Sym, foldhash::fast::RandomState>,
    names: Vec<Arc<str>>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(&s) = self.map.get(name) {
            return s;
        }
        let s = self.names.len() as Sym;
        let name: Arc<str> = name.into();
        self.names.push(name.clone());
        self.map.insert(name, s);
        s
    }

    pub fn get(&self, name: &str) -> Option<Sym> {
        self.map.get(name).copied()
    }

    /// Every name, in symbol order.
    pub fn names(&self) -> &[Arc<str>] {
        &self.names
    }

    pub fn name(&self, sym: Sym) -> Arc<str> {
        self.names
            .get(sym as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from("?"))
    }

    /// [`Interner::name`] borrowed: for a copy as a `String`, which `to_string` on an
    /// `Arc<str>` makes through the formatting machinery (a tenth of returning nodes).
    pub fn name_str(&self, sym: Sym) -> &str {
        self.names.get(sym as usize).map_or("?", |n| n)
    }
}

/// A node's labels, ascending and distinct. Up to [`Labels::INLINE`] are kept in the record
/// itself (most nodes have one or two); more take one allocation. Reads see a `[Sym]`.
///
/// The node record's tombstone flag rides along in the padding of either form (see
/// [`NodeRec::deleted`]), which keeps the record at 32 bytes; it plays no part in
/// comparisons and a [`Labels`] made by [`Labels::new`] has it clear.
#[derive(Clone)]
pub struct Labels(LabelRepr);

#[derive(Clone)]
enum LabelRepr {
    /// The first `len` symbols, and the tombstone flag.
    Inline(u8, bool, [Sym; Labels::INLINE]),
    /// More than `INLINE` symbols, behind a thin pointer so that `Labels` stays 16 bytes,
    /// and the tombstone flag.
    #[allow(clippy::box_collection)]
    Heap(bool, Box<Vec<Sym>>),
}

impl Labels {
    const INLINE: usize = 3;

    /// `labels` sorted and without duplicates.
    pub fn new(labels: &[Sym]) -> Labels {
        let mut v = labels.to_vec();
        v.sort_unstable();
        v.dedup();
        Labels::from_sorted(v, false)
    }

    fn from_sorted(v: Vec<Sym>, flag: bool) -> Labels {
        if v.len() > Labels::INLINE {
            return Labels(LabelRepr::Heap(flag, Box::new(v)));
        }
        let mut inline = [0; Labels::INLINE];
        for (slot, l) in inline.iter_mut().zip(&v) {
            *slot = *l;
        }
        Labels(LabelRepr::Inline(v.len() as u8, flag, inline))
    }

    pub fn as_slice(&self) -> &[Sym] {
        match &self.0 {
            LabelRepr::Inline(len, _, inline) => inline.get(..*len as usize).unwrap_or(&[]),
            LabelRepr::Heap(_, v) => v,
        }
    }

    fn flag(&self) -> bool {
        match self.0 {
            LabelRepr::Inline(_, flag, _) | LabelRepr::Heap(flag, _) => flag,
        }
    }

    fn set_flag(&mut self, to: bool) {
        match &mut self.0 {
            LabelRepr::Inline(_, flag, _) | LabelRepr::Heap(flag, _) => *flag = to,
        }
    }

    /// Adds `label`; false when it was there.
    fn insert(&mut self, label: Sym) -> bool {
        let Err(i) = self.binary_search(&label) else {
            return false;
        };
        let mut v = self.to_vec();
        v.insert(i, label);
        *self = Labels::from_sorted(v, self.flag());
        true
    }

    /// Removes `label`; false when it was not there.
    fn remove(&mut self, label: Sym) -> bool {
        let Ok(i) = self.binary_search(&label) else {
            return false;
        };
        let mut v = self.to_vec();
        v.remove(i);
        *self = Labels::from_sorted(v, self.flag());
        true
    }
}

impl Default for Labels {
    fn default() -> Labels {
        Labels(LabelRepr::Inline(0, false, [0; Labels::INLINE]))
    }
}

impl std::ops::Deref for Labels {
    type Target = [Sym];
    fn deref(&self) -> &[Sym] {
        self.as_slice()
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Labels) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for Labels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[derive(Debug, Clone)]
pub struct NodeRec {
    pub labels: Labels,
    pub props: Props,
}

impl NodeRec {
    /// Whether the node is tombstoned (deleted, not yet purged). Kept in the labels' spare
    /// bits: a field of its own would make every node slot 8 bytes larger.
    pub fn deleted(&self) -> bool {
        self.labels.flag()
    }

    fn set_deleted(&mut self, deleted: bool) {
        self.labels.set_flag(deleted);
    }
}

/// A relationship record: its type, whether it is tombstoned and where its properties are
/// ([`Graph::rel_props`] reads them), packed in one `u32` that is never zero, so that
/// petgraph's slot (`Option<RelRec>` and the links) is 20 bytes. Bits 0-1: where the
/// properties are; bit 2: tombstoned; bits 3-31: the type plus one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RelRec(std::num::NonZeroU32);

impl RelRec {
    /// The largest type symbol a record holds.
    const MAX_TYPE: Sym = (u32::MAX >> 3) - 1;
    const DELETED: u32 = 1 << 2;

    /// A live record of type `ty`, without properties (`None` when `ty` is above
    /// [`RelRec::MAX_TYPE`]).
    fn new(ty: Sym) -> Option<RelRec> {
        if ty > RelRec::MAX_TYPE {
            return None;
        }
        std::num::NonZeroU32::new((ty + 1) << 3).map(RelRec)
    }

    /// A tombstone of type 0 (the placeholders of [`Graph::fill_holes`]).
    const PLACEHOLDER: RelRec = match std::num::NonZeroU32::new((1 << 3) | RelRec::DELETED) {
        Some(bits) => RelRec(bits),
        None => RelRec(std::num::NonZeroU32::MIN),
    };

    pub fn ty(self) -> Sym {
        (self.0.get() >> 3).saturating_sub(1)
    }

    pub fn deleted(self) -> bool {
        self.0.get() & RelRec::DELETED != 0
    }

    /// Replaces the bits under `mask` by `bits` (the type's bits, never all clear, keep the
    /// value non-zero).
    fn set_bits(&mut self, mask: u32, bits: u32) {
        if let Some(b) = std::num::NonZeroU32::new(self.0.get() & !mask | bits) {
            self.0 = b;
        }
    }

    fn set_deleted(&mut self, deleted: bool) {
        self.set_bits(RelRec::DELETED, if deleted { RelRec::DELETED } else { 0 });
    }

    fn at(self) -> rel_props::At {
        match self.0.get() & 3 {
            1 => rel_props::At::Own,
            2 => rel_props::At::Row,
            _ => rel_props::At::None,
        }
    }

    fn set_at(&mut self, at: rel_props::At) {
        let code = match at {
            rel_props::At::None => 0,
            rel_props::At::Own => 1,
            rel_props::At::Row => 2,
        };
        self.set_bits(3, code);
    }
}

impl std::fmt::Debug for RelRec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelRec")
            .field("ty", &self.ty())
            .field("deleted", &self.deleted())
            .field("at", &self.at())
            .finish()
    }
}

/// One reversible change.
#[derive(Debug, Clone)]
pub enum Undo {
    CreatedNode(NodeId),
    CreatedRel(RelId),
    DeletedNode(NodeId),
    DeletedRel(RelId),
    NodeProp(NodeId, Sym, Option<Value>),
    RelProp(RelId, Sym, Option<Value>),
    AddedLabel(NodeId, Sym),
    RemovedLabel(NodeId, Sym),
    /// An index or constraint was created (rollback drops it).
    CreatedSchema(SchemaDef),
    /// An index or constraint was dropped (rollback rebuilds it from the data).
    DroppedSchema(SchemaDef),
}

/// The changes of a transaction, newest last.
pub type UndoLog = Vec<Undo>;

/// Placeholders standing in unused id slots while a graph is rebuilt.
#[derive(Debug, Default)]
pub(crate) struct Holes {
    nodes: Vec<NodeId>,
    rels: Vec<RelId>,
}

/// The store.
#[derive(Debug, Default, Clone)]
pub struct Graph {
    g: StableDiGraph<NodeRec, RelRec, u32>,
    pub syms: Interner,
    label_index: label_index::LabelIndex,
    /// foldhash, as the triple counts: expansions read them per statement.
    type_counts: HashMap<Sym, u64, foldhash::fast::RandomState>,
    keys: HashMap<Arc<str>, NodeId>,
    /// The key of every node record that has one, tombstoned ones included (few nodes have
    /// a key: kept beside the records, not in each).
    node_keys: HashMap<NodeId, Arc<str>>,
    /// Every property key ever written (for schema listings; never shrinks).
    prop_keys: BTreeSet<Sym>,
    live_nodes: usize,
    live_rels: usize,
    /// Relationships deleted but not yet purged (tombstones still in the adjacency groups).
    dead_rels: usize,
    /// Counts changes to the indexes and constraints (plans made before a change are
    /// made again).
    schema_gen: u64,
    adjacency: adjacency::TypedAdjacency,
    /// The properties of relationships, beside their records.
    rel_props: rel_props::RelProps,
    indexes: Vec<index::PropIndex>,
    triples: stats::TripleCounts,
    /// Bulk loading: relationships are created without adjacency groups or triple counts,
    /// which [`Graph::end_bulk`] then builds in one pass.
    bulk: bool,
    /// During a bulk load: the property tables its records' properties move into, and the
    /// strings they share.
    bulk_props: props::BulkTables,
    /// The runs of bulk-loaded nodes whose properties are found from their ids.
    packed: runs::PackedRuns,
}

fn ni(id: NodeId) -> NodeIndex<u32> {
    NodeIndex::new(id.0 as usize)
}
fn ei(id: RelId) -> EdgeIndex<u32> {
    EdgeIndex::new(id.0 as usize)
}
fn nid(i: NodeIndex<u32>) -> NodeId {
    NodeId(i.index() as u32)
}
fn rid(i: EdgeIndex<u32>) -> RelId {
    RelId(i.index() as u32)
}

fn deleted_node(id: NodeId) -> Error {
    Error::runtime(
        ErrorKind::EntityNotFound,
        detail::DELETED_ENTITY_ACCESS,
        format!("node {} has been deleted", id.0),
    )
}
fn deleted_rel(id: RelId) -> Error {
    Error::runtime(
        ErrorKind::EntityNotFound,
        detail::DELETED_ENTITY_ACCESS,
        format!("relationship {} has been deleted", id.0),
    )
}

/// Which relationships of a node to walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Out,
    In,
    Both,
}

impl Dir {
    /// The same relationships seen from the other end.
    pub fn reversed(self) -> Dir {
        match self {
            Dir::Out => Dir::In,
            Dir::In => Dir::Out,
            Dir::Both => Dir::Both,
        }
    }
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    pub fn node_count(&self) -> usize {
        self.live_nodes
    }

    pub fn rel_count(&self) -> usize {
        self.live_rels
    }

    /// The record of a node that exists (tombstoned ones included).
    pub fn node_rec(&self, id: NodeId) -> Option<&NodeRec> {
        self.g.node_weight(ni(id))
    }

    pub fn rel_rec(&self, id: RelId) -> Option<&RelRec> {
        self.g.edge_weight(ei(id))
    }

    /// A live node's record, or `DeletedEntityAccess`.
    pub fn node(&self, id: NodeId) -> Result<&NodeRec> {
        match self.node_rec(id) {
            Some(n) if !n.deleted() => Ok(n),
            _ => Err(deleted_node(id)),
        }
    }

    /// Keeps the items whose node (`node` of the item) has a property `key` (`None`:
    /// missing) that passes `keep`; a node that is gone does not pass. Nodes in ascending
    /// order (a scan's) read the columns of their runs with one search per run.
    pub fn retain_by_node_prop<'g, T>(
        &'g self,
        items: &mut Vec<T>,
        node: impl Fn(&T) -> NodeId,
        key: Sym,
        mut keep: impl FnMut(Option<PropRef<'g>>) -> bool,
    ) {
        let mut reader = self.prop_reader(key);
        items.retain(|item| reader.get(node(item)).is_some_and(&mut keep));
    }

    /// Reads property `key` of node after node; see [`NodePropReader`].
    pub fn prop_reader(&self, key: Sym) -> NodePropReader<'_> {
        NodePropReader {
            graph: self,
            runs: self.packed.reader(key),
            key,
        }
    }

    /// The properties of a live node: a node still in its bulk load's run is found from
    /// its id alone, without loading its record (see [`runs`]).
    #[inline(always)]
    pub fn node_props(&self, id: NodeId) -> Result<PropsRef<'_>> {
        match self.packed.props(id) {
            Some(p) => Ok(p),
            None => self.node(id).map(|n| PropsRef::Props(&n.props)),
        }
    }

    pub fn rel(&self, id: RelId) -> Result<&RelRec> {
        match self.rel_rec(id) {
            Some(r) if !r.deleted() => Ok(r),
            _ => Err(deleted_rel(id)),
        }
    }

    /// The properties of relationship `id` (none for one that does not exist).
    #[inline]
    pub fn rel_props(&self, id: RelId) -> PropsRef<'_> {
        let at = self.rel_rec(id).map_or(rel_props::At::None, |r| r.at());
        self.rel_props.get(id, at)
    }

    /// The properties of a live relationship, or `DeletedEntityAccess`.
    #[inline]
    pub fn live_rel_props(&self, id: RelId) -> Result<PropsRef<'_>> {
        let r = self.rel(id)?;
        Ok(self.rel_props.get(id, r.at()))
    }

    pub fn node_is_live(&self, id: NodeId) -> bool {
        self.node_rec(id).is_some_and(|n| !n.deleted())
    }

    /// (start, end) of a relationship, live or tombstoned.
    pub fn endpoints(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        self.g.edge_endpoints(ei(id)).map(|(a, b)| (nid(a), nid(b)))
    }

    /// Whether node record `n` carries the label named `label`.
    pub fn has_label(&self, n: &NodeRec, label: &str) -> bool {
        self.syms
            .get(label)
            .is_some_and(|s| n.labels.binary_search(&s).is_ok())
    }

    /// The far end of relationship `r` seen from `node`.
    pub fn other_end(&self, r: RelId, node: NodeId) -> Option<NodeId> {
        let (s, e) = self.endpoints(r)?;
        Some(if s == node { e } else { s })
    }

    /// The path that starts at `start` and follows `rels` in order.
    pub fn path(&self, start: NodeId, rels: Vec<RelId>) -> Result<Path> {
        let mut nodes = Vec::with_capacity(rels.len() + 1);
        nodes.push(start);
        for r in &rels {
            let last = nodes.last().copied().unwrap_or(start);
            let next = self
                .other_end(*r, last)
                .ok_or_else(|| Error::internal("a path follows a missing relationship"))?;
            nodes.push(next);
        }
        Ok(Path { nodes, rels })
    }

    /// All live nodes in id order.
    pub fn all_nodes(&self) -> Vec<NodeId> {
        let mut out = Vec::new();
        self.nodes_from(0, usize::MAX, &mut out);
        out
    }

    /// Up to `max` live nodes from id `from` on, in id order, appended to `out`; the id
    /// to go on from when more may follow.
    pub fn nodes_from(&self, from: u32, max: usize, out: &mut Vec<NodeId>) -> Option<u32> {
        let bound = self.node_bound();
        let mut at = from;
        let mut taken = 0;
        while at < bound {
            if taken == max {
                return Some(at);
            }
            if self.node_rec(NodeId(at)).is_some_and(|n| !n.deleted()) {
                out.push(NodeId(at));
                taken += 1;
            }
            at += 1;
        }
        None
    }

    /// Live nodes with `label`, in id order.
    pub fn nodes_with_label(&self, label: Sym) -> Vec<NodeId> {
        self.label_index.nodes(label)
    }

    /// [`Graph::nodes_from`] for the nodes with `label`.
    pub fn nodes_with_label_from(
        &self,
        label: Sym,
        from: u32,
        max: usize,
        out: &mut Vec<NodeId>,
    ) -> Option<u32> {
        self.label_index.nodes_from(label, from, max, out)
    }

    pub fn label_count(&self, label: Sym) -> usize {
        self.label_index.count(label)
    }

    /// The live node with `key`.
    pub fn node_by_key(&self, key: &str) -> Option<NodeId> {
        self.keys.get(key).copied()
    }

    /// The key of node `id`, if it has one (tombstoned nodes included).
    pub fn key_of(&self, id: NodeId) -> Option<&Arc<str>> {
        if self.node_keys.is_empty() {
            return None;
        }
        self.node_keys.get(&id)
    }

    /// The key of a live node, or `DeletedEntityAccess`.
    pub fn live_key_of(&self, id: NodeId) -> Result<Option<&Arc<str>>> {
        self.node(id)?;
        Ok(self.key_of(id))
    }

    /// Live relationships at `node` in direction `dir`, as (relationship, other node). With
    /// `Both`, a self-loop appears once.
    pub fn rels_of(&self, node: NodeId, dir: Dir, types: &[Sym]) -> Vec<(RelId, NodeId)> {
        let mut out = Vec::new();
        self.rels_into(node, dir, types, &mut out);
        out
    }

    /// [`Graph::rels_of`] appended to `out` (a buffer the caller reuses).
    pub fn rels_into(&self, node: NodeId, dir: Dir, types: &[Sym], out: &mut Vec<(RelId, NodeId)>) {
        if !types.is_empty() {
            return self.typed_rels_into(node, dir, types, out);
        }
        let mut push = |e: petgraph::stable_graph::EdgeReference<'_, RelRec, u32>, other| {
            let r = e.weight();
            if !r.deleted() {
                out.push((rid(e.id()), nid(other)));
            }
        };
        if matches!(dir, Dir::Out | Dir::Both) {
            for e in self.g.edges_directed(ni(node), PgDirection::Outgoing) {
                push(e, e.target());
            }
        }
        if matches!(dir, Dir::In | Dir::Both) {
            for e in self.g.edges_directed(ni(node), PgDirection::Incoming) {
                if dir == Dir::Both && e.source() == e.target() {
                    continue;
                }
                push(e, e.source());
            }
        }
    }

    /// [`Graph::rels_into`] for named types: reads only those types' adjacency groups,
    /// newest first within a type (the order of petgraph's lists).
    fn typed_rels_into(
        &self,
        node: NodeId,
        dir: Dir,
        types: &[Sym],
        out: &mut Vec<(RelId, NodeId)>,
    ) {
        for (i, ty) in types.iter().enumerate() {
            if types.get(..i).is_some_and(|seen| seen.contains(ty)) {
                continue;
            }
            for (outgoing, wanted) in [(true, Dir::Out), (false, Dir::In)] {
                if dir != wanted && dir != Dir::Both {
                    continue;
                }
                let group = self.adjacency.get(node, outgoing, *ty);
                // Room for the whole group at once: grown by pushes from empty, the buffer
                // of a fresh expansion moved four times on the way to 20 relationships.
                out.reserve(group.len());
                group.for_each_rev(|(r, other)| {
                    // A self-loop walked both ways is one match, from its start.
                    if !outgoing && dir == Dir::Both && other == node {
                        return;
                    }
                    // Tombstones only exist while a transaction that deleted is open.
                    if self.dead_rels > 0 && self.rel_rec(r).is_none_or(|rec| rec.deleted()) {
                        return;
                    }
                    out.push((r, other));
                });
            }
        }
    }

    /// Whether relationships deleted by an open transaction still sit in the adjacency
    /// groups (counted by [`Graph::typed_degree`], skipped by [`Graph::rels_of`]).
    pub fn has_tombstones(&self) -> bool {
        self.dead_rels > 0
    }

    /// An upper bound on the relationships of `types` at `node` in `dir` (tombstones
    /// included), from the adjacency groups without walking them.
    pub fn typed_degree(&self, node: NodeId, dir: Dir, types: &[Sym]) -> usize {
        let mut n = 0;
        for ty in types {
            if dir != Dir::In {
                n += self.adjacency.get(node, true, *ty).len();
            }
            if dir != Dir::Out {
                n += self.adjacency.get(node, false, *ty).len();
            }
        }
        n
    }

    // ----- writes -------------------------------------------------------------------------

    /// Creates a node. A key already taken is a `ConstraintVerificationFailed` error.
    pub fn create_node(
        &mut self,
        labels: &[Sym],
        key: Option<Arc<str>>,
        mut props: Props,
        undo: &mut UndoLog,
    ) -> Result<NodeId> {
        if let Some(k) = &key {
            if self.keys.contains_key(k) {
                return Err(Error::runtime(
                    ErrorKind::ConstraintVerificationFailed,
                    detail::DUPLICATE_KEY,
                    format!("a node with the key `{k}` already exists"),
                ));
            }
        }
        self.prop_keys.extend(props.iter().map(|(k, _)| k));
        if self.bulk {
            self.bulk_props.share(&mut props);
        }
        let ls = Labels::new(labels);
        let id = nid(self.g.add_node(NodeRec {
            labels: ls.clone(),
            props,
        }));
        for &l in ls.iter() {
            self.label_index.insert(l, id, self.bulk);
        }
        if let Some(k) = key {
            self.keys.insert(k.clone(), id);
            self.node_keys.insert(id, k);
        }
        self.live_nodes += 1;
        undo.push(Undo::CreatedNode(id));
        self.index_node(id)?;
        if self.bulk {
            if let Some(rec) = self.g.node_weight_mut(ni(id)) {
                self.bulk_props.add(&mut rec.props);
            }
        }
        Ok(id)
    }

    pub fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: Sym,
        mut props: Props,
        undo: &mut UndoLog,
    ) -> Result<RelId> {
        self.node(start)?;
        self.node(end)?;
        let rec = RelRec::new(ty).ok_or_else(|| {
            Error::new(
                ErrorKind::ResourceLimit,
                "too many distinct names (labels, types and keys) for a relationship type",
            )
        })?;
        self.prop_keys.extend(props.iter().map(|(k, _)| k));
        if self.bulk {
            self.bulk_props.share(&mut props);
        }
        let id = rid(self.g.add_edge(ni(start), ni(end), rec));
        let bulk = self.bulk.then_some(&mut self.bulk_props);
        let at = self.rel_props.add(id, props, bulk);
        if let Some(r) = self.g.edge_weight_mut(ei(id)) {
            r.set_at(at);
        }
        *self.type_counts.entry(ty).or_default() += 1;
        if !self.bulk {
            self.adjacency.add(start, end, ty, id);
            self.count_rel(id, true);
        }
        self.live_rels += 1;
        undo.push(Undo::CreatedRel(id));
        Ok(id)
    }

    /// Tombstones a node (its relationships must be deleted first). Deleting a deleted node
    /// is a no-op. Returns whether it was live.
    pub fn delete_node(&mut self, id: NodeId, undo: &mut UndoLog) -> Result<bool> {
        let Some(n) = self.g.node_weight_mut(ni(id)) else {
            return Ok(false);
        };
        if n.deleted() {
            return Ok(false);
        }
        self.unindex_node(id);
        let Some(n) = self.g.node_weight_mut(ni(id)) else {
            return Ok(false);
        };
        n.set_deleted(true);
        let labels = n.labels.clone();
        self.packed.unpack(id);
        for &l in labels.iter() {
            self.label_index.remove(l, id);
        }
        if let Some(k) = self.node_keys.get(&id) {
            self.keys.remove(k);
        }
        self.live_nodes -= 1;
        undo.push(Undo::DeletedNode(id));
        Ok(true)
    }

    pub fn delete_rel(&mut self, id: RelId, undo: &mut UndoLog) -> Result<bool> {
        let Some(r) = self.g.edge_weight_mut(ei(id)) else {
            return Ok(false);
        };
        if r.deleted() {
            return Ok(false);
        }
        self.count_rel(id, false);
        let Some(r) = self.g.edge_weight_mut(ei(id)) else {
            return Ok(false);
        };
        r.set_deleted(true);
        let ty = r.ty();
        if let Some(c) = self.type_counts.get_mut(&ty) {
            *c = c.saturating_sub(1);
        }
        self.live_rels -= 1;
        self.dead_rels += 1;
        undo.push(Undo::DeletedRel(id));
        Ok(true)
    }

    /// Sets a node property (null removes it); returns the old value.
    pub fn set_node_prop(
        &mut self,
        id: NodeId,
        key: Sym,
        value: Value,
        undo: &mut UndoLog,
    ) -> Result<Option<Value>> {
        self.node(id)?;
        let (old, indexed) = self.put_node_prop(id, key, value);
        self.prop_keys.insert(key);
        undo.push(Undo::NodeProp(id, key, old.clone()));
        indexed?;
        Ok(old)
    }

    /// Sets `key` of node `id` (a null value removes it), keeping the indexes that cover
    /// the key in step: the previous value, and whether the new one fits the unique
    /// constraints.
    fn put_node_prop(&mut self, id: NodeId, key: Sym, value: Value) -> (Option<Value>, Result<()>) {
        // Only a key some index covers needs upkeep.
        let upkeep = self.indexed_key(key);
        if upkeep {
            self.unindex_node(id);
        }
        self.packed.unpack(id);
        let old = self
            .g
            .node_weight_mut(ni(id))
            .and_then(|n| n.props.set(key, value));
        let indexed = if upkeep { self.index_node(id) } else { Ok(()) };
        (old, indexed)
    }

    pub fn set_rel_prop(
        &mut self,
        id: RelId,
        key: Sym,
        value: Value,
        undo: &mut UndoLog,
    ) -> Result<Option<Value>> {
        self.rel(id)?;
        let old = self.put_rel_prop(id, key, value);
        self.prop_keys.insert(key);
        undo.push(Undo::RelProp(id, key, old.clone()));
        Ok(old)
    }

    /// Sets a relationship property (null removes it), whatever the relationship's state;
    /// returns the old value.
    fn put_rel_prop(&mut self, id: RelId, key: Sym, value: Value) -> Option<Value> {
        let at = self.g.edge_weight(ei(id))?.at();
        let old = self.rel_props.own_mut(id, at).set(key, value);
        let at = self.rel_props.settle(id);
        if let Some(r) = self.g.edge_weight_mut(ei(id)) {
            r.set_at(at);
        }
        old
    }

    /// Adds a label; returns whether it was new.
    pub fn add_label(&mut self, id: NodeId, label: Sym, undo: &mut UndoLog) -> Result<bool> {
        self.node(id)?;
        self.change_label(id, label, true, Some(undo))
    }

    /// Removes a label; returns whether it was there.
    pub fn remove_label(&mut self, id: NodeId, label: Sym, undo: &mut UndoLog) -> Result<bool> {
        self.node(id)?;
        self.change_label(id, label, false, Some(undo))
    }

    /// Adds (`add`) or removes a label, keeping the label index, the (label, type, label)
    /// counts of the node's relationships and the property indexes in step. With an undo
    /// log the change is recorded there (before any unique-constraint error is returned).
    fn change_label(
        &mut self,
        id: NodeId,
        label: Sym,
        add: bool,
        undo: Option<&mut UndoLog>,
    ) -> Result<bool> {
        let Some(n) = self.g.node_weight(ni(id)) else {
            return Ok(false);
        };
        let at = n.labels.binary_search(&label);
        if at.is_ok() == add {
            return Ok(false);
        }
        let rels = self.rels_of(id, Dir::Both, &[]);
        for (r, _) in &rels {
            self.count_rel(*r, false);
        }
        let indexed = self.indexed_label(label);
        if indexed {
            self.unindex_node(id);
        }
        if let Some(n) = self.g.node_weight_mut(ni(id)) {
            if add {
                n.labels.insert(label);
            } else {
                n.labels.remove(label);
            }
        }
        if add {
            self.label_index.insert(label, id, false);
        } else {
            self.label_index.remove(label, id);
        }
        for (r, _) in &rels {
            self.count_rel(*r, true);
        }
        if let Some(undo) = undo {
            undo.push(if add {
                Undo::AddedLabel(id, label)
            } else {
                Undo::RemovedLabel(id, label)
            });
        }
        if indexed {
            self.index_node(id)?;
        }
        Ok(true)
    }

    /// Reverts the changes in `undo` (newest first) and empties it.
    pub fn rollback(&mut self, undo: &mut UndoLog) {
        while let Some(u) = undo.pop() {
            match u {
                Undo::CreatedNode(id) => {
                    self.unindex_node(id);
                    self.packed.unpack(id);
                    if let Some(n) = self.g.remove_node(ni(id)) {
                        for &l in n.labels.iter() {
                            self.label_index.remove(l, id);
                        }
                        if let Some(k) = self.node_keys.remove(&id) {
                            self.keys.remove(&k);
                        }
                        if !n.deleted() {
                            self.live_nodes -= 1;
                        }
                    }
                }
                Undo::CreatedRel(id) => {
                    if self.rel_rec(id).is_some_and(|r| !r.deleted()) {
                        self.count_rel(id, false);
                    }
                    if let Some(r) = self.remove_rel_slot(id) {
                        if !r.deleted() {
                            if let Some(c) = self.type_counts.get_mut(&r.ty()) {
                                *c = c.saturating_sub(1);
                            }
                            self.live_rels -= 1;
                        }
                    }
                }
                Undo::DeletedNode(id) => {
                    if let Some(n) = self.g.node_weight_mut(ni(id)) {
                        n.set_deleted(false);
                        let labels = n.labels.clone();
                        if let Some(k) = self.node_keys.get(&id) {
                            self.keys.insert(k.clone(), id);
                        }
                        for &l in labels.iter() {
                            self.label_index.insert(l, id, false);
                        }
                        self.live_nodes += 1;
                        // The state restored satisfied every constraint.
                        let _ = self.index_node(id);
                    }
                }
                Undo::DeletedRel(id) => {
                    if let Some(r) = self.g.edge_weight_mut(ei(id)) {
                        r.set_deleted(false);
                        *self.type_counts.entry(r.ty()).or_default() += 1;
                        self.live_rels += 1;
                        self.dead_rels = self.dead_rels.saturating_sub(1);
                        self.count_rel(id, true);
                    }
                }
                Undo::NodeProp(id, key, old) => {
                    let _ = self.put_node_prop(id, key, old.unwrap_or(Value::Null));
                }
                Undo::RelProp(id, key, old) => {
                    self.put_rel_prop(id, key, old.unwrap_or(Value::Null));
                }
                Undo::AddedLabel(id, label) => {
                    let _ = self.change_label(id, label, false, None);
                }
                Undo::RemovedLabel(id, label) => {
                    let _ = self.change_label(id, label, true, None);
                }
                Undo::CreatedSchema(def) => self.forget_schema(&def.name),
                Undo::DroppedSchema(def) => {
                    let _ = self.restore_schema_def(def);
                }
            }
        }
    }

    /// Tombstoned nodes that still have live relationships (a DELETE without DETACH).
    pub fn check_deleted_nodes_detached(&self, undo: &UndoLog) -> Result<()> {
        for u in undo {
            if let Undo::DeletedNode(id) = u {
                if self.node_rec(*id).is_some_and(|n| n.deleted())
                    && !self.rels_of(*id, Dir::Both, &[]).is_empty()
                {
                    return Err(Error::runtime(
                        ErrorKind::ConstraintVerificationFailed,
                        detail::DELETE_CONNECTED_NODE,
                        format!(
                            "cannot delete node {} because it still has relationships; use DETACH DELETE",
                            id.0
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Takes relationship `id` out of petgraph and its adjacency groups for good (a
    /// tombstone leaves the count of them); returns its record.
    fn remove_rel_slot(&mut self, id: RelId) -> Option<RelRec> {
        let ends = self.endpoints(id);
        let r = self.g.remove_edge(ei(id))?;
        self.rel_props.remove(id, r.at());
        if let Some((s, e)) = ends {
            self.adjacency.remove(s, e, r.ty(), id);
        }
        if r.deleted() {
            self.dead_rels = self.dead_rels.saturating_sub(1);
        }
        Some(r)
    }

    /// Removes the tombstones recorded in `undo` for good (at commit).
    pub fn purge(&mut self, undo: &UndoLog) {
        for u in undo {
            if let Undo::DeletedRel(id) = u {
                if self.rel_rec(*id).is_some_and(|r| r.deleted()) {
                    self.remove_rel_slot(*id);
                }
            }
        }
        for u in undo {
            if let Undo::DeletedNode(id) = u {
                if self.node_rec(*id).is_some_and(|n| n.deleted()) {
                    // Any relationship still attached is tombstoned too (checked before).
                    self.g.remove_node(ni(*id));
                    self.node_keys.remove(id);
                }
            }
        }
    }

    /// A property of a node or relationship by name (`None`: absent).
    pub fn node_prop(&self, id: NodeId, key: &str) -> Result<Option<PropRef<'_>>> {
        let n = self.node(id)?;
        Ok(self.syms.get(key).and_then(|k| n.props.get(k)))
    }

    pub fn rel_prop(&self, id: RelId, key: &str) -> Result<Option<PropRef<'_>>> {
        let props = self.live_rel_props(id)?;
        Ok(self.syms.get(key).and_then(|k| props.get(k)))
    }

    /// Properties as a name -> value map.
    pub fn props_map<'p>(
        &self,
        props: impl Into<PropsRef<'p>>,
    ) -> std::collections::BTreeMap<String, Value> {
        props
            .into()
            .iter()
            .map(|(k, v)| (self.syms.name_str(k).to_owned(), v.into_owned()))
            .collect()
    }

    /// Every label symbol in use with its node count.
    pub fn label_counts(&self) -> Vec<(Sym, usize)> {
        let mut v: Vec<_> = self.label_index.counts().filter(|(_, n)| *n > 0).collect();
        v.sort_unstable();
        v
    }

    /// Every property key ever written, in symbol order.
    pub fn property_keys(&self) -> impl Iterator<Item = Sym> + '_ {
        self.prop_keys.iter().copied()
    }

    /// Every relationship type in use with its count.
    pub fn type_counts(&self) -> Vec<(Sym, u64)> {
        let mut v: Vec<_> = self
            .type_counts
            .iter()
            .filter(|(_, c)| **c > 0)
            .map(|(t, c)| (*t, *c))
            .collect();
        v.sort_unstable();
        v
    }

    // ----- storage support ------------------------------------------------------------------

    /// One past the highest node id ever handed out (holes included).
    pub fn node_bound(&self) -> u32 {
        self.g.node_bound() as u32
    }

    /// One past the highest relationship id ever handed out (holes included).
    pub fn rel_bound(&self) -> u32 {
        self.g.edge_bound() as u32
    }

    /// Makes room for `nodes` nodes and `rels` relationships in an empty graph (when
    /// loading a snapshot whose sizes are known); does nothing to a graph holding any.
    pub(crate) fn reserve_empty(&mut self, nodes: u32, rels: u32) {
        if self.node_bound() == 0 && self.rel_bound() == 0 {
            self.g = StableDiGraph::with_capacity(nodes as usize, rels as usize);
        }
    }

    /// Starts a bulk load (snapshot restore, import): relationships created from now on skip
    /// the adjacency groups and triple counts until [`Graph::end_bulk`] builds them all at
    /// once. Nothing may read the graph or roll it back in between.
    pub(crate) fn begin_bulk(&mut self) {
        self.bulk = true;
    }

    /// During a bulk load: moves the properties of the records loaded so far into their
    /// finished tables, as [`Graph::end_bulk`] does. A load calls it between its nodes and
    /// its relationships, so that the nodes' growing columns (a [`Value`] per row) become
    /// narrow ones before the relationships arrive, instead of all being held at once.
    pub(crate) fn pack_bulk(&mut self) {
        if self.bulk {
            self.pack_pending();
        }
    }

    /// Moves pending property rows into their finished tables.
    fn pack_pending(&mut self) {
        let mut tables = self.bulk_props.finish();
        for r in self.g.node_weights_mut() {
            tables.resolve(&mut r.props);
        }
        let records = self.g.node_indices().filter_map(|i| {
            let rec = self.g.node_weight(i)?;
            (!rec.deleted()).then(|| (nid(i), rec.props.packed()))
        });
        self.packed = runs::PackedRuns::build(records, self.g.node_bound() as u32);
        let bound = self.rel_bound();
        for id in self.rel_props.resolve(&mut tables, bound) {
            if let Some(r) = self.g.edge_weight_mut(ei(id)) {
                r.set_at(rel_props::At::Own);
            }
        }
    }

    /// Ends a bulk load: rebuilds the adjacency groups and triple counts from every live
    /// relationship, sorted so that each node's groups fill in one sequential pass.
    pub(crate) fn end_bulk(&mut self) {
        if !std::mem::replace(&mut self.bulk, false) {
            return;
        }
        self.label_index.compact();
        self.pack_pending();
        self.bulk_props = props::BulkTables::default();
        // Each node's label set, interned: counting per (set, type, set) touches a small
        // array per relationship instead of two node records.
        let mut set_ids: HashMap<Vec<Sym>, u32> = HashMap::new();
        let mut sets: Vec<Vec<Sym>> = Vec::new();
        let mut set_of = vec![0u32; self.node_bound() as usize];
        for (id, rec) in self.node_records() {
            let s = match set_ids.get(rec.labels.as_slice()) {
                Some(s) => *s,
                None => {
                    let s = sets.len() as u32;
                    set_ids.insert(rec.labels.to_vec(), s);
                    sets.push(rec.labels.to_vec());
                    s
                }
            };
            if let Some(slot) = set_of.get_mut(id.0 as usize) {
                *slot = s;
            }
        }
        let mut out = Vec::with_capacity(self.live_rels);
        let mut inc = Vec::with_capacity(self.live_rels);
        let mut by_sets: HashMap<(u32, Sym, u32), u64> = HashMap::new();
        for (id, start, end, rec) in self.rel_records() {
            out.push((start, rec.ty(), id, end));
            inc.push((end, rec.ty(), id, start));
            let set = |n: NodeId| set_of.get(n.0 as usize).copied().unwrap_or(0);
            *by_sets.entry((set(start), rec.ty(), set(end))).or_default() += 1;
        }
        out.sort_unstable();
        inc.sort_unstable();
        self.adjacency
            .rebuild(self.node_bound() as usize, &out, &inc);
        self.triples.clear();
        for ((a, ty, b), n) in by_sets {
            let from = sets.get(a as usize).map_or(&[][..], Vec::as_slice);
            let to = sets.get(b as usize).map_or(&[][..], Vec::as_slice);
            stats::bump(&mut self.triples, from, ty, to, n, true);
        }
    }

    /// Live nodes with their records, in id order.
    pub fn node_records(&self) -> impl Iterator<Item = (NodeId, &NodeRec)> + '_ {
        self.g.node_indices().filter_map(|i| {
            self.g
                .node_weight(i)
                .filter(|n| !n.deleted())
                .map(|n| (nid(i), n))
        })
    }

    /// Live relationships with their endpoints and records, in id order.
    pub fn rel_records(&self) -> impl Iterator<Item = (RelId, NodeId, NodeId, &RelRec)> + '_ {
        self.g.edge_references().filter_map(|e| {
            let r = e.weight();
            (!r.deleted()).then(|| (rid(e.id()), nid(e.source()), nid(e.target()), r))
        })
    }

    /// Fills every unused node slot below `nodes` and relationship slot below `rels` with a
    /// placeholder (the graph must hold no unused slot, or they are filled first).
    pub(crate) fn fill_holes(&mut self, nodes: u32, rels: u32, holes: &mut Holes) {
        let placeholder = || {
            let mut n = NodeRec {
                labels: Labels::default(),
                props: Props::default(),
            };
            n.set_deleted(true);
            n
        };
        let free_nodes = self.g.node_bound() - self.g.node_count();
        for _ in 0..free_nodes {
            holes.nodes.push(nid(self.g.add_node(placeholder())));
        }
        while self.node_bound() < nodes {
            holes.nodes.push(nid(self.g.add_node(placeholder())));
        }
        let free_rels = self.g.edge_bound() - self.g.edge_count();
        if free_rels == 0 && self.rel_bound() >= rels {
            return;
        }
        let anchor = match self.g.node_indices().next() {
            Some(a) => a,
            None => {
                let a = self.g.add_node(placeholder());
                holes.nodes.push(nid(a));
                a
            }
        };
        let rel = || RelRec::PLACEHOLDER;
        for _ in 0..free_rels {
            holes.rels.push(rid(self.g.add_edge(anchor, anchor, rel())));
        }
        while self.rel_bound() < rels {
            holes.rels.push(rid(self.g.add_edge(anchor, anchor, rel())));
        }
    }

    /// Removes the placeholders of [`Graph::fill_holes`], highest id first, so that the
    /// next ids handed out are the lowest free ones, in ascending order.
    pub(crate) fn clear_holes(&mut self, holes: Holes) {
        let Holes {
            mut nodes,
            mut rels,
        } = holes;
        rels.sort_unstable_by(|a, b| b.cmp(a));
        for r in rels {
            self.g.remove_edge(ei(r));
        }
        nodes.sort_unstable_by(|a, b| b.cmp(a));
        for n in nodes {
            self.g.remove_node(ni(n));
        }
    }

    /// Puts the free id lists in their canonical order (lowest id handed out first), the
    /// order a graph loaded from a snapshot has. Checkpoints do this so that replaying the
    /// log after a later crash hands out the same ids as the running database did.
    pub fn canonicalize_holes(&mut self) {
        let mut holes = Holes::default();
        self.fill_holes(0, 0, &mut holes);
        self.clear_holes(holes);
    }
}

/// Reads one property of node after node. It keeps the bulk-load run and the column of
/// the last node read ([`runs`]): the next node of the same run, most often, is read
/// without looking for either again.
pub struct NodePropReader<'g> {
    graph: &'g Graph,
    runs: runs::RunReader<'g>,
    key: Sym,
}

impl<'g> NodePropReader<'g> {
    /// The property of node `id` (inside: `None` when it has no such property); `None` for
    /// a node that is gone. (A `Result` here, its error built in place, made a filtered
    /// scan 8 % slower.)
    #[inline(always)]
    pub fn get(&mut self, id: NodeId) -> Option<Option<PropRef<'g>>> {
        match self.runs.get(id) {
            Some(v) => Some(v),
            None => match self.graph.node_rec(id) {
                Some(n) if !n.deleted() => Some(n.props.get(self.key)),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bulk load ends with the same adjacency groups and triple counts as relationship-
    /// by-relationship creation.
    #[test]
    fn bulk_loading_builds_the_same_adjacency_and_counts() {
        let build = |bulk: bool| {
            let mut g = Graph::new();
            let mut log = UndoLog::new();
            let labels: Vec<Sym> = ["A", "B", "C"].iter().map(|l| g.syms.intern(l)).collect();
            let types: Vec<Sym> = ["X", "Y"].iter().map(|t| g.syms.intern(t)).collect();
            let nodes: Vec<NodeId> = (0..30u32)
                .map(|i| {
                    let ls: Vec<Sym> = labels
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| i % (*j as u32 + 2) == 0)
                        .map(|(_, l)| *l)
                        .collect();
                    g.create_node(&ls, None, Props::default(), &mut log)
                        .unwrap()
                })
                .collect();
            if bulk {
                g.begin_bulk();
            }
            let mut x = 7u32;
            for r in 0..200u32 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let a = nodes[(x >> 8) as usize % nodes.len()];
                let b = nodes[(x >> 16) as usize % nodes.len()];
                g.create_rel(a, b, types[(r % 2) as usize], Props::default(), &mut log)
                    .unwrap();
            }
            g.end_bulk();
            // Writes after the load: committed deletions and creations, then a
            // transaction rolled back.
            let mut log = UndoLog::new();
            for r in (0..200u32).step_by(7) {
                g.delete_rel(RelId(r), &mut log).unwrap();
            }
            for r in 0..20usize {
                let (a, b) = (nodes[r % 5], nodes[(r * 3) % nodes.len()]);
                g.create_rel(a, b, types[r % 2], Props::default(), &mut log)
                    .unwrap();
            }
            g.purge(&log);
            log.clear();
            for r in (1..200u32).step_by(5) {
                g.delete_rel(RelId(r), &mut log).unwrap();
            }
            g.create_rel(nodes[1], nodes[2], types[0], Props::default(), &mut log)
                .unwrap();
            g.rollback(&mut log);
            (g, nodes, labels, types)
        };
        let (one, nodes, labels, types) = build(false);
        let (bulk, _, _, _) = build(true);
        for n in &nodes {
            for dir in [Dir::Out, Dir::In, Dir::Both] {
                for ty in &types {
                    let mut a = one.rels_of(*n, dir, &[*ty]);
                    let mut b = bulk.rels_of(*n, dir, &[*ty]);
                    a.sort();
                    b.sort();
                    assert_eq!(a, b, "node {n:?} {dir:?} {ty}");
                }
            }
        }
        let any = [stats::ANY_LABEL];
        for from in labels.iter().chain(&any) {
            for to in labels.iter().chain(&any) {
                for ty in &types {
                    assert_eq!(
                        one.triple_count(*from, *ty, *to),
                        bulk.triple_count(*from, *ty, *to),
                        "({from}, {ty}, {to})"
                    );
                }
            }
        }
    }

    #[test]
    fn rollback_restores_ids_and_indexes() {
        let mut g = Graph::new();
        let person = g.syms.intern("Person");
        let knows = g.syms.intern("KNOWS");
        let name = g.syms.intern("name");
        let mut log = UndoLog::new();
        let a = g
            .create_node(&[person], Some("A".into()), Props::default(), &mut log)
            .unwrap();
        let b = g
            .create_node(&[person], None, Props::default(), &mut log)
            .unwrap();
        let r = g
            .create_rel(a, b, knows, Props::default(), &mut log)
            .unwrap();
        g.purge(&log);
        log.clear();

        g.set_node_prop(a, name, "x".into(), &mut log).unwrap();
        g.delete_rel(r, &mut log).unwrap();
        g.delete_node(a, &mut log).unwrap();
        g.remove_label(b, person, &mut log).unwrap();
        let c = g
            .create_node(&[], Some("A".into()), Props::default(), &mut log)
            .unwrap();
        assert_eq!(g.node_by_key("A"), Some(c));
        assert_eq!(g.node_count(), 2);
        g.rollback(&mut log);
        assert_eq!(g.node_by_key("A"), Some(a));
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.rel_count(), 1);
        assert_eq!(g.nodes_with_label(person), vec![a, b]);
        assert_eq!(g.node_prop(a, "name").unwrap(), None);
        assert_eq!(g.rels_of(a, Dir::Out, &[knows]), vec![(r, b)]);
    }

    /// The records stay small: petgraph stores one per node and relationship slot.
    #[test]
    fn records_are_compact() {
        assert_eq!(std::mem::size_of::<Labels>(), 16);
        assert_eq!(std::mem::size_of::<Props>(), 16);
        assert_eq!(std::mem::size_of::<NodeRec>(), 32);
        assert_eq!(std::mem::size_of::<Option<NodeRec>>(), 32);
        // The tombstone flag kept in the labels survives their changes of form.
        let mut n = NodeRec {
            labels: Labels::new(&[4]),
            props: Props::default(),
        };
        n.set_deleted(true);
        for l in [1, 9, 7, 2] {
            assert!(n.labels.insert(l) && n.deleted());
        }
        assert_eq!(n.labels.as_slice(), [1, 2, 4, 7, 9]);
        for l in [9, 1, 4] {
            assert!(n.labels.remove(l) && n.deleted());
        }
        n.set_deleted(false);
        assert!(n.labels.insert(3) && !n.deleted());
        n.set_deleted(true);
        assert!(n.labels.remove(3));
        // Equal labels compare equal whatever the flag.
        assert!(n.labels == Labels::new(&[2, 7]));
        assert_eq!(std::mem::size_of::<Option<RelRec>>(), 4);
    }

    #[test]
    fn labels_stay_sorted_inline_or_not() {
        let mut l = Labels::new(&[5, 1, 5, 3]);
        assert_eq!(l.as_slice(), &[1, 3, 5]);
        assert!(l.insert(2) && !l.insert(2));
        assert_eq!(l.as_slice(), &[1, 2, 3, 5]);
        assert!(l.remove(1) && !l.remove(1));
        assert_eq!(l, Labels::new(&[2, 3, 5]));
        assert!(Labels::default().is_empty());
    }

    #[test]
    fn a_bulk_load_shares_equal_strings() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let name = g.syms.intern("name");
        let node = |g: &mut Graph, log: &mut UndoLog, text: &str| {
            let mut props = Props::default();
            props.set(name, Value::String(text.into()));
            g.create_node(&[], None, props, log).unwrap()
        };
        let text = |g: &Graph, n: NodeId| match g.node(n).unwrap().props.get(name) {
            Some(PropRef::Stored(Value::String(s))) => s.clone(),
            other => panic!("{other:?}"),
        };
        g.begin_bulk();
        let (a, b, c) = (
            node(&mut g, &mut log, "x"),
            node(&mut g, &mut log, "x"),
            node(&mut g, &mut log, "y"),
        );
        g.end_bulk();
        let (d, e) = (node(&mut g, &mut log, "x"), node(&mut g, &mut log, "x"));
        assert!(Arc::ptr_eq(&text(&g, a), &text(&g, b)));
        assert_eq!(&*text(&g, c), "y");
        assert!(
            !Arc::ptr_eq(&text(&g, d), &text(&g, e)),
            "only during the load"
        );
    }

    /// A bulk-loaded node is read from its run, by id, until its record changes: a write,
    /// a removal, a deletion, a freed and reused slot and their rollbacks each read what
    /// the record says.
    #[test]
    fn nodes_read_from_their_run_see_every_change() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let n = g.syms.intern("n");
        let count = 2 * props::PACK_MIN_ROWS.max(runs::MIN_RUN as usize) as i64;
        let one = |v: i64| Props::from_pairs(vec![(n, Value::Int(v))]);
        g.begin_bulk();
        let nodes: Vec<NodeId> = (0..count)
            .map(|i| g.create_node(&[], None, one(i), &mut log).unwrap())
            .collect();
        g.end_bulk();
        let mut created = std::mem::take(&mut log);
        let read =
            |g: &Graph, id: NodeId| g.node_props(id).map(|p| p.get(n).map(PropRef::into_owned));
        for (i, id) in nodes.iter().enumerate() {
            assert!(matches!(g.node_props(*id), Ok(PropsRef::Row(..))));
            assert_eq!(read(&g, *id).unwrap(), Some(Value::Int(i as i64)));
        }

        g.set_node_prop(nodes[5], n, Value::Int(500), &mut log)
            .unwrap();
        g.set_node_prop(nodes[6], n, Value::Null, &mut log).unwrap();
        assert_eq!(read(&g, nodes[5]).unwrap(), Some(Value::Int(500)));
        assert_eq!(read(&g, nodes[6]).unwrap(), None);
        g.rollback(&mut log);
        assert_eq!(read(&g, nodes[5]).unwrap(), Some(Value::Int(5)));
        assert_eq!(read(&g, nodes[6]).unwrap(), Some(Value::Int(6)));

        g.delete_node(nodes[7], &mut log).unwrap();
        assert!(read(&g, nodes[7]).is_err());
        g.rollback(&mut log);
        assert_eq!(read(&g, nodes[7]).unwrap(), Some(Value::Int(7)));

        g.delete_node(nodes[8], &mut log).unwrap();
        g.purge(&log);
        log.clear();
        let reused = g.create_node(&[], None, one(-1), &mut log).unwrap();
        assert_eq!(reused, nodes[8], "the freed slot is handed out again");
        assert_eq!(read(&g, reused).unwrap(), Some(Value::Int(-1)));
        g.rollback(&mut log);
        assert!(read(&g, nodes[8]).is_err());

        for (i, id) in nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| ![5, 6, 7, 8].contains(i))
        {
            assert_eq!(read(&g, *id).unwrap(), Some(Value::Int(i as i64)));
        }

        // The load rolled back: new nodes take the freed slots.
        g.rollback(&mut created);
        for i in 0..count {
            let id = g.create_node(&[], None, one(1000 + i), &mut log).unwrap();
            assert!(nodes.contains(&id), "a freed slot is handed out again");
            assert_eq!(read(&g, id).unwrap(), Some(Value::Int(1000 + i)));
        }
    }

    /// Many loads make many runs (one table each), found by halves; nodes in none of them
    /// (created one by one between the loads) are read through their records.
    #[test]
    fn nodes_of_many_loads_are_found_in_their_runs() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let n = g.syms.intern("n");
        let one = |v: i64| Props::from_pairs(vec![(n, Value::Int(v))]);
        let per_load = props::PACK_MIN_ROWS.max(runs::MIN_RUN as usize) as i64;
        let mut nodes = Vec::new();
        for load in 0..12 {
            g.begin_bulk();
            for i in 0..per_load {
                let v = load * 1000 + i;
                nodes.push((g.create_node(&[], None, one(v), &mut log).unwrap(), v, true));
            }
            g.end_bulk();
            let v = -load - 1;
            nodes.push((
                g.create_node(&[], None, one(v), &mut log).unwrap(),
                v,
                false,
            ));
        }
        assert!(g.packed.len() > runs::LINEAR_MAX, "{}", g.packed.len());
        for (id, v, packed) in nodes {
            let props = g.node_props(id).unwrap();
            assert_eq!(matches!(props, PropsRef::Row(..)), packed, "node {}", id.0);
            assert_eq!(props.get(n).map(PropRef::into_owned), Some(Value::Int(v)));
        }
    }

    /// Packing between the nodes and the relationships of a load (what import and snapshot
    /// restore do) loses nothing: the nodes loaded before and after, and the relationships,
    /// read back what was written, packed where their key sets are large enough.
    #[test]
    fn packing_in_the_middle_of_a_bulk_load_keeps_every_property() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let (n, w, t) = (g.syms.intern("n"), g.syms.intern("w"), g.syms.intern("T"));
        let count = 2 * props::PACK_MIN_ROWS as i64;
        let one = |key: Sym, v: i64| Props::from_pairs(vec![(key, Value::Int(v))]);
        g.begin_bulk();
        let mut nodes: Vec<NodeId> = (0..count)
            .map(|i| g.create_node(&[], None, one(n, i), &mut log).unwrap())
            .collect();
        g.pack_bulk();
        assert!(g.node(nodes[0]).unwrap().props.is_packed());
        nodes.extend(
            (count..2 * count).map(|i| g.create_node(&[], None, one(n, i), &mut log).unwrap()),
        );
        let rels: Vec<RelId> = (0..count)
            .map(|i| {
                let (a, b) = (nodes[i as usize], nodes[(i + count) as usize]);
                g.create_rel(a, b, t, one(w, -i), &mut log).unwrap()
            })
            .collect();
        g.end_bulk();
        for (i, id) in nodes.iter().enumerate() {
            let props = &g.node(*id).unwrap().props;
            assert!(props.is_packed());
            assert_eq!(props.get(n), Some(PropRef::Int(i as i64)));
        }
        for (i, id) in rels.iter().enumerate() {
            let props = g.live_rel_props(*id).unwrap();
            assert!(matches!(props, PropsRef::Row(..)));
            assert_eq!(props.get(w), Some(PropRef::Int(-(i as i64))));
        }
    }

    /// Relationship properties kept beside the records: runs of table rows after a bulk
    /// load, owned ones otherwise; writes, rollbacks and removals keep each relationship's
    /// own properties.
    #[test]
    fn relationship_properties_live_beside_their_records() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let (w, x, t) = (g.syms.intern("w"), g.syms.intern("x"), g.syms.intern("T"));
        let rows = props::PACK_MIN_ROWS as i64;
        let props_of = |pairs: &[(Sym, i64)]| {
            Props::from_pairs(pairs.iter().map(|(k, v)| (*k, Value::Int(*v))).collect())
        };
        // What each relationship was given, in creation order.
        let mut given: Vec<Props> = Vec::new();
        (0..rows).for_each(|i| given.push(props_of(&[(w, i)])));
        (0..3).for_each(|i| given.push(props_of(&[(x, i)])));
        (0..5).for_each(|_| given.push(Props::default()));
        (0..rows).for_each(|i| given.push(props_of(&[(w, 100 + i), (x, i)])));
        (0..rows).for_each(|i| given.push(props_of(&[(w, 200 + i)])));

        g.begin_bulk();
        let a = g
            .create_node(&[], None, Props::default(), &mut log)
            .unwrap();
        let rels: Vec<RelId> = given
            .iter()
            .map(|p| g.create_rel(a, a, t, p.clone(), &mut log).unwrap())
            .collect();
        g.end_bulk();
        g.purge(&log);
        log.clear();
        let read = |g: &Graph, id: RelId| g.rel_props(id).to_props();
        for (id, p) in rels.iter().zip(&given) {
            assert_eq!(&read(&g, *id), p);
        }
        let row = |g: &Graph, i: usize| matches!(g.rel_props(rels[i]), PropsRef::Row(..));
        let first = rows as usize;
        assert!(row(&g, 0) && row(&g, first + 8) && row(&g, first + 8 + 2 * first - 1));
        // Three rows are too few for a table: they are owned again.
        assert!(!row(&g, first) && g.rel_props.owned() == 3);

        // A write copies the row out; the other rows keep theirs; rollback restores it.
        let before = read(&g, rels[1]);
        g.set_rel_prop(rels[1], x, Value::Int(7), &mut log).unwrap();
        g.set_rel_prop(rels[1], w, Value::Null, &mut log).unwrap();
        assert_eq!(read(&g, rels[1]), props_of(&[(x, 7)]));
        assert_eq!(read(&g, rels[2]), given[2]);
        g.rollback(&mut log);
        assert_eq!(read(&g, rels[1]), before);
        // Rolled back into its owned copy (the row is not taken back).
        assert_eq!(g.rel_props.owned(), 4);

        // Removing the only property leaves none, and nothing owned.
        g.set_rel_prop(rels[0], w, Value::Null, &mut log).unwrap();
        assert_eq!(read(&g, rels[0]), Props::default());
        assert_eq!(g.rel_props.owned(), 4);
        log.clear();

        // New relationships own theirs; a purged one's go with it.
        let made = g
            .create_rel(a, a, t, props_of(&[(x, 1)]), &mut log)
            .unwrap();
        let bare = g.create_rel(a, a, t, Props::default(), &mut log).unwrap();
        assert_eq!(read(&g, made), props_of(&[(x, 1)]));
        assert_eq!(read(&g, bare), Props::default());
        assert_eq!(g.rel_props.owned(), 5);
        g.delete_rel(made, &mut log).unwrap();
        g.delete_rel(rels[first], &mut log).unwrap();
        assert!(g.live_rel_props(made).is_err());
        g.purge(&log);
        assert_eq!(g.rel_props.owned(), 3);
        assert_eq!(read(&g, rels[first + 1]), given[first + 1]);
    }

    /// A slot freed after a bulk load lies inside one of its runs; a relationship that gets
    /// it in a later bulk load must not be taken for a row of the old run, nor hide the
    /// rows around it.
    #[test]
    fn a_later_bulk_load_reusing_a_slot_inside_a_run_keeps_every_property() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let (w, t) = (g.syms.intern("w"), g.syms.intern("T"));
        let n = 2 * props::PACK_MIN_ROWS as i64;
        let one = |v: i64| Props::from_pairs(vec![(w, Value::Int(v))]);
        let mut expected: HashMap<RelId, Props> = HashMap::new();
        g.begin_bulk();
        let a = g
            .create_node(&[], None, Props::default(), &mut log)
            .unwrap();
        for i in 0..n {
            let r = g.create_rel(a, a, t, one(i), &mut log).unwrap();
            expected.insert(r, one(i));
        }
        g.end_bulk();
        g.purge(&log);
        log.clear();
        let freed = RelId(5);
        g.delete_rel(freed, &mut log).unwrap();
        g.purge(&log);
        log.clear();
        expected.remove(&freed);

        g.begin_bulk();
        let mut reused = false;
        for i in 0..n {
            let r = g.create_rel(a, a, t, one(1000 + i), &mut log).unwrap();
            reused |= r == freed;
            expected.insert(r, one(1000 + i));
        }
        g.end_bulk();
        assert!(reused);
        for (r, p) in &expected {
            assert_eq!(&g.rel_props(*r).to_props(), p, "relationship {}", r.0);
        }
    }

    #[test]
    fn a_relationship_record_keeps_its_type_and_flags_in_four_bytes() {
        for ty in [0, 1, 77, RelRec::MAX_TYPE] {
            let mut r = RelRec::new(ty).unwrap();
            assert_eq!(
                (r.ty(), r.deleted(), r.at()),
                (ty, false, rel_props::At::None)
            );
            for at in [rel_props::At::Row, rel_props::At::Own, rel_props::At::None] {
                r.set_at(at);
                r.set_deleted(true);
                assert_eq!((r.ty(), r.deleted(), r.at()), (ty, true, at));
                r.set_deleted(false);
                assert_eq!((r.ty(), r.deleted(), r.at()), (ty, false, at));
            }
        }
        assert!(RelRec::new(RelRec::MAX_TYPE + 1).is_none());
        let p = RelRec::PLACEHOLDER;
        assert_eq!(
            (p.ty(), p.deleted(), p.at()),
            (0, true, rel_props::At::None)
        );
        assert!(RelRec::new(Sym::MAX).is_none());
    }

    /// Relationship properties and adjacency against a plain model, over random mixes of
    /// bulk loads (some reusing freed slots), writes, deletions, commits and rollbacks.
    #[test]
    fn relationship_properties_and_groups_follow_a_model_through_random_work() {
        use std::collections::BTreeMap;
        type Model = BTreeMap<RelId, (NodeId, NodeId, Sym, Props)>;
        let check = |g: &Graph, model: &Model, round: &str| {
            let live: Vec<RelId> = g.rel_records().map(|(r, ..)| r).collect();
            assert_eq!(live, model.keys().copied().collect::<Vec<_>>(), "{round}");
            for (r, (a, b, t, p)) in model {
                assert_eq!(
                    &g.rel_props(*r).to_props(),
                    p,
                    "{round}: relationship {}",
                    r.0
                );
                let mut found = Vec::new();
                g.rels_into(*a, Dir::Out, &[*t], &mut found);
                assert!(
                    found.contains(&(*r, *b)),
                    "{round}: {} missing at its start",
                    r.0
                );
                found.clear();
                g.rels_into(*b, Dir::In, &[*t], &mut found);
                assert!(
                    found.contains(&(*r, *a)),
                    "{round}: {} missing at its end",
                    r.0
                );
            }
        };
        for seed in 1..=12u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = move |n: u64| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % n
            };
            let mut g = Graph::new();
            let mut log = UndoLog::new();
            let keys = [g.syms.intern("w"), g.syms.intern("v")];
            let types = [g.syms.intern("A"), g.syms.intern("B")];
            let nodes: Vec<NodeId> = (0..6)
                .map(|_| {
                    g.create_node(&[], None, Props::default(), &mut log)
                        .unwrap()
                })
                .collect();
            g.purge(&log);
            log.clear();
            let mut model = Model::new();
            // Mostly one key set, so that a bulk load fills a table large enough to keep.
            let props_for = |next: &mut dyn FnMut(u64) -> u64| {
                let shape = if next(4) == 0 { next(4) } else { 1 };
                let mut pairs = Vec::new();
                if shape & 1 == 1 {
                    pairs.push((keys[0], Value::Int(next(1000) as i64)));
                }
                if shape & 2 == 2 {
                    pairs.push((keys[1], Value::Int(next(1000) as i64)));
                }
                Props::from_pairs(pairs)
            };
            for round in 0..40 {
                let what = format!("seed {seed} round {round}");
                let bulk = round % 10 == 0;
                if bulk {
                    g.begin_bulk();
                }
                let saved = model.clone();
                for _ in 0..if bulk { 300 } else { 6 } {
                    let op = if bulk { 0 } else { next(4) };
                    // Deletions ahead of a bulk load free slots inside its predecessor's runs.
                    let op = if round % 10 == 9 && op == 0 { 2 } else { op };
                    let some = model.keys().nth(next(model.len().max(1) as u64) as usize);
                    match (op, some.copied()) {
                        (1, Some(r)) => {
                            let (k, v) = (keys[next(2) as usize], next(3) as i64);
                            let v = if v == 0 { Value::Null } else { Value::Int(v) };
                            g.set_rel_prop(r, k, v.clone(), &mut log).unwrap();
                            if let Some(entry) = model.get_mut(&r) {
                                entry.3.set(k, v);
                            }
                        }
                        (2, Some(r)) => {
                            g.delete_rel(r, &mut log).unwrap();
                            model.remove(&r);
                        }
                        _ => {
                            let (a, b) = (nodes[next(6) as usize], nodes[next(6) as usize]);
                            let t = types[next(2) as usize];
                            let p = props_for(&mut next);
                            let r = g.create_rel(a, b, t, p.clone(), &mut log).unwrap();
                            model.insert(r, (a, b, t, p));
                        }
                    }
                }
                if bulk {
                    g.end_bulk();
                }
                if !bulk && next(3) == 0 {
                    g.rollback(&mut log);
                    model = saved;
                } else {
                    g.purge(&log);
                }
                log.clear();
                check(&g, &model, &what);
            }
        }
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        g.create_node(&[], Some("K".into()), Props::default(), &mut log)
            .unwrap();
        let err = g
            .create_node(&[], Some("K".into()), Props::default(), &mut log)
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ConstraintVerificationFailed);
    }
}
