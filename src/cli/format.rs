//! Rendering results: JSON (one shape for entities, used by every machine format), CSV/TSV
//! cells, and Cypher notation for the table format.

use baobab::value::quote_name;
use std::fmt::Write as _;

use baobab::value::{format_float, quote_string};
use baobab::{NodeData, NodeId, QueryResult, RelData, RelId, Value, WriteStats};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table fitted to the terminal, for people.
    Table,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header row (backslash escapes).
    Tsv,
    /// One JSON array of row objects per statement.
    Json,
    /// One JSON object per row (JSON Lines).
    Jsonl,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

fn json_string(out: &mut String, s: &str) {
    // serde_json escapes exactly what JSON requires.
    out.push_str(&serde_json::to_string(s).expect("strings always serialize"));
}

fn json_float(out: &mut String, f: f64) {
    if f.is_finite() {
        out.push_str(&format_float(f));
    } else {
        json_string(out, &format_float(f));
    }
}

/// Appends `open`, the items written by `each` separated by `sep`, then `close`.
fn push_delimited<T>(
    out: &mut String,
    [open, sep, close]: [&str; 3],
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut String, T),
) {
    out.push_str(open);
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        each(out, item);
    }
    out.push_str(close);
}

/// Appends `value` as JSON. Entities are looked up in `result`.
pub fn json_value(out: &mut String, value: &Value, result: &QueryResult) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => json_float(out, *f),
        Value::String(s) => json_string(out, s),
        // Temporal values as their ISO 8601 text.
        Value::Temporal(_) => json_string(out, &value.to_string()),
        Value::List(items) => push_delimited(out, ["[", ",", "]"], items, |out, item| {
            json_value(out, item, result)
        }),
        Value::Map(map) => json_map(out, map.iter(), result),
        Value::Node(id) => json_node(out, *id, result),
        Value::Relationship(id) => json_rel(out, *id, result),
        Value::Path(path) => {
            push_delimited(out, ["{\"nodes\":[", ",", "]"], &path.nodes, |out, id| {
                json_node(out, *id, result)
            });
            push_delimited(
                out,
                [",\"relationships\":[", ",", "]}"],
                &path.rels,
                |out, id| json_rel(out, *id, result),
            );
        }
    }
}

fn json_map<'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
    result: &QueryResult,
) {
    push_delimited(out, ["{", ",", "}"], entries, |out, (k, v)| {
        json_string(out, k);
        out.push(':');
        json_value(out, v, result);
    });
}

fn json_node(out: &mut String, id: NodeId, result: &QueryResult) {
    let _ = write!(out, "{{\"id\":{}", id.0);
    if let Some(NodeData {
        labels,
        key,
        properties,
        ..
    }) = result.node(id)
    {
        push_delimited(out, [",\"labels\":[", ",", "]"], labels, |out, l| {
            json_string(out, l)
        });
        out.push_str(",\"key\":");
        match key {
            Some(key) => json_string(out, key),
            None => out.push_str("null"),
        }
        out.push_str(",\"properties\":");
        json_map(out, properties.iter(), result);
    }
    out.push('}');
}

fn json_rel(out: &mut String, id: RelId, result: &QueryResult) {
    let _ = write!(out, "{{\"id\":{}", id.0);
    if let Some(RelData {
        rel_type,
        start,
        end,
        properties,
        ..
    }) = result.relationship(id)
    {
        out.push_str(",\"type\":");
        json_string(out, rel_type);
        let _ = write!(
            out,
            ",\"start\":{},\"end\":{},\"properties\":",
            start.0, end.0
        );
        json_map(out, properties.iter(), result);
    }
    out.push('}');
}

/// One row as a JSON object whose keys are the columns in order.
pub fn json_row(columns: &[String], row: &[Value], result: &QueryResult) -> String {
    let mut out = String::new();
    json_map(&mut out, columns.iter().zip(row), result);
    out
}

// ---------------------------------------------------------------------------------------------
// CSV and TSV

/// The text of a CSV/TSV cell before quoting; `None` for null.
fn plain_cell(value: &Value, result: &QueryResult) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(format_float(*f)),
        Value::String(s) => Some(s.to_string()),
        // Dates, times and durations as their ISO 8601 text, as strings are: wrapped as
        // JSON strings they read back with quotes in them.
        Value::Temporal(_) => Some(value.to_string()),
        other => {
            let mut out = String::new();
            json_value(&mut out, other, result);
            Some(out)
        }
    }
}

/// A CSV field, quoted per RFC 4180 when needed. Null is an empty field, the empty string
/// `""`.
pub fn csv_field(text: Option<&str>) -> String {
    match text {
        None => String::new(),
        Some("") => "\"\"".to_string(),
        Some(t) if t.contains([',', '"', '\n', '\r']) || t.starts_with(' ') || t.ends_with(' ') => {
            format!("\"{}\"", t.replace('"', "\"\""))
        }
        Some(t) => t.to_string(),
    }
}

