//! Schema statements: CREATE/DROP INDEX, CREATE/DROP CONSTRAINT, SHOW INDEXES/CONSTRAINTS.

use crate::ast::StatementKind;
use crate::error::{Error, Result};
use crate::graph::{Graph, SchemaDef, SchemaKind, UndoLog};
use crate::value::{Rows, Value};

use super::QueryResult;

fn names(v: &[crate::ast::Ident]) -> Vec<String> {
    v.iter().map(|i| i.name.clone()).collect()
}

fn strings(v: &[String]) -> Value {
    Value::List(v.iter().map(|s| Value::String(s.as_str().into())).collect())
}

/// A result of `columns` and `rows`, each row built with one value per column (the tests
/// of SHOW read every column).
fn table(columns: &[&str], rows: Vec<Vec<Value>>) -> QueryResult {
    QueryResult {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        // Not reached: every row is built with one value per column (and would show as
        // no rows, which the tests of SHOW would catch).
        rows: Rows::from_vecs(columns.len(), rows).unwrap_or_else(|| Rows::new(columns.len())),
        ..QueryResult::default()
    }
}

/// The result of SHOW INDEXES / SHOW CONSTRAINTS (which need only read access), or `None`
/// for a statement that writes.
pub(super) fn show(g: &Graph, stmt: &StatementKind) -> Option<QueryResult> {
    match stmt {
        StatementKind::ShowIndexes => {
            let rows = g
                .schema_defs()
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    vec![
                        Value::Int(i as i64 + 1),
                        Value::String(d.name.as_str().into()),
                        Value::String("ONLINE".into()),
                        Value::String("RANGE".into()),
                        Value::String("NODE".into()),
                        strings(std::slice::from_ref(&d.label)),
                        strings(&d.properties),
                        match d.kind {
                            SchemaKind::Unique => Value::String(d.name.as_str().into()),
                            SchemaKind::Index => Value::Null,
                        },
                    ]
                })
                .collect();
            Some(table(
                &[
                    "id",
                    "name",
                    "state",
                    "type",
                    "entityType",
                    "labelsOrTypes",
                    "properties",
                    "owningConstraint",
                ],
                rows,
            ))
        }
        StatementKind::ShowConstraints => {
            let rows = g
                .schema_defs()
                .iter()
                .enumerate()
                .filter(|(_, d)| d.kind == SchemaKind::Unique)
                .map(|(i, d)| {
                    vec![
                        Value::Int(i as i64 + 1),
                        Value::String(d.name.as_str().into()),
                        Value::String("UNIQUENESS".into()),
                        Value::String("NODE".into()),
                        strings(std::slice::from_ref(&d.label)),
                        strings(&d.properties),
                        Value::String(d.name.as_str().into()),
                    ]
                })
                .collect();
            Some(table(
                &[
                    "id",
                    "name",
                    "type",
                    "entityType",
                    "labelsOrTypes",
                    "properties",
                    "ownedIndex",
                ],
                rows,
            ))
        }
        _ => None,
    }
}

/// Runs a schema statement, recording index and constraint changes in `undo`.
pub(super) fn run(g: &mut Graph, stmt: &StatementKind, undo: &mut UndoLog) -> Result<QueryResult> {
    if let Some(r) = show(g, stmt) {
        return Ok(r);
    }
    let create = |kind, name: &Option<crate::ast::Ident>, label: &crate::ast::Ident, props| {
        let properties = names(props);
        SchemaDef {
            name: name.as_ref().map_or_else(
                || SchemaDef::generated_name(kind, &label.name, &properties),
                |n| n.name.clone(),
            ),
            kind,
            label: label.name.clone(),
            properties,
        }
    };
    let mut result = QueryResult::default();
    let stats = &mut result.stats;
    match stmt {
        StatementKind::CreateIndex {
            name,
            if_not_exists,
            label,
            properties,
        } => {
            let def = create(SchemaKind::Index, name, label, properties);
            stats.indexes_added += u64::from(g.create_schema(def, *if_not_exists, undo)?);
        }
        StatementKind::CreateConstraint {
            name,
            if_not_exists,
            label,
            properties,
        } => {
            let def = create(SchemaKind::Unique, name, label, properties);
            stats.constraints_added += u64::from(g.create_schema(def, *if_not_exists, undo)?);
        }
        StatementKind::DropIndex { name, if_exists } => {
            let dropped = g.drop_schema(&name.name, SchemaKind::Index, *if_exists, undo)?;
            stats.indexes_removed += u64::from(dropped);
        }
        StatementKind::DropConstraint { name, if_exists } => {
            let dropped = g.drop_schema(&name.name, SchemaKind::Unique, *if_exists, undo)?;
            stats.constraints_removed += u64::from(dropped);
        }
        _ => return Err(Error::internal("not a schema statement")),
    }
    Ok(result)
}
