//! Property indexes and unique constraints on nodes.
//!
//! A [`SchemaDef`] is the plain definition (what a snapshot saves); the store keeps, for each
//! one, a BTree from the tuple of property values to the nodes holding it. Entries always
//! mirror the live nodes: every write that touches a node's labels or properties takes the
//! node out of the indexes of its labels before the change and puts it back after, and
//! rollback does the same. A node lacking one of the properties is not indexed.
//!
//! Keys are ordered by the ORDER BY order ([`compare::order`]), whose ties are exactly the
//! equivalent values, so `1` and `1.0` share an entry. Seeks return a superset of the nodes a
//! predicate accepts (the planner keeps the predicate as a filter after the seek).

use std::cmp::Ordering;
use std::collections::{btree_map, BTreeMap, BTreeSet};
use std::ops::Bound;

use super::{Graph, NodeRec, PropRef, Sym, Undo, UndoLog};
use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::{compare, NodeId, Value};

/// What a schema rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    /// A range (BTree) index.
    Index,
    /// A uniqueness constraint (with the index backing it, under the same name).
    Unique,
}

/// The definition of an index or constraint: plain data, as snapshots store it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaDef {
    pub name: String,
    pub kind: SchemaKind,
    pub label: String,
    pub properties: Vec<String>,
}

impl SchemaDef {
    /// The name Baobab gives a rule created without one: stable for the same definition.
    pub fn generated_name(kind: SchemaKind, label: &str, properties: &[String]) -> String {
        // FNV-1a over the definition.
        let mut h: u32 = 0x811c_9dc5;
        let mut feed = |s: &str| {
            for b in s.bytes().chain([0u8]) {
                h ^= u32::from(b);
                h = h.wrapping_mul(0x0100_0193);
            }
        };
        feed(label);
        properties.iter().for_each(|p| feed(p));
        let prefix = match kind {
            SchemaKind::Index => "index",
            SchemaKind::Unique => "constraint",
        };
        format!("{prefix}_{h:08x}")
    }

    fn same_schema(&self, o: &SchemaDef) -> bool {
        self.label == o.label && self.properties == o.properties
    }
}

/// A tuple of property values ordered element-wise by the ORDER BY order. The one value of
/// a single-property index is kept inline (no allocation per entry).
#[derive(Debug, Clone)]
pub(crate) enum IndexKey {
    One(Value),
    Many(Box<[Value]>),
}

impl IndexKey {
    fn new(values: Vec<Value>) -> IndexKey {
        match <[Value; 1]>::try_from(values) {
            Ok([v]) => IndexKey::One(v),
            Err(values) => IndexKey::Many(values.into_boxed_slice()),
        }
    }

    /// [`IndexKey::new`] of a copy of `values`.
    fn of(values: &[Value]) -> IndexKey {
        match values {
            [v] => IndexKey::One(v.clone()),
            vs => IndexKey::Many(vs.into()),
        }
    }

    fn values(&self) -> &[Value] {
        match self {
            IndexKey::One(v) => std::slice::from_ref(v),
            IndexKey::Many(vs) => vs,
        }
    }
}

impl Ord for IndexKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.values(), other.values());
        for (a, b) in a.iter().zip(b) {
            match compare::order(a, b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        a.len().cmp(&b.len())
    }
}
impl PartialOrd for IndexKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for IndexKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for IndexKey {}

/// One index (or the index of a unique constraint).
#[derive(Debug, Clone)]
pub(crate) struct PropIndex {
    def: SchemaDef,
    label: Sym,
    props: Vec<Sym>,
    entries: Entries,
}

/// The nodes of one index entry: most entries (all of a unique index) hold one node; the
/// others point into their index's [`Sets`]. Eight bytes, so that an integer entry is 16.
#[derive(Debug, Clone, Copy)]
enum NodeSet {
    One(NodeId),
    /// The set at this position of [`Sets::sets`] (two nodes or more).
    Many(u32),
}

/// The node sets of an index's entries that hold two nodes or more, with the free places.
#[derive(Debug, Clone, Default)]
struct Sets {
    sets: Vec<BTreeSet<NodeId>>,
    free: Vec<u32>,
}

impl Sets {
    fn set(&self, at: u32) -> Option<&BTreeSet<NodeId>> {
        self.sets.get(at as usize)
    }