/// A TSV field: tab, newline, carriage return and backslash are escaped as `\t`, `\n`, `\r`,
/// `\\`; null is an empty field.
pub fn tsv_field(text: Option<&str>) -> String {
    let Some(t) = text else {
        return String::new();
    };
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

/// Header and rows as CSV or TSV lines (each ending with `\n`).
pub fn delimited(result: &QueryResult, tsv: bool) -> String {
    let field = |t: Option<&str>| if tsv { tsv_field(t) } else { csv_field(t) };
    let sep = if tsv { "\t" } else { "," };
    let mut out = String::new();
    let header: Vec<String> = result.columns.iter().map(|c| field(Some(c))).collect();
    out.push_str(&header.join(sep));
    out.push('\n');
    for row in &result.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| field(plain_cell(v, result).as_deref()))
            .collect();
        out.push_str(&cells.join(sep));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Cypher notation (table format)

/// Appends `value` in Cypher notation, entities in full.
pub fn cypher_value(out: &mut String, value: &Value, result: &QueryResult) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => out.push_str(&quote_string(s)),
        Value::Temporal(_) => {
            let _ = write!(out, "{value}");
        }
        Value::List(items) => push_delimited(out, ["[", ", ", "]"], items, |out, item| {
            cypher_value(out, item, result)
        }),
        Value::Map(map) => cypher_map(out, map.iter(), result),
        Value::Node(id) => cypher_node(out, *id, result),
        Value::Relationship(id) => {
            out.push('[');
            cypher_rel_body(out, *id, result);
            out.push(']');
        }
        Value::Path(path) => {
            for (i, node) in path.nodes.iter().enumerate() {
                if i > 0 {
                    let rel = path.rels[i - 1];
                    // Drawn left to right: `->` when the relationship starts at the node on its
                    // left, `<-` when it starts at the node on its right.
                    let backwards = result
                        .relationship(rel)
                        .is_some_and(|r| r.start != r.end && r.start == *node);
                    out.push_str(if backwards { "<-[" } else { "-[" });
                    cypher_rel_body(out, rel, result);
                    out.push_str(if backwards { "]-" } else { "]->" });
                }
                cypher_node(out, *node, result);
            }
        }
    }
}

fn cypher_map<'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
    result: &QueryResult,
) {
    push_delimited(out, ["{", ", ", "}"], entries, |out, (k, v)| {
        out.push_str(&quote_name(k));
        out.push_str(": ");
        cypher_value(out, v, result);
    });
}

fn cypher_node(out: &mut String, id: NodeId, result: &QueryResult) {
    out.push('(');
    match result.node(id) {
        Some(node) => {
            if let Some(key) = &node.key {
                out.push_str(&quote_name(key));
            }
            for label in &node.labels {
                out.push(':');
                out.push_str(&quote_name(label));
            }
            if !node.properties.is_empty() {
                if node.key.is_some() || !node.labels.is_empty() {
                    out.push(' ');
                }
                cypher_map(out, node.properties.iter(), result);
            }
        }
        None => {
            let _ = write!(out, "#{}", id.0);
        }
    }
    out.push(')');
}

fn cypher_rel_body(out: &mut String, id: RelId, result: &QueryResult) {
    match result.relationship(id) {
        Some(rel) => {
            out.push(':');
            out.push_str(&quote_name(&rel.rel_type));
            if !rel.properties.is_empty() {
                out.push(' ');
                cypher_map(out, rel.properties.iter(), result);
            }
        }
        None => {
            let _ = write!(out, "#{}", id.0);
        }
    }
}

/// A table of the result, fitted to `width` or else to the terminal when stdout is one; cells
/// longer than the space they get are cut with `…`.
pub fn table(result: &QueryResult, width: Option<u16>) -> String {
    use comfy_table::{presets, Cell, ContentArrangement, Row, Table};
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_truncation_indicator("…")
        .set_header(result.columns.iter().map(Cell::new));
    match width {
        Some(width) => {
            table.set_width(width);
        }
        // A terminal that reports no usable size (e.g. a fresh pty): do not squeeze.
        None if table.width().is_some_and(|w| w < 20) => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
        None => {}
    }
    for values in &result.rows {
        let mut row = Row::new();
        for value in values {
            let mut text = String::new();
            cypher_value(&mut text, value, result);
            row.add_cell(Cell::new(text));
        }
        row.max_height(1);
        table.add_row(row);
    }
    table.to_string()
}

