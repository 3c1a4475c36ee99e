//! Export of a [`GraphData`]: JSON Lines, neo4j-admin CSV, GraphML and Graphviz DOT.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::api::{NodeData, RelData};
use crate::error::{Error, ErrorKind, Result};
use crate::value::Value;

use super::{column_type, props_json, scalar_text, sorted_labels, GraphData};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per node, then per relationship.
    Jsonl,
    /// neo4j-admin import CSV: a folder of `nodes_N.csv` and `relationships_N.csv` files.
    Csv,
    GraphMl,
    Dot,
}

impl ExportFormat {
    /// The format named `name` (`jsonl`, `csv`, `graphml`, `dot`).
    pub fn parse(name: &str) -> Option<ExportFormat> {
        Some(match name.to_ascii_lowercase().as_str() {
            "jsonl" => ExportFormat::Jsonl,
            "csv" => ExportFormat::Csv,
            "graphml" => ExportFormat::GraphMl,
            "dot" => ExportFormat::Dot,
            _ => return None,
        })
    }
}

fn io(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("cannot write the export: {e}"))
}

/// Writes `data` as JSON Lines: nodes first, then relationships (see
/// [`Database::import_jsonl`](crate::Database::import_jsonl)).
pub fn write_jsonl(out: &mut dyn Write, data: &GraphData) -> Result<()> {
    for n in &data.nodes {
        let mut o = serde_json::Map::new();
        o.insert("type".into(), "node".into());
        o.insert("id".into(), n.id.0.into());
        o.insert("labels".into(), sorted_labels(n).into());
        if let Some(k) = &n.key {
            o.insert("key".into(), k.as_str().into());
        }
        o.insert("properties".into(), props_json(&n.properties));
        writeln!(out, "{}", serde_json::Value::Object(o)).map_err(io)?;
    }
    for r in &data.relationships {
        let mut o = serde_json::Map::new();
        o.insert("type".into(), "relationship".into());
        o.insert("id".into(), r.id.0.into());
        o.insert("label".into(), r.rel_type.as_str().into());
        o.insert("start".into(), r.start.0.into());
        o.insert("end".into(), r.end.0.into());
        o.insert("properties".into(), props_json(&r.properties));
        writeln!(out, "{}", serde_json::Value::Object(o)).map_err(io)?;
    }
    Ok(())
}

/// Entities sharing one CSV file: property columns whose types agree (`name` can split
/// groups further).
struct CsvGroup<'a, T> {
    name: String,
    columns: BTreeMap<&'a str, String>,
    items: Vec<&'a T>,
}

/// Puts each entity in the first group with its name whose column types it agrees with.
fn csv_groups<'a, T>(
    items: &'a [T],
    name: impl Fn(&T) -> String,
    props: impl Fn(&T) -> &BTreeMap<String, Value>,
) -> Result<Vec<CsvGroup<'a, T>>> {
    let mut groups: Vec<CsvGroup<'a, T>> = Vec::new();
    for item in items {
        let n = name(item);
        let mut cols = BTreeMap::new();
        for (k, v) in props(item) {
            let ty = column_type(v).ok_or_else(|| {
                Error::new(
                    ErrorKind::TypeError,
                    format!("property `{k}` holds a list of mixed types, which CSV cannot type"),
                )
            })?;
            csv_carries(k, v)?;
            cols.insert(k.as_str(), ty);
        }
        let fits = |g: &CsvGroup<'a, T>| {
            g.name == n
                && cols
                    .iter()
                    .all(|(k, t)| g.columns.get(k).is_none_or(|gt| gt == t))
        };
        match groups.iter_mut().find(|g| fits(g)) {
            Some(g) => {
                g.columns.extend(cols);
                g.items.push(item);
            }
            None => groups.push(CsvGroup {
                name: n,
                columns: cols,
                items: vec![item],
            }),
        }
    }
    Ok(groups)
}

