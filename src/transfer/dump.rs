//! Dump: a Cypher script that recreates a graph exactly.
//!
//! One statement per line, so that a dump can be split without a parser:
//! 1. indexes and constraints ([`write_schema`]);
//! 2. nodes with a key: `CREATE (Key:Label {..}), ..` batches, since a key can only be
//!    given by a name in the query text;
//! 3. nodes without a key: `UNWIND [..] AS row CREATE (n:Labels) SET n = row.p, ..` batches
//!    per label set, each node carrying a temporary `__dump_id` property;
//! 4. relationships, per type: `UNWIND` batches of `[start, end, properties]` that index a
//!    list of the batch's end nodes: keyed nodes by key, then the keyless ones it needs,
//!    found by `__dump_id`;
//! 5. the `__dump_id` properties are removed.
//!
//! The order is canonical (groups in order of first appearance, ids within a group), so
//! dump -> load -> dump gives the same text.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;

use crate::api::{Database, NodeData};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::{SchemaDef, SchemaKind};
use crate::value::{format_float, quote_string, NodeId, Value};

use super::{graph_data, sorted_labels, GraphData};

/// The temporary property that ties keyless nodes to their relationships while loading.
pub const DUMP_ID: &str = "__dump_id";
/// Nodes per statement.
const NODE_BATCH: usize = 500;
/// Relationships per statement.
const REL_BATCH: usize = 1000;

/// A name as Cypher writes it: bare when it is a plain identifier, else in backticks.
pub fn name(n: &str) -> String {
    let mut chars = n.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        n.to_string()
    } else {
        format!("`{}`", n.replace('`', "``"))
    }
}

/// A property value as a Cypher expression that evaluates to exactly that value (type
/// included: `1.0` stays a float, dates are `date('...')`).
pub fn literal(v: &Value) -> String {
    match v {
        Value::Float(f) if f.is_nan() => "(0.0 / 0.0)".to_string(),
        Value::Float(f) if f.is_infinite() => {
            format!("({}1.0 / 0.0)", if *f < 0.0 { "-" } else { "" })
        }
        Value::Float(f) => format_float(*f),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(m) => map_literal(m),
        Value::Temporal(t) => format!("{}({})", t.constructor_name(), quote_string(&t.to_string())),
        other => other.to_string(),
    }
}

fn map_literal(m: &BTreeMap<String, Value>) -> String {
    let entries: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}: {}", name(k), literal(v)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

fn labels_text(n: &NodeData) -> String {
    sorted_labels(n)
        .into_iter()
        .map(|l| format!(":{}", name(l)))
        .collect()
}

/// Writes the statements that create the indexes and constraints, before the data, so that
/// loading checks the constraints (the indexes are filled as nodes arrive).
pub fn write_schema(out: &mut dyn Write, defs: &[SchemaDef]) -> std::io::Result<()> {
    if defs.is_empty() {
        return writeln!(out, "// Indexes and constraints: none.");
    }
    for d in defs {
        let props: Vec<String> = d
            .properties
            .iter()
            .map(|p| format!("n.{}", name(p)))
            .collect();
        let target = format!("(n:{})", name(&d.label));
        match d.kind {
            SchemaKind::Index => writeln!(
                out,
                "CREATE INDEX {} FOR {target} ON ({});",
                name(&d.name),
                props.join(", ")
            )?,
            SchemaKind::Unique => {
                let on = match props.as_slice() {
                    [one] => one.clone(),
                    _ => format!("({})", props.join(", ")),
                };
                writeln!(
                    out,
                    "CREATE CONSTRAINT {} FOR {target} REQUIRE {on} IS UNIQUE;",
                    name(&d.name)
                )?
            }
        }
    }
    Ok(())
}

impl Database {
    /// Writes a Cypher script that recreates the whole database (see `docs/import-export.md`).
    pub fn dump(&self, out: &mut dyn Write) -> Result<()> {
        // Data and schema under one read lock, so that they agree.
        let (data, defs) = self.read_graph(|g| (graph_data(g), g.schema_defs()))?;
        let io =
            |e: std::io::Error| Error::new(ErrorKind::Io, format!("cannot write the dump: {e}"));
        write_schema(out, &defs).map_err(io)?;
        write_dump(out, &data).map_err(io)
    }
}