/// `1 node`, `2 nodes`: `n` with `one` or `many`.
pub(super) fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Created 2 nodes, set 3 properties`, or `None` when nothing changed.
pub fn stats_summary(stats: &WriteStats) -> Option<String> {
    let mut parts = Vec::new();
    let mut part = |verb: &str, n: u64, one: &str, many: &str| {
        if n > 0 {
            parts.push(format!("{verb} {}", plural(n, one, many)));
        }
    };
    part("created", stats.nodes_created, "node", "nodes");
    part("deleted", stats.nodes_deleted, "node", "nodes");
    part(
        "created",
        stats.relationships_created,
        "relationship",
        "relationships",
    );
    part(
        "deleted",
        stats.relationships_deleted,
        "relationship",
        "relationships",
    );
    part("set", stats.properties_set, "property", "properties");
    part(
        "removed",
        stats.properties_removed,
        "property",
        "properties",
    );
    part("added", stats.labels_added, "label", "labels");
    part("removed", stats.labels_removed, "label", "labels");
    part("added", stats.indexes_added, "index", "indexes");
    part("removed", stats.indexes_removed, "index", "indexes");
    part(
        "added",
        stats.constraints_added,
        "constraint",
        "constraints",
    );
    part(
        "removed",
        stats.constraints_removed,
        "constraint",
        "constraints",
    );
    if parts.is_empty() {
        return None;
    }
    let mut text = parts.join(", ");
    text[..1].make_ascii_uppercase();
    Some(text)
}

/// `1 row`, `3 rows`.
pub fn rows_count(n: usize) -> String {
    plural(n as u64, "row", "rows")
}

/// Milliseconds with a precision that suits the magnitude.
pub fn millis(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 1000.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_scalars_and_containers() {
        let r = QueryResult::default();
        let mut map = std::collections::BTreeMap::new();
        map.insert("a".to_string(), Value::Int(1));
        let cases = [
            (Value::Int(1), "1"),
            (Value::Float(1.0), "1.0"),
            (Value::Float(2.5), "2.5"),
            (Value::Float(f64::NAN), "\"NaN\""),
            (Value::Float(f64::NEG_INFINITY), "\"-Infinity\""),
            (Value::from("a\"b\n"), "\"a\\\"b\\n\""),
            (Value::Null, "null"),
            (
                Value::List(vec![Value::Bool(true), Value::Map(map)]),
                "[true,{\"a\":1}]",
            ),
        ];
        for (value, expected) in cases {
            let mut out = String::new();
            json_value(&mut out, &value, &r);
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn json_rows_keep_column_order() {
        let r = QueryResult::default();
        let cols = vec!["z".to_string(), "a".to_string()];
        assert_eq!(
            json_row(&cols, &[Value::Int(1), Value::Null], &r),
            "{\"z\":1,\"a\":null}"
        );
    }

    #[test]
    fn unknown_entities_fall_back_to_ids() {
        let r = QueryResult::default();
        let mut out = String::new();
        json_value(&mut out, &Value::Node(NodeId(3)), &r);
        assert_eq!(out, "{\"id\":3}");
        let mut out = String::new();
        cypher_value(&mut out, &Value::Relationship(RelId(7)), &r);
        assert_eq!(out, "[#7]");
    }

    #[test]
    fn csv_and_tsv_fields() {
        assert_eq!(csv_field(None), "");
        assert_eq!(csv_field(Some("")), "\"\"");
        assert_eq!(csv_field(Some("plain")), "plain");
        assert_eq!(csv_field(Some("a,b")), "\"a,b\"");
        assert_eq!(csv_field(Some("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field(Some("two\nlines")), "\"two\nlines\"");
        assert_eq!(tsv_field(Some("a\tb\\c\nd")), "a\\tb\\\\c\\nd");
        assert_eq!(tsv_field(None), "");
    }

    #[test]
    fn cypher_names_and_values() {
        assert_eq!(quote_name("Mali"), "Mali");
        assert_eq!(quote_name("two words"), "`two words`");
        assert_eq!(quote_name("1st"), "`1st`");
        let r = QueryResult::default();
        let mut map = std::collections::BTreeMap::new();
        map.insert("since year".to_string(), Value::Int(2023));
        let mut out = String::new();
        cypher_value(
            &mut out,
            &Value::List(vec![
                Value::from("it's"),
                Value::Map(map),
                Value::Float(3.0),
            ]),
            &r,
        );
        assert_eq!(out, "['it\\'s', {`since year`: 2023}, 3.0]");
    }

    #[test]
    fn tables_cut_long_cells() {
        let mut r = QueryResult::default();
        r.columns = vec!["v".to_string(), "w".to_string()].into();
        r.rows = baobab::Rows::from_vecs(
            2,
            vec![
                vec![Value::from("x"), Value::Int(1)],
                vec![Value::from("a long long long long long text"), Value::Null],
            ],
        )
        .expect("two columns");
        let text = table(&r, Some(24));
        assert!(text.contains("'x'"), "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 24), "{text}");
        assert_eq!(text.lines().count(), 6, "{text}");
    }

    #[test]
    fn summaries() {
        let stats = WriteStats {
            nodes_created: 2,
            properties_set: 3,
            ..WriteStats::default()
        };
        assert_eq!(
            stats_summary(&stats).as_deref(),
            Some("Created 2 nodes, set 3 properties")
        );
        assert_eq!(stats_summary(&WriteStats::default()), None);
        assert_eq!(rows_count(1), "1 row");
        assert_eq!(rows_count(0), "0 rows");
    }
}
