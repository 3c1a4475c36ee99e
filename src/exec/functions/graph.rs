//! Functions reading the graph: `id`, `elementId`, `labels`, `type`, `keys`, `properties`,
//! `startNode`, `endNode`, `nodes`, `relationships`, `length`, `key`.

use crate::error::Result;
use crate::value::Value;

use super::{arg, invalid_value, EntityView};

/// `id(x)`: the id of a node or relationship.
pub(super) fn id(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => Ok(Value::Int(n.0.into())),
        Value::Relationship(r) => Ok(Value::Int(r.0.into())),
        v => Err(invalid_value("id", "a NODE or RELATIONSHIP", v)),
    }
}

/// `elementId(x)`: the id of a node or relationship, as a string.
pub(super) fn element_id(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => Ok(Value::from(n.0.to_string())),
        Value::Relationship(r) => Ok(Value::from(r.0.to_string())),
        v => Err(invalid_value("elementId", "a NODE or RELATIONSHIP", v)),
    }
}

/// `labels(n)`: the labels of a node, as a list of strings.
pub(super) fn labels(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => Ok(Value::List(
            view.node_labels(*n)?
                .into_iter()
                .map(Value::String)
                .collect(),
        )),
        v => Err(invalid_value("labels", "a NODE", v)),
    }
}

/// `type(r)`: the type of a relationship.
pub(super) fn rel_type(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Relationship(r) => Ok(Value::String(view.rel_type(*r)?)),
        v => Err(invalid_value("type", "a RELATIONSHIP", v)),
    }
}

/// `keys(x)`: the keys of a map, or the property keys of a node or relationship, sorted.
pub(super) fn keys(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let names: Vec<Value> = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::Map(m) => m.keys().map(|k| Value::from(k.as_str())).collect(),
        Value::Node(n) => view
            .node_properties(*n)?
            .into_keys()
            .map(Value::from)
            .collect(),
        Value::Relationship(r) => view
            .rel_properties(*r)?
            .into_keys()
            .map(Value::from)
            .collect(),
        v => return Err(invalid_value("keys", "a MAP, NODE or RELATIONSHIP", v)),
    };
    Ok(Value::List(names))
}

/// `properties(x)`: the properties of a node or relationship as a map; a map is returned as
/// it is.
pub(super) fn properties(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Map(m) => Ok(Value::Map(m.clone())),
        Value::Node(n) => Ok(Value::Map(view.node_properties(*n)?)),
        Value::Relationship(r) => Ok(Value::Map(view.rel_properties(*r)?)),
        v => Err(invalid_value(
            "properties",
            "a MAP, NODE or RELATIONSHIP",
            v,
        )),
    }
}

/// `startNode(r)`: the start node of a relationship.
pub(super) fn start_node(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Relationship(r) => Ok(Value::Node(view.rel_endpoints(*r)?.0)),
        v => Err(invalid_value("startNode", "a RELATIONSHIP", v)),
    }
}

/// `endNode(r)`: the end node of a relationship.
pub(super) fn end_node(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Relationship(r) => Ok(Value::Node(view.rel_endpoints(*r)?.1)),
        v => Err(invalid_value("endNode", "a RELATIONSHIP", v)),
    }
}

/// `nodes(p)`: the nodes of a path.
pub(super) fn nodes(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Path(p) => Ok(Value::List(
            p.nodes.iter().map(|n| Value::Node(*n)).collect(),
        )),
        v => Err(invalid_value("nodes", "a PATH", v)),
    }
}

/// `relationships(p)`: the relationships of a path.
pub(super) fn relationships(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Path(p) => Ok(Value::List(
            p.rels.iter().map(|r| Value::Relationship(*r)).collect(),
        )),
        v => Err(invalid_value("relationships", "a PATH", v)),
    }
}

/// `length(p)`: the number of relationships of a path.
pub(super) fn length(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Path(p) => Ok(Value::Int(super::len_to_int(p.rels.len()))),
        v => Err(invalid_value("length", "a PATH", v)),
    }
}

/// `key(n)`: the node's key (a Baobab extension), or null when it has none.
pub(super) fn key(view: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => Ok(view.node_key(*n)?.map_or(Value::Null, Value::String)),
        v => Err(invalid_value("key", "a NODE", v)),
    }
}