    /// Adds `id` to the entry `s`; returns how many nodes it then holds.
    fn insert(&mut self, s: &mut NodeSet, id: NodeId) -> usize {
        match *s {
            NodeSet::One(n) if n == id => 1,
            NodeSet::One(n) => {
                let set = BTreeSet::from([n, id]);
                let at = match self.free.pop() {
                    Some(at) => {
                        if let Some(slot) = self.sets.get_mut(at as usize) {
                            *slot = set;
                        }
                        at
                    }
                    None => {
                        self.sets.push(set);
                        (self.sets.len() - 1) as u32
                    }
                };
                *s = NodeSet::Many(at);
                2
            }
            NodeSet::Many(at) => self.sets.get_mut(at as usize).map_or(0, |set| {
                set.insert(id);
                set.len()
            }),
        }
    }

    /// Removes `id` from the entry `s`; true when no node is left.
    fn remove(&mut self, s: &mut NodeSet, id: NodeId) -> bool {
        match *s {
            NodeSet::One(n) => n == id,
            NodeSet::Many(at) => {
                let Some(set) = self.sets.get_mut(at as usize) else {
                    return true;
                };
                // A set holds two nodes or more: down to one, the entry holds it alone.
                set.remove(&id);
                if set.len() == 1 {
                    if let Some(&n) = set.first() {
                        *set = BTreeSet::new();
                        self.free.push(at);
                        *s = NodeSet::One(n);
                    }
                }
                false
            }
        }
    }

    fn len(&self, s: NodeSet) -> usize {
        match s {
            NodeSet::One(_) => 1,
            NodeSet::Many(at) => self.set(at).map_or(0, BTreeSet::len),
        }
    }

    /// Appends the nodes of entry `s` to `out`, in id order.
    fn extend(&self, s: NodeSet, out: &mut Vec<NodeId>) {
        match s {
            NodeSet::One(n) => out.push(n),
            NodeSet::Many(at) => out.extend(self.set(at).into_iter().flatten()),
        }
    }
}

/// The integer that ties with `f` in the ORDER BY order (`1` with `1.0`), if one does.
fn int_twin(f: f64) -> Option<i64> {
    let twin = f as i64;
    (compare::cmp_int_float(twin, f) == Some(Ordering::Equal)).then_some(twin)
}

/// The integer bound that admits exactly the integers a numeric bound admits, as lower
/// (`lower == true`) or upper bound; `None` when it admits no integer.
fn int_bound(b: &Bound<IndexKey>, lower: bool) -> Option<Bound<i64>> {
    let (v, inclusive) = match b {
        Bound::Unbounded => return Some(Bound::Unbounded),
        Bound::Included(k) => (k.values().first()?, true),
        Bound::Excluded(k) => (k.values().first()?, false),
    };
    let f = match v {
        Value::Int(i) => {
            return Some(if inclusive {
                Bound::Included(*i)
            } else {
                Bound::Excluded(*i)
            })
        }
        Value::Float(f) => *f,
        _ => return None,
    };
    if f.is_nan() {
        // NaN sorts above every number: no integer lies above it, all lie below.
        return (!lower).then_some(Bound::Unbounded);
    }
    if let Some(i) = int_twin(f) {
        return Some(if inclusive {
            Bound::Included(i)
        } else {
            Bound::Excluded(i)
        });
    }
    // `f` lies strictly between two integers (or beyond every `i64`).
    let edge = if lower { f.ceil() } else { f.floor() };
    match int_twin(edge) {
        Some(i) => Some(Bound::Included(i)),
        // Beyond the integers: all of them on one side.
        None if (edge > 0.0) == lower => None,
        None => Some(Bound::Unbounded),
    }
}

/// The entries of one index. Keys of one integer, the common case (ids), sit in a map of
/// their own, 16 bytes an entry instead of 48; every other key (floats, strings, tuples) in
/// a map by [`IndexKey`]. An integer and a float that tie (`1`, `1.0`) are in different
/// maps: lookups and constraint checks consult both.
#[derive(Debug, Clone, Default)]
struct Entries {
    ints: BTreeMap<i64, NodeSet>,
    rest: BTreeMap<IndexKey, NodeSet>,
    sets: Sets,
}

impl Entries {
    /// The number of distinct keys (`1` and `1.0` counted twice).
    fn len(&self) -> usize {
        self.ints.len() + self.rest.len()
    }

    /// Adds `id` under `key`; returns how many nodes then hold an equal key.
    fn insert(&mut self, key: IndexKey, id: NodeId) -> usize {
        let Entries { ints, rest, sets } = self;
        if let IndexKey::One(Value::Int(i)) = key {
            let held = match ints.entry(i) {
                btree_map::Entry::Vacant(e) => {
                    e.insert(NodeSet::One(id));
                    1
                }
                btree_map::Entry::Occupied(mut e) => sets.insert(e.get_mut(), id),
            };
            let twins = rest.get(&key).map_or(0, |s| sets.len(*s));
            return held + twins;
        }
        let twins = match &key {
            IndexKey::One(Value::Float(f)) => int_twin(*f)
                .and_then(|i| ints.get(&i))
                .map_or(0, |s| sets.len(*s)),
            _ => 0,
        };
        let held = match rest.entry(key) {
            btree_map::Entry::Vacant(e) => {
                e.insert(NodeSet::One(id));
                1
            }
            btree_map::Entry::Occupied(mut e) => sets.insert(e.get_mut(), id),
        };
        held + twins
    }

