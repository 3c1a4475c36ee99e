//! The function library: scalar functions (pure or reading entities through
//! [`EntityView`]) and aggregate functions.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::{NodeId, RelId, Value};

mod aggregate;
mod convert;
mod graph;
mod list;
mod math;
mod string;
pub mod temporal;
#[cfg(test)]
mod tests;

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
    /// How many values it holds (collected or remembered for DISTINCT), for the row limit.
    fn held(&self) -> usize {
        0
    }
    /// Says that this aggregator is the only one of its kind in the statement's
    /// aggregation (no grouping keys) and that node ids lie below `node_bound`: a DISTINCT
    /// may then keep the nodes it has seen as bits.
    fn only_group(&mut self, node_bound: u32) {
        let _ = node_bound;
    }
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
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Every function of the library, for listings and completion.
pub fn all() -> &'static [FunctionDef] {
    FUNCTIONS
}

/// An [`EntityView`] with no entities: every read is an `Internal` error. Lets callers
/// evaluate functions on constant arguments (constant folding) where no graph is at hand;
/// functions reading entities are only called with entity arguments, which constants are not.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEntities;

impl NoEntities {
    fn error<T>() -> Result<T> {
        Err(Error::internal("entity read without a graph"))
    }
}

impl EntityView for NoEntities {
    fn node_labels(&self, _: NodeId) -> Result<Vec<Arc<str>>> {
        Self::error()
    }
    fn node_key(&self, _: NodeId) -> Result<Option<Arc<str>>> {
        Self::error()
    }
    fn node_properties(&self, _: NodeId) -> Result<BTreeMap<String, Value>> {
        Self::error()
    }
    fn rel_type(&self, _: RelId) -> Result<Arc<str>> {
        Self::error()
    }
    fn rel_endpoints(&self, _: RelId) -> Result<(NodeId, NodeId)> {
        Self::error()
    }
    fn rel_properties(&self, _: RelId) -> Result<BTreeMap<String, Value>> {
        Self::error()
    }
}

/// The null value, for borrowing where an argument is missing.
static NULL: Value = Value::Null;

/// Argument `i`, null when absent (arity is checked when the call is compiled; a missing
/// argument must not panic).
fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&NULL)
}

/// A value of a type the function does not accept: `TypeError` (`InvalidArgumentValue`),
/// as the TCK expects for arguments whose type is only known at runtime.
fn invalid_value(func: &str, expected: &str, got: &Value) -> Error {
    Error::runtime(
        ErrorKind::TypeError,
        detail::INVALID_ARGUMENT_VALUE,
        format!("`{func}` expects {expected}, got {}", got.type_name()),
    )
}

/// A length as an integer value (lengths of in-memory values always fit).
fn len_to_int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

const fn scalar(name: &'static str, min: usize, max: usize, f: ScalarFn) -> FunctionDef {
    FunctionDef {
        name,
        min_args: min,
        max_args: Some(max),
        kind: FunctionKind::Scalar(f),
        volatile: false,
    }
}

const fn volatile(name: &'static str, f: ScalarFn) -> FunctionDef {
    FunctionDef {
        name,
        min_args: 0,
        max_args: Some(0),
        kind: FunctionKind::Scalar(f),
        volatile: true,
    }
}

const fn aggregate(
    name: &'static str,
    args: usize,
    f: fn(bool) -> Box<dyn Aggregator>,
) -> FunctionDef {
    FunctionDef {
        name,
        min_args: args,
        max_args: Some(args),
        kind: FunctionKind::Aggregate(f),
        volatile: false,
    }
}

