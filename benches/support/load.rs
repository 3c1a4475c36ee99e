//! Loads a folder of neo4j-admin-style CSV files into Baobab through the public API.
//!
//! [`import`] is the bulk load of the benchmark: `Database::import_csv` (what `baobab import`
//! runs), then an index on `id` per label. [`load`] goes through Cypher instead, with
//! parameterised `UNWIND $rows AS r CREATE ...` batches: nodes are created with
//! `... RETURN id(n)`, and relationships then receive their end nodes as node values in the
//! parameters, so no lookup by property is needed while loading.

use std::collections::HashMap;
use std::path::Path;

use baobab::transfer::import::{CsvFiles, ImportOptions};
use baobab::{Database, NodeId, Params, Value};

use super::csv_table::{int, tables, Column, Header, PropType, Table};

/// Rows per statement.
const BATCH: usize = 10_000;

/// Node ids by ID space, indexed by the CSV id (the generator's ids are dense from 1).
#[derive(Debug, Default)]
pub struct IdMap {
    spaces: HashMap<String, Vec<u32>>,
}

const MISSING: u32 = u32::MAX;

impl IdMap {
    fn insert(&mut self, space: &str, id: i64, node: u32) -> Result<(), String> {
        let slot = usize::try_from(id).map_err(|_| format!("negative id {id} in {space}"))?;
        let ids = self.spaces.entry(space.to_string()).or_default();
        if slot >= ids.len() {
            ids.resize(slot + 1, MISSING);
        }
        ids[slot] = node;
        Ok(())
    }

    fn get(&self, space: &str, id: i64) -> Option<Value> {
        let node = *self.spaces.get(space)?.get(usize::try_from(id).ok()?)?;
        (node != MISSING).then_some(Value::Node(NodeId(node)))
    }
}

/// What a load created.
#[derive(Debug, Default, Clone, Copy)]
pub struct Loaded {
    pub nodes: usize,
    pub relationships: usize,
}

/// `` `name` `` with backticks doubled.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A property value from a CSV field; empty fields are null (no property). The error has no
/// location: the caller puts the file and line in front.
fn property(text: &str, ty: PropType) -> Result<Value, String> {
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match ty {
        PropType::String => Ok(Value::from(text)),
        PropType::Int => text
            .parse()
            .map(Value::Int)
            .map_err(|_| format!("`{text}` is not an integer")),
        PropType::Float => text
            .parse()
            .map(Value::Float)
            .map_err(|_| format!("`{text}` is not a number")),
    }
}

/// `{a: r[2], b: r[3]}` for the properties, which follow `offset` leading list items.
fn property_map(table: &Header, offset: usize) -> String {
    let names: Vec<String> = table
        .columns
        .iter()
        .filter_map(|c| match c {
            Column::Property { name, .. } | Column::Id { name, .. } if !name.is_empty() => {
                Some(name.clone())
            }
            _ => None,
        })
        .enumerate()
        .map(|(i, name)| format!("{}: r[{}]", quoted(&name), i + offset))
        .collect();
    format!("{{{}}}", names.join(", "))
}

/// The property values of `record`, in `property_map` order.
fn property_values(table: &Header, record: &csv::StringRecord) -> Result<Vec<Value>, String> {
    // The file and line are only formatted for an error, not for every record.
    let at = |e: String| {
        let line = record.position().map_or(0, |p| p.line());
        format!("{}:{line}: {e}", table.path.display())
    };
    let mut values = Vec::new();
    for (i, column) in table.columns.iter().enumerate() {
        let text = record.get(i).unwrap_or("");
        match column {
            Column::Id { name, .. } if !name.is_empty() => {
                values.push(property(text, PropType::Int).map_err(at)?)
            }
            Column::Property { name, ty } if !name.is_empty() => {
                values.push(property(text, *ty).map_err(at)?)
            }
            _ => {}
        }
    }
    Ok(values)
}