    /// Takes `id` out of the entry of `key`.
    fn remove(&mut self, key: &IndexKey, id: NodeId) {
        let Entries { ints, rest, sets } = self;
        if let IndexKey::One(Value::Int(i)) = key {
            if ints.get_mut(i).is_some_and(|s| sets.remove(s, id)) {
                ints.remove(i);
            }
        } else if rest.get_mut(key).is_some_and(|s| sets.remove(s, id)) {
            rest.remove(key);
        }
    }

    /// Appends the nodes whose key equals `key` to `out`, in id order.
    fn eq_into(&self, key: &IndexKey, out: &mut Vec<NodeId>) {
        let twin = match key {
            IndexKey::One(Value::Int(i)) => Some(*i),
            IndexKey::One(Value::Float(f)) => int_twin(*f),
            _ => None,
        };
        let from = out.len();
        if let Some(s) = twin.and_then(|i| self.ints.get(&i)) {
            self.sets.extend(*s, out);
        }
        let ints_found = out.len() > from;
        if let Some(s) = self.rest.get(key) {
            self.sets.extend(*s, out);
            if ints_found {
                if let Some(found) = out.get_mut(from..) {
                    found.sort_unstable();
                }
            }
        }
    }

    /// Appends the nodes of the keys between `lo` and `hi` to `out` (in no set order).
    fn range_into(&self, lo: Bound<IndexKey>, hi: Bound<IndexKey>, out: &mut Vec<NodeId>) {
        if let (Some(ilo), Some(ihi)) = (int_bound(&lo, true), int_bound(&hi, false)) {
            if valid_range(&ilo, &ihi) {
                for s in self.ints.range((ilo, ihi)).map(|(_, s)| s) {
                    self.sets.extend(*s, out);
                }
            }
        }
        if valid_range(&lo, &hi) {
            for s in self.rest.range((lo, hi)).map(|(_, s)| s) {
                self.sets.extend(*s, out);
            }
        }
    }

    /// Appends the nodes whose string key starts with `prefix` to `out`.
    fn prefix_into(&self, prefix: &std::sync::Arc<str>, out: &mut Vec<NodeId>) {
        let lo = Bound::Included(IndexKey::One(Value::String(prefix.clone())));
        let hi = Bound::Excluded(IndexKey::One(Value::Bool(false)));
        for (k, s) in self.rest.range((lo, hi)) {
            match k.values().first() {
                Some(Value::String(v)) if v.starts_with(prefix.as_ref()) => {
                    self.sets.extend(*s, out)
                }
                _ => break,
            }
        }
    }

    /// The entries of `keyed` (taken in node id order, so that a key's nodes stay in id
    /// order); fails with a key held twice when `unique`. Integer keys are gathered 16 bytes
    /// each (not as 40-byte [`IndexKey`]s) and grouped in place: what a build leaves behind
    /// in the allocator counts in the process's memory too.
    fn build(
        keyed: impl IntoIterator<Item = (IndexKey, NodeId)>,
        unique: bool,
    ) -> std::result::Result<Entries, IndexKey> {
        let mut ints: Vec<(i64, NodeSet)> = Vec::new();
        let mut others: Vec<(IndexKey, NodeId)> = Vec::new();
        for (k, id) in keyed {
            match k {
                IndexKey::One(Value::Int(i)) => ints.push((i, NodeSet::One(id))),
                k => others.push((k, id)),
            }
        }
        let node = |s: &NodeSet| match s {
            NodeSet::One(n) => n.0,
            NodeSet::Many(_) => u32::MAX,
        };
        ints.sort_unstable_by_key(|(k, s)| (*k, node(s)));
        others.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sets = Sets::default();
        ints.dedup_by(|later, kept| {
            if later.0 != kept.0 {
                return false;
            }
            if let NodeSet::One(id) = later.1 {
                sets.insert(&mut kept.1, id);
            }
            true
        });
        let mut rest: Vec<(IndexKey, NodeSet)> = Vec::new();
        for (k, id) in others {
            match rest.last_mut() {
                Some((last, s)) if *last == k => {
                    sets.insert(s, id);
                }
                _ => rest.push((k, NodeSet::One(id))),
            }
        }
        if unique {
            // A key held twice is an entry of two nodes or more; or a float whose integer
            // twin is held too (`1.0` and `1`).
            let many = |s: &NodeSet| matches!(s, NodeSet::Many(_));
            let twice = ints
                .iter()
                .find(|(_, s)| many(s))
                .map(|(i, _)| IndexKey::One(Value::Int(*i)))
                .or_else(|| rest.iter().find(|(_, s)| many(s)).map(|(k, _)| k.clone()))
                .or_else(|| {
                    rest.iter().find_map(|(k, _)| match k {
                        IndexKey::One(Value::Float(f)) => int_twin(*f)
                            .filter(|i| ints.binary_search_by_key(i, |(k, _)| *k).is_ok())
                            .map(|_| k.clone()),
                        _ => None,
                    })
                });
            if let Some(k) = twice {
                return Err(k);
            }
        }
        // Sorted input: the maps are built in one go, their nodes packed full.
        Ok(Entries {
            ints: ints.into_iter().collect(),
            rest: rest.into_iter().collect(),
            sets,
        })
    }
}

