//! Values as the engine sees them.
//!
//! Nodes and relationships are carried by id ([`NodeId`], [`RelId`]); their labels and
//! properties stay in the store and are read when needed. A [`QueryResult`](crate::QueryResult)
//! materialises the entities its rows mention.
//!
//! Semantics (openCypher 9):
//! - `compare.rs`: equality (`=`, three-valued), equivalence (grouping, DISTINCT), comparability
//!   (`<`, three-valued) and the global order used by ORDER BY.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub mod compare;
pub mod ops;
pub mod rows;
pub mod temporal;

pub use rows::Rows;
pub use temporal::{Duration, Temporal};

/// The id of a node. Ids are stable while the node exists and may be reused after it is
/// deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// The id of a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelId(pub u32);

/// A path: `nodes.len() == rels.len() + 1`; relationship `i` joins `nodes[i]` and
/// `nodes[i + 1]` in either direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}

/// A Cypher value.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Arc<str>),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Node(NodeId),
    Relationship(RelId),
    Path(Box<Path>),
    /// Dates, times, date-times and durations.
    Temporal(Box<Temporal>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The openCypher type name, as used in error messages (`INTEGER`, `STRING`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "BOOLEAN",
            Value::Int(_) => "INTEGER",
            Value::Float(_) => "FLOAT",
            Value::String(_) => "STRING",
            Value::List(_) => "LIST",
            Value::Map(_) => "MAP",
            Value::Node(_) => "NODE",
            Value::Relationship(_) => "RELATIONSHIP",
            Value::Path(_) => "PATH",
            Value::Temporal(t) => t.type_name(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Integers and floats as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::String(v.into())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::String(v.into())
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Formats a float the way Cypher prints it: always with a `.` or an exponent, `NaN`,
/// `Infinity`, `-Infinity`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        let s = format!("{f:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// Quotes a string as a Cypher string literal.
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

pub use crate::names::quote_name;

/// Displays values without access to the store: nodes as `(#id)`, relationships as `[#id]`.
/// Use `QueryResult` for full Cypher notation of entities.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_float(*x)),
            Value::String(s) => f.write_str(&quote_string(s)),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {v}", quote_name(k))?;
                }
                f.write_str("}")
            }
            Value::Node(id) => write!(f, "(#{})", id.0),
            Value::Relationship(id) => write!(f, "[#{}]", id.0),
            Value::Temporal(t) => write!(f, "{t}"),
            Value::Path(p) => {
                write!(f, "<")?;
                let mut rels = p.rels.iter();
                for (i, n) in p.nodes.iter().enumerate() {
                    if i > 0 {
                        match rels.next() {
                            Some(r) => write!(f, "-[#{}]-", r.0)?,
                            None => write!(f, "-[?]-")?,
                        }
                    }
                    write!(f, "(#{})", n.0)?;
                }
                write!(f, ">")
            }
        }
    }
}

/// Parameters from JSON (serde) values: numbers become integers when they fit an `i64`,
/// floats otherwise; arrays become lists and objects maps.
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::String(s.into()),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => {
                Value::Map(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}