/// The label (`:LABEL`, `;`-separated) or type (`:TYPE`) of a record, as Cypher text;
/// `index` is where `column` is in the table, looked up once per table by the caller.
fn tokens(
    table: &Header,
    record: &csv::StringRecord,
    index: usize,
    column: &Column,
) -> Result<String, String> {
    let text = record.get(index).unwrap_or("");
    let names: Vec<String> = text
        .split(';')
        .filter(|s| !s.is_empty())
        .map(quoted)
        .collect();
    if names.is_empty() && *column == Column::Type {
        return Err(format!("{}: a row without a type", table.path.display()));
    }
    Ok(names.iter().map(|n| format!(":{n}")).collect())
}

/// Where `column` is in `table`, or the error for a record that needs it and finds none.
fn column_index(table: &Header, column: &Column) -> Result<usize, String> {
    table
        .position(|c| c == column)
        .ok_or_else(|| format!("{}: no {column:?} column", table.path.display()))
}

/// Creates an index on `id` for every label of `db` (the peers get the same), for lookups
/// by id.
fn index_ids(db: &Database) -> Result<(), String> {
    let schema = db.schema().map_err(|e| e.to_string())?;
    for (label, _) in schema.labels {
        let statement = format!(
            "CREATE INDEX IF NOT EXISTS FOR (n:{}) ON (n.id)",
            quoted(&label)
        );
        db.execute(&statement, &Params::new())
            .map_err(|e| format!("{statement}: {e}"))?;
    }
    Ok(())
}

/// Runs one batch: `rows` under `$rows`.
fn run(db: &Database, statement: &str, rows: Vec<Value>) -> Result<baobab::Rows, String> {
    let mut params = Params::new();
    params.insert("rows".to_string(), Value::List(rows));
    db.execute(statement, &params)
        .map(|result| result.rows)
        .map_err(|e| format!("{statement}: {e}"))
}

/// Loads every node file of `dir`, recording the new nodes in `ids`.
pub fn load_nodes(db: &Database, dir: &Path, ids: &mut IdMap) -> Result<usize, String> {
    let (node_tables, _) = tables(dir)?;
    let mut created = 0;
    for Table {
        header: table,
        mut reader,
    } in node_tables
    {
        let (id_index, space) = table
            .columns
            .iter()
            .enumerate()
            .find_map(|(i, c)| match c {
                Column::Id { space, .. } => Some((i, space.clone())),
                _ => None,
            })
            .ok_or("a node file without an ID column")?;
        let map = property_map(&table, 0);
        // A table without a label column gives its nodes no label.
        let label_index = table.position(|c| *c == Column::Label);
        // (statement, rows, csv ids) of the batch being filled; a label change flushes it.
        let mut batch: Option<(String, Vec<Value>, Vec<i64>)> = None;
        let mut flush = |batch: (String, Vec<Value>, Vec<i64>)| -> Result<(), String> {
            let (statement, rows, csv_ids) = batch;
            let result = run(db, &statement, rows)?;
            for (row, id) in result.iter().zip(csv_ids) {
                if let Some(Value::Int(node)) = row.first() {
                    ids.insert(&space, id, *node as u32)?;
                }
            }
            created += result.len();
            Ok(())
        };
        for record in reader.records() {
            let record = record.map_err(|e| format!("{}: {e}", table.path.display()))?;
            let labels = match label_index {
                Some(index) => tokens(&table, &record, index, &Column::Label)?,
                None => String::new(),
            };
            let statement = format!("UNWIND $rows AS r CREATE (n{labels} {map}) RETURN id(n)");
            if batch
                .as_ref()
                .is_some_and(|(s, rows, _)| *s != statement || rows.len() >= BATCH)
            {
                flush(batch.take().unwrap_or_default())?;
            }
            let (_, rows, csv_ids) =
                batch.get_or_insert_with(|| (statement, Vec::new(), Vec::new()));
            rows.push(Value::List(property_values(&table, &record)?));
            csv_ids.push(int(&record, id_index, &table.path)?);
        }
        if let Some(batch) = batch {
            flush(batch)?;
        }
    }
    // Every label gets an index on `id`, as after `import`.
    index_ids(db)?;
    Ok(created)
}