impl PropIndex {
    fn key_of(&self, n: &NodeRec) -> Option<IndexKey> {
        if n.deleted() || n.labels.binary_search(&self.label).is_err() {
            return None;
        }
        if let [p] = self.props.as_slice() {
            return n.props.get(*p).map(|v| IndexKey::One(v.into_owned()));
        }
        self.props
            .iter()
            .map(|p| n.props.get(*p).map(PropRef::into_owned))
            .collect::<Option<Vec<_>>>()
            .map(IndexKey::new)
    }
}

/// A lookup in an index.
#[derive(Debug, Clone)]
pub enum IndexQuery {
    /// Nodes whose properties equal these values (one per indexed property).
    Eq(Vec<Value>),
    /// Nodes whose (single) property lies in the range; a bound is `(value, inclusive)`.
    Range {
        lower: Option<(Value, bool)>,
        upper: Option<(Value, bool)>,
    },
    /// Nodes whose (single) string property starts with the prefix.
    Prefix(std::sync::Arc<str>),
}

/// The range of keys holding values of the same type family as `v` (numbers together,
/// strings together), or `None` for types the range seek does not handle.
fn family(v: &Value) -> Option<(Bound<IndexKey>, Bound<IndexKey>)> {
    let key = IndexKey::One;
    match v {
        Value::Int(_) | Value::Float(_) => Some((
            Bound::Included(key(Value::Float(f64::NEG_INFINITY))),
            Bound::Included(key(Value::Float(f64::NAN))),
        )),
        Value::String(_) => Some((
            Bound::Included(key(Value::String("".into()))),
            Bound::Excluded(key(Value::Bool(false))),
        )),
        _ => None,
    }
}

fn bound_key<K>(b: &Bound<K>) -> Option<&K> {
    match b {
        Bound::Included(k) | Bound::Excluded(k) => Some(k),
        Bound::Unbounded => None,
    }
}

/// The tighter of two lower (`lower == true`) or upper bounds.
fn tighter(a: Bound<IndexKey>, b: Bound<IndexKey>, lower: bool) -> Bound<IndexKey> {
    let (Some(ka), Some(kb)) = (bound_key(&a), bound_key(&b)) else {
        return if matches!(a, Bound::Unbounded) { b } else { a };
    };
    match ka.cmp(kb) {
        Ordering::Equal => {
            if matches!(a, Bound::Excluded(_)) {
                a
            } else {
                b
            }
        }
        Ordering::Less => {
            if lower {
                b
            } else {
                a
            }
        }
        Ordering::Greater => {
            if lower {
                a
            } else {
                b
            }
        }
    }
}

/// Whether a BTree range over these bounds is non-empty and valid (`BTreeMap::range` panics
/// on inverted bounds).
fn valid_range<K: Ord>(lo: &Bound<K>, hi: &Bound<K>) -> bool {
    match (bound_key(lo), bound_key(hi)) {
        (Some(a), Some(b)) => match a.cmp(b) {
            Ordering::Less => true,
            Ordering::Equal => matches!((lo, hi), (Bound::Included(_), Bound::Included(_))),
            Ordering::Greater => false,
        },
        _ => true,
    }
}

fn schema_error(kind: ErrorKind, detail: &'static str, message: String) -> Error {
    Error::runtime(kind, detail, message)
}