/// Writes the data part of a dump of `data`.
pub fn write_dump<'d>(out: &mut dyn Write, data: &'d GraphData) -> std::io::Result<()> {
    writeln!(
        out,
        "// Baobab dump: {} nodes, {} relationships. One statement per line.",
        data.nodes.len(),
        data.relationships.len()
    )?;
    // Where each node sits in the statements: by key, or by dump id.
    let mut place: HashMap<NodeId, Place<'d>> = HashMap::new();

    let keyed: Vec<&'d NodeData> = data.nodes.iter().filter(|n| n.key.is_some()).collect();
    for batch in keyed.chunks(NODE_BATCH) {
        let parts: Vec<String> = batch
            .iter()
            .map(|n| {
                let key = n.key.as_deref().unwrap_or_default();
                place.insert(n.id, Place::Key(key));
                // A key needs a label or a property map to create a node.
                let props = if n.properties.is_empty() && n.labels.is_empty() {
                    " {}".to_string()
                } else if n.properties.is_empty() {
                    String::new()
                } else {
                    format!(" {}", map_literal(&n.properties))
                };
                format!("({}{}{props})", name(key), labels_text(n))
            })
            .collect();
        writeln!(out, "CREATE {};", parts.join(", "))?;
    }

    // Keyless nodes by label set, groups in order of first appearance.
    let mut groups: Vec<(String, Vec<&NodeData>)> = Vec::new();
    for n in data.nodes.iter().filter(|n| n.key.is_none()) {
        let labels = labels_text(n);
        match groups.iter_mut().find(|(l, _)| *l == labels) {
            Some((_, g)) => g.push(n),
            None => groups.push((labels, vec![n])),
        }
    }
    let mut next_id = 0usize;
    for (labels, nodes) in &groups {
        for batch in nodes.chunks(NODE_BATCH) {
            let rows: Vec<String> = batch
                .iter()
                .map(|n| {
                    place.insert(n.id, Place::Dump(next_id));
                    next_id += 1;
                    format!("[{}, {}]", next_id - 1, map_literal(&n.properties))
                })
                .collect();
            writeln!(
                out,
                "UNWIND [{}] AS row CREATE (n{labels}) SET n = row[1], n.{} = row[0];",
                rows.join(", "),
                DUMP_ID
            )?;
        }
    }

    // Relationships by type, groups in order of first appearance.
    let mut types: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, r) in data.relationships.iter().enumerate() {
        match types.iter_mut().find(|(t, _)| *t == r.rel_type) {
            Some((_, g)) => g.push(i),
            None => types.push((&r.rel_type, vec![i])),
        }
    }
    for (ty, rels) in &types {
        for batch in rels.chunks(REL_BATCH) {
            let mut keys: Vec<&'d str> = Vec::new();
            let index = |id: NodeId, keys: &mut Vec<&'d str>| -> String {
                match place.get(&id) {
                    Some(&Place::Key(k)) => {
                        let pos = keys.iter().position(|x| *x == k).unwrap_or_else(|| {
                            keys.push(k);
                            keys.len() - 1
                        });
                        format!("k{pos}")
                    }
                    Some(Place::Dump(d)) => format!("d{d}"),
                    None => "d?".to_string(),
                }
            };
            let rows: Vec<(String, String, &BTreeMap<String, Value>)> = batch
                .iter()
                .map(|i| {
                    #[allow(clippy::indexing_slicing)] // batches hold indices of `relationships`
                    let r = &data.relationships[*i];
                    (
                        index(r.start, &mut keys),
                        index(r.end, &mut keys),
                        &r.properties,
                    )
                })
                .collect();
            // Keyed nodes come first in the list, then the keyless ones this batch needs,
            // in dump id order.
            let mut needed: Vec<usize> = rows
                .iter()
                .flat_map(|(s, e, _)| [s, e])
                .filter_map(|x| x.strip_prefix('d').and_then(|d| d.parse().ok()))
                .collect();
            needed.sort_unstable();
            needed.dedup();
            let offset = keys.len();
            let pos = |s: &str| -> String {
                match s.split_at(1) {
                    ("k", n) => n.to_string(),
                    (_, n) => n
                        .parse::<usize>()
                        .ok()
                        .and_then(|d| needed.binary_search(&d).ok())
                        .map_or_else(|| "null".into(), |i| (i + offset).to_string()),
                }
            };
            let mut stmt = String::new();
            if !needed.is_empty() {
                let ids: Vec<String> = needed.iter().map(usize::to_string).collect();
                let _ = write!(
                    stmt,
                    "MATCH (n) WHERE n.{DUMP_ID} IN [{}] WITH n ORDER BY n.{DUMP_ID} WITH collect(n) AS ns ",
                    ids.join(", ")
                );
            }
            if !keys.is_empty() {
                let refs: Vec<String> = keys.iter().map(|k| format!("({})", name(k))).collect();
                let _ = write!(stmt, "MATCH {} ", refs.join(", "));
            }
            let list: Vec<String> = keys.iter().map(|k| name(k)).collect();
            let list = format!("[{}]", list.join(", "));
            let _ = write!(
                stmt,
                "WITH {} AS ns ",
                if !needed.is_empty() {
                    format!("{list} + ns")
                } else {
                    list
                }
            );
            let rows: Vec<String> = rows
                .iter()
                .map(|(s, e, p)| format!("[{}, {}, {}]", pos(s), pos(e), map_literal(p)))
                .collect();
            let _ = write!(
                stmt,
                "UNWIND [{}] AS row WITH ns[row[0]] AS a, ns[row[1]] AS b, row[2] AS p \
                 CREATE (a)-[r:{}]->(b) SET r = p;",
                rows.join(", "),
                name(ty)
            );
            writeln!(out, "{stmt}")?;
        }
    }
    if next_id > 0 {
        writeln!(
            out,
            "MATCH (n) WHERE n.{DUMP_ID} IS NOT NULL REMOVE n.{DUMP_ID};"
        )?;
    }
    Ok(())
}

/// How a relationship statement finds a node.
enum Place<'a> {
    Key(&'a str),
    Dump(usize),
}