/// An error for property `k`'s value `v` when the CSV files could not carry it back: a
/// list that is empty (an empty field reads back as no property) or holds a string with
/// the array delimiter `;` in it or an empty one (it reads back as other elements).
/// Read back, either would be another value without a word; JSON Lines carries both.
fn csv_carries(k: &str, v: &Value) -> Result<()> {
    let refuse = |what: &str| {
        Err(csv_refusal(format!(
            "property `{k}` holds {what}, which CSV cannot carry back"
        )))
    };
    match v {
        Value::List(items) if items.is_empty() => refuse("an empty list"),
        Value::List(items) => {
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.contains(';')))
            {
                refuse("a list with a string containing `;`, the array delimiter")
            } else if items.iter().any(|i| i.as_str() == Some("")) {
                refuse("a list with an empty string")
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// An error when a node's label holds `;`, the CSV label separator.
fn csv_label(label: &str) -> Result<()> {
    if label.contains(';') {
        return Err(csv_refusal(format!(
            "label `{label}` contains `;`, the CSV label separator"
        )));
    }
    Ok(())
}

/// The error of a value the CSV files cannot carry (`why`), pointing to JSON Lines.
fn csv_refusal(why: String) -> Error {
    Error::new(
        ErrorKind::TypeError,
        format!("{why}; export JSON Lines (--format jsonl) instead"),
    )
}

fn cell(v: Option<&Value>, array_delimiter: char) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::List(items)) => items
            .iter()
            .map(scalar_text)
            .collect::<Vec<_>>()
            .join(&array_delimiter.to_string()),
        Some(v) => scalar_text(v),
    }
}

/// The files a CSV export wrote, as `baobab import` arguments take them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvExport {
    pub nodes: Vec<PathBuf>,
    pub relationships: Vec<PathBuf>,
}

/// Writes `data` as neo4j-admin import CSV files into the folder `dir` (created if
/// missing): `nodes_N.csv` with `:ID`, `:LABEL`, `:KEY` (Baobab's node keys) and typed
/// property columns, `relationships_N.csv` with `:START_ID`, `:END_ID`, `:TYPE` and
/// typed property columns. Lists are joined with `;`.
pub fn write_csv(dir: &Path, data: &GraphData) -> Result<CsvExport> {
    // Everything the files cannot carry is refused before the first one is written.
    for n in &data.nodes {
        n.labels.iter().try_for_each(|l| csv_label(l))?;
    }
    let node_groups = csv_groups(&data.nodes, |_| String::new(), |n| &n.properties)?;
    let rel_groups = csv_groups(&data.relationships, |_| String::new(), |r| &r.properties)?;
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut files = CsvExport::default();
    for (i, g) in node_groups.iter().enumerate() {
        let path = dir.join(format!("nodes_{}.csv", i + 1));
        let has_keys = g.items.iter().any(|n| n.key.is_some());
        let mut header = vec![":ID".to_string(), ":LABEL".to_string()];
        if has_keys {
            header.push(":KEY".into());
        }
        header.extend(g.columns.iter().map(|(k, t)| format!("{k}:{t}")));
        write_rows(
            &path,
            &header,
            g.items.iter().map(|n: &&NodeData| {
                let mut row = vec![n.id.0.to_string(), sorted_labels(n).join(";")];
                if has_keys {
                    row.push(n.key.clone().unwrap_or_default());
                }
                row.extend(g.columns.keys().map(|k| cell(n.properties.get(*k), ';')));
                row
            }),
        )?;
        files.nodes.push(path);
    }
    for (i, g) in rel_groups.iter().enumerate() {
        let path = dir.join(format!("relationships_{}.csv", i + 1));
        let mut header = vec![":START_ID".into(), ":END_ID".into(), ":TYPE".into()];
        header.extend(g.columns.iter().map(|(k, t)| format!("{k}:{t}")));
        write_rows(
            &path,
            &header,
            g.items.iter().map(|r: &&RelData| {
                let mut row = vec![
                    r.start.0.to_string(),
                    r.end.0.to_string(),
                    r.rel_type.clone(),
                ];
                row.extend(g.columns.keys().map(|k| cell(r.properties.get(*k), ';')));
                row
            }),
        )?;
        files.relationships.push(path);
    }
    Ok(files)
}

fn write_rows(
    path: &Path,
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    let fail = |e: csv::Error| {
        Error::new(
            ErrorKind::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(&row).map_err(fail)?;
    }
    w.flush().map_err(io)
}

/// Text escaped for XML content and attributes.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if c < ' ' && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// GraphML attribute types for properties: the common type of a key's values, or `string`
/// (lists and temporal values are written as text).
fn graphml_types<'a>(
    props: impl Iterator<Item = &'a BTreeMap<String, Value>>,
) -> BTreeMap<&'a str, &'static str> {
    let mut types: BTreeMap<&str, &'static str> = BTreeMap::new();
    for p in props {
        for (k, v) in p {
            let t = match v {
                Value::Bool(_) => "boolean",
                Value::Int(_) => "long",
                Value::Float(_) => "double",
                _ => "string",
            };
            types
                .entry(k)
                .and_modify(|old| {
                    if *old != t {
                        *old = "string";
                    }
                })
                .or_insert(t);
        }
    }
    types
}

fn graphml_value(v: &Value) -> String {
    match v {
        Value::List(_) => super::to_json(v).to_string(),
        other => scalar_text(other),
    }
}