/// Loads every relationship file of `dir`; their ends must be in `ids`.
pub fn load_relationships(db: &Database, dir: &Path, ids: &IdMap) -> Result<usize, String> {
    let (_, rel_tables) = tables(dir)?;
    let mut created = 0;
    for Table {
        header: table,
        mut reader,
    } in rel_tables
    {
        let end = |f: fn(&Column) -> Option<&String>| {
            table
                .columns
                .iter()
                .enumerate()
                .find_map(|(i, c)| f(c).map(|space| (i, space.clone())))
        };
        let (Some(start), Some(finish)) = (
            end(|c| match c {
                Column::StartId(s) => Some(s),
                _ => None,
            }),
            end(|c| match c {
                Column::EndId(s) => Some(s),
                _ => None,
            }),
        ) else {
            return Err(format!(
                "{}: needs :START_ID and :END_ID",
                table.path.display()
            ));
        };
        let map = property_map(&table, 2);
        // Looked up once per table; a missing column is an error at the first record.
        let type_index = column_index(&table, &Column::Type);
        let mut batch: Option<(String, Vec<Value>)> = None;
        let mut flush = |(statement, rows): (String, Vec<Value>)| -> Result<(), String> {
            let count = rows.len();
            run(db, &statement, rows)?;
            created += count;
            Ok(())
        };
        for record in reader.records() {
            let record = record.map_err(|e| format!("{}: {e}", table.path.display()))?;
            let kind = tokens(&table, &record, type_index.clone()?, &Column::Type)?;
            let statement = format!(
                "UNWIND $rows AS r WITH r, r[0] AS a, r[1] AS b CREATE (a)-[{kind} {map}]->(b)"
            );
            if batch
                .as_ref()
                .is_some_and(|(s, rows)| *s != statement || rows.len() >= BATCH)
            {
                flush(batch.take().unwrap_or_default())?;
            }
            let node = |(index, space): &(usize, String)| -> Result<Value, String> {
                let id = int(&record, *index, &table.path)?;
                ids.get(space, id).ok_or_else(|| {
                    let line = record.position().map_or(0, |p| p.line());
                    format!("{}:{line}: no node {id} in {space}", table.path.display())
                })
            };
            let mut row = vec![node(&start)?, node(&finish)?];
            row.extend(property_values(&table, &record)?);
            batch
                .get_or_insert_with(|| (statement, Vec::new()))
                .1
                .push(Value::List(row));
        }
        if let Some(batch) = batch {
            flush(batch)?;
        }
    }
    Ok(created)
}

/// Loads the whole folder into `db` (normally empty).
pub fn load(db: &Database, dir: &Path) -> Result<Loaded, String> {
    let mut ids = IdMap::default();
    let nodes = load_nodes(db, dir, &mut ids)?;
    let relationships = load_relationships(db, dir, &ids)?;
    Ok(Loaded {
        nodes,
        relationships,
    })
}

/// Bulk-loads the whole folder into `db` (normally empty) with `Database::import_csv`, ids
/// stored as integers, then creates an index on `id` for every label. `nodes_only` is called
/// at every progress report that comes before the first relationship, the last time when
/// every node file is in.
pub fn import(
    db: &Database,
    dir: &Path,
    nodes_only: &mut dyn FnMut(),
    before_indexes: &mut dyn FnMut(),
) -> Result<Loaded, String> {
    let (node_tables, rel_tables) = tables(dir)?;
    let files = |tables: Vec<Table>| -> Vec<CsvFiles> {
        tables
            .into_iter()
            .map(|t| CsvFiles {
                name: None,
                paths: vec![t.header.path],
            })
            .collect()
    };
    let options = ImportOptions {
        nodes: files(node_tables),
        relationships: files(rel_tables),
        integer_ids: true,
        ..ImportOptions::default()
    };
    let report = db
        .import_csv(&options, &mut |progress| {
            if progress.relationships == 0 {
                nodes_only();
            }
        })
        .map_err(|e| e.to_string())?;
    before_indexes();
    index_ids(db)?;
    Ok(Loaded {
        nodes: report.nodes as usize,
        relationships: report.relationships as usize,
    })
}