static FUNCTIONS: &[FunctionDef] = &[
    // Graph.
    scalar("id", 1, 1, graph::id),
    scalar("elementId", 1, 1, graph::element_id),
    scalar("labels", 1, 1, graph::labels),
    scalar("type", 1, 1, graph::rel_type),
    scalar("keys", 1, 1, graph::keys),
    scalar("properties", 1, 1, graph::properties),
    scalar("startNode", 1, 1, graph::start_node),
    scalar("endNode", 1, 1, graph::end_node),
    scalar("nodes", 1, 1, graph::nodes),
    scalar("relationships", 1, 1, graph::relationships),
    scalar("length", 1, 1, graph::length),
    scalar("key", 1, 1, graph::key),
    // Lists.
    scalar("size", 1, 1, list::size),
    scalar("head", 1, 1, list::head),
    scalar("last", 1, 1, list::last),
    scalar("tail", 1, 1, list::tail),
    scalar("range", 2, 3, list::range),
    scalar("reverse", 1, 1, list::reverse),
    scalar("isEmpty", 1, 1, list::is_empty),
    FunctionDef {
        name: "coalesce",
        min_args: 1,
        max_args: None,
        kind: FunctionKind::Scalar(list::coalesce),
        volatile: false,
    },
    // Conversions.
    scalar("toInteger", 1, 1, convert::to_integer),
    scalar("toFloat", 1, 1, convert::to_float),
    scalar("toString", 1, 1, convert::to_string),
    scalar("toBoolean", 1, 1, convert::to_boolean),
    scalar("toIntegerOrNull", 1, 1, convert::to_integer_or_null),
    scalar("toFloatOrNull", 1, 1, convert::to_float_or_null),
    scalar("toStringOrNull", 1, 1, convert::to_string_or_null),
    scalar("toBooleanOrNull", 1, 1, convert::to_boolean_or_null),
    scalar("toIntegerList", 1, 1, convert::to_integer_list),
    scalar("toFloatList", 1, 1, convert::to_float_list),
    scalar("toStringList", 1, 1, convert::to_string_list),
    scalar("toBooleanList", 1, 1, convert::to_boolean_list),
    // Strings.
    scalar("toUpper", 1, 1, string::to_upper),
    scalar("upper", 1, 1, string::to_upper),
    scalar("toLower", 1, 1, string::to_lower),
    scalar("lower", 1, 1, string::to_lower),
    scalar("trim", 1, 1, string::trim),
    scalar("ltrim", 1, 1, string::ltrim),
    scalar("rtrim", 1, 1, string::rtrim),
    scalar("replace", 3, 3, string::replace),
    scalar("substring", 2, 3, string::substring),
    scalar("left", 2, 2, string::left),
    scalar("right", 2, 2, string::right),
    scalar("split", 2, 2, string::split),
    scalar("char_length", 1, 1, string::char_length),
    scalar("character_length", 1, 1, string::char_length),
    // Numbers.
    scalar("abs", 1, 1, math::abs),
    scalar("ceil", 1, 1, math::ceil),
    scalar("floor", 1, 1, math::floor),
    scalar("round", 1, 3, math::round),
    scalar("sign", 1, 1, math::sign),
    scalar("sqrt", 1, 1, math::sqrt),
    scalar("exp", 1, 1, math::exp),
    scalar("log", 1, 1, math::log),
    scalar("log10", 1, 1, math::log10),
    scalar("sin", 1, 1, math::sin),
    scalar("cos", 1, 1, math::cos),
    scalar("tan", 1, 1, math::tan),
    scalar("cot", 1, 1, math::cot),
    scalar("asin", 1, 1, math::asin),
    scalar("acos", 1, 1, math::acos),
    scalar("atan", 1, 1, math::atan),
    scalar("atan2", 2, 2, math::atan2),
    scalar("haversin", 1, 1, math::haversin),
    scalar("degrees", 1, 1, math::degrees),
    scalar("radians", 1, 1, math::radians),
    scalar("pi", 0, 0, math::pi),
    scalar("e", 0, 0, math::e),
    volatile("rand", math::rand),
    volatile("randomUUID", math::random_uuid),
    // Temporal values.
    scalar("date", 0, 1, temporal::date),
    scalar("localtime", 0, 1, temporal::localtime),
    scalar("time", 0, 1, temporal::time),
    scalar("localdatetime", 0, 1, temporal::localdatetime),
    scalar("datetime", 0, 1, temporal::datetime),
    scalar("duration", 1, 1, temporal::duration),
    scalar("duration.between", 2, 2, temporal::duration_between),
    scalar("duration.inMonths", 2, 2, temporal::duration_in_months),
    scalar("duration.inDays", 2, 2, temporal::duration_in_days),
    scalar("duration.inSeconds", 2, 2, temporal::duration_in_seconds),
    scalar("date.truncate", 2, 3, temporal::date_truncate),
    scalar("date.transaction", 0, 1, temporal::date),
    scalar("date.statement", 0, 1, temporal::date),
    scalar("date.realtime", 0, 1, temporal::date),
    scalar("localtime.truncate", 2, 3, temporal::localtime_truncate),
    scalar("localtime.transaction", 0, 1, temporal::localtime),
    scalar("localtime.statement", 0, 1, temporal::localtime),
    scalar("localtime.realtime", 0, 1, temporal::localtime),
    scalar("time.truncate", 2, 3, temporal::time_truncate),
    scalar("time.transaction", 0, 1, temporal::time),
    scalar("time.statement", 0, 1, temporal::time),
    scalar("time.realtime", 0, 1, temporal::time),
    scalar(
        "localdatetime.truncate",
        2,
        3,
        temporal::localdatetime_truncate,
    ),
    scalar("localdatetime.transaction", 0, 1, temporal::localdatetime),
    scalar("localdatetime.statement", 0, 1, temporal::localdatetime),
    scalar("localdatetime.realtime", 0, 1, temporal::localdatetime),
    scalar("datetime.truncate", 2, 3, temporal::datetime_truncate),
    scalar("datetime.transaction", 0, 1, temporal::datetime),
    scalar("datetime.statement", 0, 1, temporal::datetime),
    scalar("datetime.realtime", 0, 1, temporal::datetime),
    scalar("datetime.fromEpoch", 2, 2, temporal::datetime_from_epoch),
    scalar(
        "datetime.fromEpochMillis",
        1,
        1,
        temporal::datetime_from_epoch_millis,
    ),
    // Aggregates.
    aggregate("count", 1, aggregate::count),
    aggregate("sum", 1, aggregate::sum),
    aggregate("avg", 1, aggregate::avg),
    aggregate("min", 1, aggregate::min),
    aggregate("max", 1, aggregate::max),
    aggregate("collect", 1, aggregate::collect),
    aggregate("stDev", 1, aggregate::st_dev),
    aggregate("stDevP", 1, aggregate::st_dev_p),
    aggregate("percentileCont", 2, aggregate::percentile_cont),
    aggregate("percentileDisc", 2, aggregate::percentile_disc),
];