/// Writes `data` as GraphML: node attribute `labels` (`:A:B`), `key` for node keys, edge
/// attribute `label` (the type), and one attribute per property key.
pub fn write_graphml(out: &mut dyn Write, data: &GraphData) -> Result<()> {
    let node_types = graphml_types(data.nodes.iter().map(|n| &n.properties));
    let edge_types = graphml_types(data.relationships.iter().map(|r| &r.properties));
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    s.push_str("  <key id=\"labels\" for=\"node\" attr.name=\"labels\" attr.type=\"string\"/>\n");
    s.push_str("  <key id=\"key\" for=\"node\" attr.name=\"key\" attr.type=\"string\"/>\n");
    s.push_str("  <key id=\"label\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>\n");
    let node_ids: BTreeMap<&str, String> = node_types
        .iter()
        .enumerate()
        .map(|(i, (k, t))| {
            s.push_str(&format!(
                "  <key id=\"n{i}\" for=\"node\" attr.name=\"{}\" attr.type=\"{t}\"/>\n",
                xml(k)
            ));
            (*k, format!("n{i}"))
        })
        .collect();
    let edge_ids: BTreeMap<&str, String> = edge_types
        .iter()
        .enumerate()
        .map(|(i, (k, t))| {
            s.push_str(&format!(
                "  <key id=\"e{i}\" for=\"edge\" attr.name=\"{}\" attr.type=\"{t}\"/>\n",
                xml(k)
            ));
            (*k, format!("e{i}"))
        })
        .collect();
    s.push_str("  <graph id=\"G\" edgedefault=\"directed\">\n");
    out.write_all(s.as_bytes()).map_err(io)?;
    let data_items = |ids: &BTreeMap<&str, String>, props: &BTreeMap<String, Value>| -> String {
        props
            .iter()
            .filter_map(|(k, v)| {
                let id = ids.get(k.as_str())?;
                Some(format!(
                    "<data key=\"{id}\">{}</data>",
                    xml(&graphml_value(v))
                ))
            })
            .collect()
    };
    for n in &data.nodes {
        let labels: String = sorted_labels(n).iter().map(|l| format!(":{l}")).collect();
        let key = n
            .key
            .as_deref()
            .map(|k| format!("<data key=\"key\">{}</data>", xml(k)))
            .unwrap_or_default();
        writeln!(
            out,
            "    <node id=\"n{}\"><data key=\"labels\">{}</data>{key}{}</node>",
            n.id.0,
            xml(&labels),
            data_items(&node_ids, &n.properties)
        )
        .map_err(io)?;
    }
    for r in &data.relationships {
        writeln!(
            out,
            "    <edge id=\"e{}\" source=\"n{}\" target=\"n{}\"><data key=\"label\">{}</data>{}</edge>",
            r.id.0,
            r.start.0,
            r.end.0,
            xml(&r.rel_type),
            data_items(&edge_ids, &r.properties)
        )
        .map_err(io)?;
    }
    out.write_all(b"  </graph>\n</graphml>\n").map_err(io)
}

/// Text escaped for a DOT double-quoted string.
fn dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes `data` as a Graphviz digraph: each node labelled with its `name` property (or
/// key, or id) over its labels; each edge with its type.
pub fn write_dot(out: &mut dyn Write, data: &GraphData) -> Result<()> {
    writeln!(out, "digraph baobab {{\n  node [shape=box, style=rounded];").map_err(io)?;
    for n in &data.nodes {
        let title = match (n.properties.get("name"), &n.key) {
            (Some(v), _) => scalar_text(v),
            (None, Some(k)) => k.clone(),
            (None, None) => format!("#{}", n.id.0),
        };
        let labels: String = sorted_labels(n).iter().map(|l| format!(":{l}")).collect();
        let text = if labels.is_empty() {
            title
        } else {
            format!("{title}\n{labels}")
        };
        writeln!(out, "  n{} [label=\"{}\"];", n.id.0, dot(&text)).map_err(io)?;
    }
    for r in &data.relationships {
        writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"];",
            r.start.0,
            r.end.0,
            dot(&r.rel_type)
        )
        .map_err(io)?;
    }
    writeln!(out, "}}").map_err(io)
}

/// Writes `data` in `format` to `out` (every format but CSV, which writes a folder).
pub fn write(format: ExportFormat, out: &mut dyn Write, data: &GraphData) -> Result<()> {
    match format {
        ExportFormat::Jsonl => write_jsonl(out, data),
        ExportFormat::GraphMl => write_graphml(out, data),
        ExportFormat::Dot => write_dot(out, data),
        ExportFormat::Csv => Err(Error::new(
            ErrorKind::ArgumentError,
            "CSV export writes a folder of files: use write_csv",
        )),
    }
}