fn violation(def: &SchemaDef, value: &[Value]) -> Error {
    let shown: Vec<String> = value.iter().map(|v| v.to_string()).collect();
    schema_error(
        ErrorKind::ConstraintVerificationFailed,
        detail::UNIQUE_CONSTRAINT_VIOLATION,
        format!(
            "constraint `{}` requires (:{} {{{}}}) to be unique; another node already has {}",
            def.name,
            def.label,
            def.properties.join(", "),
            shown.join(", ")
        ),
    )
}

impl Graph {
    /// Takes node `id` out of every index (before a change to its labels or properties).
    pub(super) fn unindex_node(&mut self, id: NodeId) {
        if self.indexes.is_empty() {
            return;
        }
        let Some(n) = self.g.node_weight(super::ni(id)) else {
            return;
        };
        for ix in &mut self.indexes {
            if let Some(k) = ix.key_of(n) {
                ix.entries.remove(&k, id);
            }
        }
    }

    /// Puts node `id` into the indexes of its labels (after a change). The entry is made
    /// even when it breaks a unique constraint; the error then asks the caller to roll the
    /// statement back, which takes the entry out again.
    pub(super) fn index_node(&mut self, id: NodeId) -> Result<()> {
        if self.indexes.is_empty() {
            return Ok(());
        }
        let Some(n) = self.g.node_weight(super::ni(id)) else {
            return Ok(());
        };
        let mut failure = None;
        for ix in &mut self.indexes {
            if let Some(k) = ix.key_of(n) {
                let shown = (ix.def.kind == SchemaKind::Unique).then(|| k.clone());
                let len = ix.entries.insert(k, id);
                if let Some(k) = shown.filter(|_| len > 1 && failure.is_none()) {
                    failure = Some(violation(&ix.def, k.values()));
                }
            }
        }
        failure.map_or(Ok(()), Err)
    }

    /// Whether an index of a label involves property `key` (so a write to it needs upkeep).
    pub(super) fn indexed_key(&self, key: Sym) -> bool {
        self.indexes.iter().any(|ix| ix.props.contains(&key))
    }

    /// Whether some index is on `label`.
    pub(super) fn indexed_label(&self, label: Sym) -> bool {
        self.indexes.iter().any(|ix| ix.label == label)
    }

    /// Builds the index of `def` from the data; fails if a unique constraint is violated.
    fn build_index(&mut self, def: SchemaDef) -> Result<PropIndex> {
        let label = self.syms.intern(&def.label);
        let props: Vec<Sym> = def.properties.iter().map(|p| self.syms.intern(p)).collect();
        let mut ix = PropIndex {
            def,
            label,
            props,
            entries: Entries::default(),
        };
        // Taken in id order, then sorted and grouped by `Entries::build`.
        let keyed = self
            .nodes_with_label(label)
            .into_iter()
            .filter_map(|id| Some((ix.key_of(self.node_rec(id)?)?, id)));
        ix.entries = Entries::build(keyed, ix.def.kind == SchemaKind::Unique)
            .map_err(|k| violation(&ix.def, k.values()))?;
        Ok(ix)
    }

    /// Creates an index or unique constraint. With `if_not_exists`, an existing rule of the
    /// same name or schema makes this a no-op (returns `false`); otherwise it is an error.
    pub fn create_schema(
        &mut self,
        def: SchemaDef,
        if_not_exists: bool,
        undo: &mut UndoLog,
    ) -> Result<bool> {
        if let Some(other) = self
            .indexes
            .iter()
            .map(|ix| &ix.def)
            .find(|d| d.name == def.name || d.same_schema(&def))
        {
            let equivalent = other.kind == def.kind && other.same_schema(&def);
            if if_not_exists && (equivalent || other.name == def.name) {
                return Ok(false);
            }
            let what = if other.name == def.name {
                format!("a schema rule named `{}` already exists", def.name)
            } else {
                format!(
                    "`{}` already covers (:{} {{{}}})",
                    other.name,
                    def.label,
                    def.properties.join(", ")
                )
            };
            return Err(schema_error(
                ErrorKind::SemanticError,
                detail::SCHEMA_RULE_EXISTS,
                what,
            ));
        }
        let ix = self.build_index(def.clone())?;
        self.indexes.push(ix);
        self.schema_gen += 1;
        undo.push(Undo::CreatedSchema(def));
        Ok(true)
    }

