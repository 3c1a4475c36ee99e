//! Getting data in and out of a database without going through Cypher statements one by
//! one: bulk import (neo4j-admin CSV, JSON Lines), dump (a Cypher script) and export (JSON
//! Lines, neo4j-admin CSV, GraphML, Graphviz DOT). See `docs/import-export.md`.
//!
//! Import writes straight into the store through `Graph` methods; dump and export read a
//! [`GraphData`] copy of the whole graph ([`Database::snapshot`]) or of the entities a query
//! result mentions ([`GraphData::from_result`]).

use std::collections::BTreeMap;

use crate::api::{Database, NodeData, QueryResult, RelData};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::Graph;
use crate::value::{format_float, Value};

pub mod dump;
pub mod export;
pub mod import;

/// Nodes and relationships copied out of a database, in id order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphData {
    pub nodes: Vec<NodeData>,
    pub relationships: Vec<RelData>,
}

impl GraphData {
    /// The nodes and relationships `result`'s rows mention (with the end nodes of those
    /// relationships), in id order.
    pub fn from_result(result: &QueryResult) -> GraphData {
        let mut nodes: Vec<NodeData> = result.nodes.values().cloned().collect();
        let mut relationships: Vec<RelData> = result.rels.values().cloned().collect();
        nodes.sort_by_key(|n| n.id);
        relationships.sort_by_key(|r| r.id);
        GraphData {
            nodes,
            relationships,
        }
    }
}

impl Database {
    /// A copy of every live node and relationship, in id order.
    ///
    /// ```
    /// use baobab::{Database, Params};
    ///
    /// let db = Database::in_memory();
    /// db.execute("CREATE (Mali:Country {name: 'Mali'})-[:MEMBER_OF]->(:Organization)", &Params::new())?;
    /// let g = db.snapshot()?;
    /// assert_eq!((g.nodes.len(), g.relationships.len()), (2, 1));
    /// assert_eq!(g.nodes[0].key.as_deref(), Some("Mali"));
    /// # Ok::<(), baobab::Error>(())
    /// ```
    pub fn snapshot(&self) -> Result<GraphData> {
        self.read_graph(graph_data)
    }
}

/// A copy of every live node and relationship of `g`, in id order.
fn graph_data(g: &Graph) -> GraphData {
    let nodes = g
        .node_records()
        .map(|(id, rec)| NodeData::of(g, id, rec))
        .collect();
    let relationships = g
        .rel_records()
        .map(|(id, start, end, rec)| RelData::of(g, id, start, end, rec))
        .collect();
    GraphData {
        nodes,
        relationships,
    }
}

/// The type name of a property value as neo4j-admin CSV headers and GraphML write it
/// (`long`, `double`, `string[]`, `date`, ...); `None` for values no column type holds
/// (mixed lists).
pub(crate) fn column_type(v: &Value) -> Option<String> {
    Some(match v {
        Value::List(items) => {
            let first = items
                .first()
                .map_or(Some("string".to_string()), scalar_type)?;
            if items
                .iter()
                .any(|i| scalar_type(i).as_ref() != Some(&first))
            {
                return None;
            }
            format!("{first}[]")
        }
        other => scalar_type(other)?,
    })
}

fn scalar_type(v: &Value) -> Option<String> {
    Some(
        match v {
            Value::Bool(_) => "boolean",
            Value::Int(_) => "long",
            Value::Float(_) => "double",
            Value::String(_) => "string",
            Value::Temporal(t) => t.constructor_name(),
            _ => return None,
        }
        .to_string(),
    )
}

/// A scalar property value as text (strings as they are, floats with a `.`).
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Float(f) => format_float(*f),
        other => other.to_string(),
    }
}

/// A property value as JSON: numbers, strings, booleans and lists as themselves; floats
/// that JSON cannot write (NaN, infinities) and temporal values as a one-entry object
/// naming the type: `{"date": "2024-04-03"}`, `{"float": "NaN"}`. Properties never hold
/// maps, so an object is never ambiguous.
pub(crate) fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    let tagged = |t: &str, text: String| {
        let mut m = serde_json::Map::new();
        m.insert(t.to_string(), J::String(text));
        J::Object(m)
    };
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or_else(|| tagged("float", format_float(*f))),
        Value::String(s) => J::String(s.to_string()),
        Value::List(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Temporal(_) => tagged(&scalar_type(v).unwrap_or_default(), v.to_string()),
        other => J::String(other.to_string()),
    }
}

/// The property value a JSON value written by [`to_json`] stands for.
pub(crate) fn from_json(j: &serde_json::Value) -> Result<Value> {
    use serde_json::Value as J;
    Ok(match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Value::Int(i),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::String(s.as_str().into()),
        J::Array(items) => Value::List(items.iter().map(from_json).collect::<Result<_>>()?),
        J::Object(m) => {
            let (Some((t, J::String(text))), 1) = (m.iter().next(), m.len()) else {
                return Err(Error::new(
                    ErrorKind::TypeError,
                    "a property value cannot be a JSON object other than {\"<type>\": \"<text>\"}",
                ));
            };
            parse_typed(t, text)?
        }
    })
}

/// Parses `text` as a value of the neo4j-admin column type `ty` (scalar types only).
pub(crate) fn parse_typed(ty: &str, text: &str) -> Result<Value> {
    let bad = |what: &str| {
        Error::new(
            ErrorKind::TypeError,
            format!("`{text}` is not a valid {what}"),
        )
    };
    let temporal = |f: fn(&dyn crate::exec::functions::EntityView, &[Value]) -> Result<Value>| {
        let view = crate::exec::View(&EMPTY);
        f(&view, &[Value::String(text.into())]).map_err(|_| bad(ty))
    };
    use crate::exec::functions::temporal as t;
    Ok(match ty.to_ascii_lowercase().as_str() {
        "string" | "char" => Value::String(text.into()),
        "int" | "long" | "short" | "byte" => {
            Value::Int(text.trim().parse().map_err(|_| bad("integer"))?)
        }
        "float" | "double" => Value::Float(text.trim().parse().map_err(|_| bad("float"))?),
        "boolean" => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("boolean")),
        },
        "date" => temporal(t::date)?,
        "localtime" => temporal(t::localtime)?,
        "time" => temporal(t::time)?,
        "localdatetime" => temporal(t::localdatetime)?,
        "datetime" => temporal(t::datetime)?,
        "duration" => temporal(t::duration)?,
        other => {
            return Err(Error::new(
                ErrorKind::ArgumentError,
                format!("unknown column type `{other}`"),
            ))
        }
    })
}

/// An empty store for function calls that need an entity view but never use it.
static EMPTY: std::sync::LazyLock<crate::graph::Graph> =
    std::sync::LazyLock::new(crate::graph::Graph::new);

/// Properties as JSON object entries.
pub(crate) fn props_json(props: &BTreeMap<String, Value>) -> serde_json::Value {
    serde_json::Value::Object(props.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
}

/// Labels in name order (the store keeps them in symbol order, which differs between
/// databases).
pub(crate) fn sorted_labels(n: &NodeData) -> Vec<&str> {
    let mut labels: Vec<&str> = n.labels.iter().map(String::as_str).collect();
    labels.sort_unstable();
    labels
}
