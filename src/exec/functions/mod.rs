//! The function library: scalar functions (pure or reading entities through
//! [`EntityView`]) and aggregate functions.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::Result;
use crate::value::{NodeId, RelId, Value};

/// Read access to entities, for functions such as `labels(n)` or `properties(r)`.
/// Errors: reading a deleted entity is `EntityNotFound` / `DeletedEntityAccess`.
pub trait EntityView {
    fn node_labels(&self, id: NodeId) -> Result<Vec<Arc<str>>>;
    fn node_key(&self, id: NodeId) -> Result<Option<Arc<str>>>;
    fn node_properties(&self, id: NodeId) -> Result<BTreeMap<String, Value>>;
    fn rel_type(&self, id: RelId) -> Result<Arc<str>>;
    /// (start, end) of the relationship.
    fn rel_endpoints(&self, id: RelId) -> Result<(NodeId, NodeId)>;
    fn rel_properties(&self, id: RelId) -> Result<BTreeMap<String, Value>>;
}

/// A scalar function: evaluated once per row from its already-evaluated arguments.
pub type ScalarFn = fn(&dyn EntityView, &[Value]) -> Result<Value>;

/// An aggregate's running state for one group.
pub trait Aggregator: Send {
    /// Feeds one row's arguments (the aggregated expression first, then any further
    /// arguments such as the percentile of `percentileCont`).
    fn update(&mut self, args: &[Value]) -> Result<()>;
    /// The aggregate's value for the group.
    fn finish(&mut self) -> Result<Value>;
}

/// What a function name resolves to.
#[derive(Clone, Copy)]
pub enum FunctionKind {
    Scalar(ScalarFn),
    /// Makes a fresh aggregator; the flag is DISTINCT.
    Aggregate(fn(bool) -> Box<dyn Aggregator>),
}

/// A function of the library.
#[derive(Clone, Copy)]
pub struct FunctionDef {
    /// The canonical name (`toUpper`).
    pub name: &'static str,
    pub min_args: usize,
    /// `None`: variadic.
    pub max_args: Option<usize>,
    pub kind: FunctionKind,
    /// Whether the result may differ between calls with equal arguments (`rand()`); such
    /// calls are never folded into constants.
    pub volatile: bool,
}

/// Looks a function up by name, case-insensitively. `None`: unknown function.
pub fn lookup(name: &str) -> Option<&'static FunctionDef> {
    let _ = name;
    None
}