    /// Drops the index or constraint `name` (of `kind`). A missing one is an error unless
    /// `if_exists` (then returns `false`).
    pub fn drop_schema(
        &mut self,
        name: &str,
        kind: SchemaKind,
        if_exists: bool,
        undo: &mut UndoLog,
    ) -> Result<bool> {
        let Some(pos) = self.indexes.iter().position(|ix| ix.def.name == name) else {
            if if_exists {
                return Ok(false);
            }
            let what = match kind {
                SchemaKind::Index => "index",
                SchemaKind::Unique => "constraint",
            };
            return Err(schema_error(
                ErrorKind::SemanticError,
                detail::SCHEMA_RULE_MISSING,
                format!("there is no {what} named `{name}`"),
            ));
        };
        #[allow(clippy::indexing_slicing)] // `pos` was just found by `position`
        let found_kind = self.indexes[pos].def.kind;
        if found_kind != kind {
            return Err(schema_error(
                ErrorKind::SemanticError,
                detail::SCHEMA_RULE_MISSING,
                match kind {
                    SchemaKind::Index => format!(
                        "`{name}` is the index of a constraint; drop it with DROP CONSTRAINT"
                    ),
                    SchemaKind::Unique => format!("`{name}` is an index, not a constraint"),
                },
            ));
        }
        let ix = self.indexes.remove(pos);
        self.schema_gen += 1;
        undo.push(Undo::DroppedSchema(ix.def));
        Ok(true)
    }

    /// Re-creates a saved definition (when loading a snapshot or replaying a log), building
    /// its index from the data. Records nothing in an undo log.
    pub fn restore_schema_def(&mut self, def: SchemaDef) -> Result<()> {
        if self.indexes.iter().any(|ix| ix.def.name == def.name) {
            return Err(Error::internal(format!(
                "schema rule `{}` restored twice",
                def.name
            )));
        }
        let ix = self.build_index(def)?;
        self.indexes.push(ix);
        self.schema_gen += 1;
        Ok(())
    }

    /// Replaces every definition by `defs`, rebuilding their indexes (log replay). Records
    /// nothing in an undo log.
    pub fn replace_schema_defs(&mut self, defs: Vec<SchemaDef>) -> Result<()> {
        self.indexes.clear();
        self.schema_gen += 1;
        defs.into_iter()
            .try_for_each(|d| self.restore_schema_def(d))
    }

    /// Removes a definition without undo (rollback of a creation).
    pub(super) fn forget_schema(&mut self, name: &str) {
        self.indexes.retain(|ix| ix.def.name != name);
        self.schema_gen += 1;
    }

    /// Increases whenever an index or constraint is created or dropped (rollbacks and
    /// loads included).
    pub fn schema_generation(&self) -> u64 {
        self.schema_gen
    }

    /// Every index and constraint definition, in creation order.
    pub fn schema_defs(&self) -> Vec<SchemaDef> {
        self.indexes.iter().map(|ix| ix.def.clone()).collect()
    }

    /// The indexes and constraints on `label`, in creation order, each with the number of
    /// distinct keys its index holds (for the planner's estimates).
    pub fn indexes_on(&self, label: &str) -> Vec<(&SchemaDef, usize)> {
        self.indexes
            .iter()
            .filter(|ix| ix.def.label == label)
            .map(|ix| (&ix.def, ix.entries.len()))
            .collect()
    }

    /// The index on exactly `label` and `props` (by name).
    fn find_index<P: AsRef<str>>(&self, label: &str, props: &[P]) -> Option<&PropIndex> {
        self.indexes.iter().find(|ix| {
            ix.def.label == label
                && ix.def.properties.len() == props.len()
                && ix
                    .def
                    .properties
                    .iter()
                    .zip(props)
                    .all(|(a, b)| a == b.as_ref())
        })
    }

    /// Appends to `out` the live nodes whose `props` equal `values` in the index on
    /// `label(props)`, in id order; false when there is no such index.
    pub fn index_eq_into<P: AsRef<str>>(
        &self,
        label: &str,
        props: &[P],
        values: &[Value],
        out: &mut Vec<NodeId>,
    ) -> bool {
        let Some(ix) = self.find_index(label, props) else {
            return false;
        };
        if values.len() == ix.props.len() && !values.iter().any(Value::is_null) {
            ix.entries.eq_into(&IndexKey::of(values), out);
        }
        true
    }

