//! The public facade: [`Database`], [`Transaction`], [`QueryResult`].

use std::collections::{BTreeMap, HashMap};

use crate::error::Result;
use crate::value::{NodeId, RelId, Value};

/// Query parameters by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

/// Counts of what a statement changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    /// Properties written with a non-null value.
    pub properties_set: u64,
    /// Properties removed (by REMOVE or by setting them to null).
    pub properties_removed: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
}

/// A node as it was when the statement finished (or when it was deleted by it).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    pub id: NodeId,
    pub labels: Vec<String>,
    pub key: Option<String>,
    pub properties: BTreeMap<String, Value>,
}

/// A relationship as it was when the statement finished (or when it was deleted by it).
#[derive(Debug, Clone, PartialEq)]
pub struct RelData {
    pub id: RelId,
    pub rel_type: String,
    pub start: NodeId,
    pub end: NodeId,
    pub properties: BTreeMap<String, Value>,
}

/// The outcome of one statement: columns, rows, write statistics and the entities the rows
/// mention.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub stats: WriteStats,
    /// The plan, for EXPLAIN and PROFILE.
    pub plan: Option<String>,
    pub(crate) nodes: HashMap<NodeId, NodeData>,
    pub(crate) rels: HashMap<RelId, RelData>,
}

impl QueryResult {
    /// The node `id` as the rows see it.
    pub fn node(&self, id: NodeId) -> Option<&NodeData> {
        self.nodes.get(&id)
    }

    /// The relationship `id` as the rows see it.
    pub fn relationship(&self, id: RelId) -> Option<&RelData> {
        self.rels.get(&id)
    }
}

/// An embedded graph database.
pub struct Database {}

impl Database {
    /// A new empty database held in memory.
    pub fn in_memory() -> Database {
        todo!("engine")
    }

    /// Runs one statement (a trailing `;` is allowed) as its own transaction.
    pub fn execute(&self, query: &str, params: &Params) -> Result<QueryResult> {
        let _ = (query, params);
        todo!("engine")
    }

    /// Starts an explicit transaction.
    pub fn begin(&self) -> Result<Transaction<'_>> {
        todo!("engine")
    }
}

/// An explicit transaction: rolled back on drop unless committed.
pub struct Transaction<'db> {
    _db: &'db Database,
}

impl Transaction<'_> {
    pub fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult> {
        let _ = (query, params);
        todo!("engine")
    }

    pub fn commit(self) -> Result<()> {
        todo!("engine")
    }

    pub fn rollback(self) -> Result<()> {
        todo!("engine")
    }
}