    /// Live nodes found by `query` in the index on `label(props)`, in id order; `None` when
    /// there is no such index (the caller falls back to a label scan) or the query is of a
    /// kind the index cannot answer.
    pub fn index_seek<P: AsRef<str>>(
        &self,
        label: &str,
        props: &[P],
        query: &IndexQuery,
    ) -> Option<Vec<NodeId>> {
        let mut out: Vec<NodeId> = Vec::new();
        if let IndexQuery::Eq(values) = query {
            return self
                .index_eq_into(label, props, values, &mut out)
                .then_some(out);
        }
        let ix = self.find_index(label, props)?;
        match query {
            IndexQuery::Eq(_) => {}
            IndexQuery::Range { lower, upper } => {
                if ix.props.len() != 1 {
                    return None;
                }
                let probe = lower.as_ref().or(upper.as_ref())?;
                let (mut lo, mut hi) = family(&probe.0)?;
                let (plo, phi) = family(&probe.0)?;
                for (b, is_lower) in [(lower, true), (upper, false)] {
                    if let Some((v, inclusive)) = b {
                        let (flo, fhi) = family(v)?;
                        if bound_key(&flo) != bound_key(&plo) || bound_key(&fhi) != bound_key(&phi)
                        {
                            // Bounds of different types: nothing compares with both.
                            return Some(out);
                        }
                        let k = IndexKey::One(v.clone());
                        let nb = if *inclusive {
                            Bound::Included(k)
                        } else {
                            Bound::Excluded(k)
                        };
                        if is_lower {
                            lo = tighter(lo, nb, true);
                        } else {
                            hi = tighter(hi, nb, false);
                        }
                    }
                }
                ix.entries.range_into(lo, hi, &mut out);
            }
            IndexQuery::Prefix(prefix) => {
                if ix.props.len() != 1 {
                    return None;
                }
                ix.entries.prefix_into(prefix, &mut out);
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Props;

    #[test]
    fn entries_are_compact() {
        assert_eq!(std::mem::size_of::<IndexKey>(), 32);
        assert_eq!(std::mem::size_of::<NodeSet>(), 8);
        let mut sets = Sets::default();
        let mut set = NodeSet::One(NodeId(4));
        assert_eq!(sets.insert(&mut set, NodeId(2)), 2);
        assert_eq!(sets.insert(&mut set, NodeId(9)), 3);
        let mut nodes = Vec::new();
        sets.extend(set, &mut nodes);
        assert_eq!(nodes, [NodeId(2), NodeId(4), NodeId(9)]);
        assert!(!sets.remove(&mut set, NodeId(4)) && !sets.remove(&mut set, NodeId(9)));
        assert!(matches!(set, NodeSet::One(NodeId(2))));
        assert_eq!(sets.free, [0]);
        // The freed place is used again.
        let mut other = NodeSet::One(NodeId(7));
        sets.insert(&mut other, NodeId(8));
        assert!(matches!(other, NodeSet::Many(0)));
        assert!(sets.remove(&mut set, NodeId(2)));
    }

    /// The nodes an index holds under keys between `lo` and `hi`, sorted.
    fn ranged(e: &Entries, lo: Bound<Value>, hi: Bound<Value>) -> Vec<u32> {
        let mut out = Vec::new();
        e.range_into(lo.map(IndexKey::One), hi.map(IndexKey::One), &mut out);
        let mut ids: Vec<u32> = out.into_iter().map(|n| n.0).collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn integer_keys_and_their_float_twins_are_found_together() {
        // Node i holds key keys[i].
        let keys = [
            Value::Int(1),
            Value::Float(1.0),
            Value::Float(1.5),
            Value::Int(2),
            Value::Int(-3),
            Value::Float(f64::NAN),
            Value::String("a".into()),
            Value::Int(i64::MAX),
            Value::Float(-0.0),
        ];
        let keyed = |order: &mut dyn Iterator<Item = usize>| {
            order
                .map(|i| (IndexKey::One(keys[i].clone()), NodeId(i as u32)))
                .collect::<Vec<_>>()
        };
        let built = Entries::build(keyed(&mut (0..keys.len())), false).unwrap();
        let mut grown = Entries::default();
        for i in (0..keys.len()).rev() {
            grown.insert(IndexKey::One(keys[i].clone()), NodeId(i as u32));
        }
        // A unique build fails on the tie of 1 and 1.0.
        assert!(Entries::build(keyed(&mut (0..keys.len())), true).is_err());
        assert!(Entries::build(keyed(&mut (1..keys.len())), true).is_ok());
        // Two nodes under one integer key: grouped, in id order.
        let two = |k: i64, ids: [u32; 3]| ids.map(|n| (IndexKey::One(Value::Int(k)), NodeId(n)));
        assert!(Entries::build(two(2, [5, 3, 9]), true).is_err());
        let twice = Entries::build(two(2, [5, 3, 9]), false).unwrap();
        let mut out = Vec::new();
        twice.eq_into(&IndexKey::One(Value::Int(2)), &mut out);
        assert_eq!(out, [NodeId(3), NodeId(5), NodeId(9)]);
        assert_eq!(twice.len(), 1);
        assert_eq!(
            grown.insert(IndexKey::One(Value::Float(2.0)), NodeId(20)),
            2
        );
        grown.remove(&IndexKey::One(Value::Float(2.0)), NodeId(20));

        for e in [&built, &grown] {
            let mut out = Vec::new();
            e.eq_into(&IndexKey::One(Value::Float(1.0)), &mut out);
            assert_eq!(out, [NodeId(0), NodeId(1)]);
            out.clear();
            e.eq_into(&IndexKey::One(Value::Int(1)), &mut out);
            assert_eq!(out, [NodeId(0), NodeId(1)]);
            out.clear();
            e.eq_into(&IndexKey::One(Value::Int(0)), &mut out);
            assert_eq!(out, [NodeId(8)]);
            use Bound::{Excluded as X, Included as I, Unbounded as U};
            let (f, i) = (Value::Float, Value::Int);
            assert_eq!(ranged(e, I(f(1.0)), X(i(2))), [0, 1, 2]);
            assert_eq!(ranged(e, X(f(1.0)), I(f(2.0))), [2, 3]);
            assert_eq!(ranged(e, X(f(0.5)), X(f(1.75))), [0, 1, 2]);
            assert_eq!(ranged(e, I(f(-1e300)), X(f(0.1))), [4, 8]);
            assert_eq!(ranged(e, I(f(1e300)), I(f(f64::NAN))), [5]);
            assert_eq!(ranged(e, X(f(f64::NAN)), U), Vec::<u32>::new());
            assert_eq!(ranged(e, I(f(9.3e18)), U), [5]);
            assert_eq!(ranged(e, I(i(i64::MAX)), I(f(f64::INFINITY))), [7]);
            assert_eq!(ranged(e, X(i(2)), X(f(2.5))), Vec::<u32>::new());
            assert_eq!(ranged(e, I(f(f64::NEG_INFINITY)), I(f(f64::NAN))).len(), 8);
            assert_eq!(e.len(), 9);
        }
    }

    fn person(g: &mut Graph, id: i64, log: &mut UndoLog) -> NodeId {
        let label = g.syms.intern("Person");
        let key = g.syms.intern("id");
        let mut props = Props::default();
        props.set(key, Value::Int(id));
        g.create_node(&[label], None, props, log).unwrap()
    }

    fn def(name: &str, kind: SchemaKind) -> SchemaDef {
        SchemaDef {
            name: name.into(),
            kind,
            label: "Person".into(),
            properties: vec!["id".into()],
        }
    }

    #[test]
    fn definitions_round_trip_through_restore() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        let ids: Vec<NodeId> = (1..=5).map(|i| person(&mut g, i, &mut log)).collect();
        g.create_schema(def("u", SchemaKind::Unique), false, &mut log)
            .unwrap();
        assert!(matches!(log.last(), Some(Undo::CreatedSchema(d)) if d.name == "u"));
        let saved = g.schema_defs();

        // A store rebuilt from the same data gets the same answers from restored rules.
        let mut copy = Graph::new();
        let mut log2 = UndoLog::new();
        (1..=5).for_each(|i| {
            person(&mut copy, i, &mut log2);
        });
        for d in saved.clone() {
            copy.restore_schema_def(d).unwrap();
        }
        assert_eq!(copy.schema_defs(), saved);
        let q = IndexQuery::Range {
            lower: Some((Value::Int(2), true)),
            upper: Some((Value::Float(4.5), false)),
        };
        let expected = Some(ids[1..4].to_vec());
        assert_eq!(g.index_seek("Person", &["id"], &q), expected);
        assert_eq!(copy.index_seek("Person", &["id"], &q), expected);
        assert!(copy.restore_schema_def(saved[0].clone()).is_err());
    }

    #[test]
    fn dropping_is_undone_by_rebuilding() {
        let mut g = Graph::new();
        let mut log = UndoLog::new();
        person(&mut g, 1, &mut log);
        g.create_schema(def("ix", SchemaKind::Index), false, &mut log)
            .unwrap();
        g.purge(&log);
        log.clear();
        g.drop_schema("ix", SchemaKind::Index, false, &mut log)
            .unwrap();
        assert!(matches!(log.last(), Some(Undo::DroppedSchema(d)) if d.name == "ix"));
        assert!(g.schema_defs().is_empty());
        person(&mut g, 2, &mut log);
        g.rollback(&mut log);
        let found = g.index_seek("Person", &["id"], &IndexQuery::Eq(vec![Value::Float(1.0)]));
        assert_eq!(found.map(|v| v.len()), Some(1));
        assert_eq!(
            g.index_seek("Person", &["id"], &IndexQuery::Eq(vec![Value::Int(2)])),
            Some(vec![])
        );
    }
}
