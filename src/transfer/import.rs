//! Bulk import: neo4j-admin CSV files and JSON Lines, written straight into the store.
//!
//! An import is one unit: on an error (without `skip_bad_rows`) every node and relationship
//! it created is removed again and the database is as before. The undo log is emptied per
//! batch; the ids created are kept in two compact lists to roll back from.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::Database;
use crate::error::{Error, ErrorKind, Result};
use crate::exec::load_csv::{field, from_csv_error, open_reader, MALFORMED_CSV};
use crate::graph::{Graph, Props, Sym, Undo, UndoLog};
use crate::value::{NodeId, RelId, Value};

use super::{from_json, parse_typed};

/// Entries of the undo log collected before it is emptied into the id lists.
const BATCH: usize = 1 << 16;
/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 1 << 16;
/// Bad rows kept (with their messages) in the report; the rest are only counted.
const KEEP_BAD_ROWS: usize = 100;

/// One `--nodes` or `--relationships` argument: `[Name=]FILE[,FILE...]`. The header is the
/// first line of the first file; the other files hold data only. For nodes, `Name` is one
/// or more labels joined by `:`; for relationships, the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFiles {
    pub name: Option<String>,
    pub paths: Vec<PathBuf>,
}

impl CsvFiles {
    /// Parses `[Name=]FILE[,FILE...]`.
    pub fn parse(arg: &str) -> CsvFiles {
        let (name, files) = match arg.split_once('=') {
            Some((n, f)) if !n.is_empty() && !n.contains(['/', '\\', ',']) => {
                (Some(n.to_string()), f)
            }
            _ => (None, arg),
        };
        CsvFiles {
            name,
            paths: files.split(',').map(PathBuf::from).collect(),
        }
    }
}

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub nodes: Vec<CsvFiles>,
    pub relationships: Vec<CsvFiles>,
    /// Field separator (`,`).
    pub delimiter: u8,
    /// Separator of array elements and of labels in a `:LABEL` field (`;`).
    pub array_delimiter: u8,
    /// Skip rows that cannot be imported (and report them) instead of stopping.
    pub skip_bad_rows: bool,
    /// Store named `:ID` columns as integer properties (neo4j-admin's `--id-type=integer`)
    /// instead of strings.
    pub integer_ids: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            nodes: Vec::new(),
            relationships: Vec::new(),
            delimiter: b',',
            array_delimiter: b';',
            skip_bad_rows: false,
            integer_ids: false,
        }
    }
}

/// A row that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub nodes: u64,
    pub relationships: u64,
    pub properties: u64,
    /// Rows skipped (with `skip_bad_rows`).
    pub bad_rows: u64,
    /// The first skipped rows, with their reasons.
    pub first_bad_rows: Vec<BadRow>,
}

/// How far an import is, for progress bars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the input files read so far.
    pub bytes: u64,
    /// Bytes of all input files (0 when unknown).
    pub total_bytes: u64,
    pub nodes: u64,
    pub relationships: u64,
}

/// What a header column holds.
#[derive(Debug, Clone)]
enum Column {
    /// `name:ID(space)`: the node's id in its id space; a named column is also stored as a
    /// string property.
    Id(usize, Option<Sym>),
    Label,
    /// `:KEY` (Baobab): the node key.
    Key,
    StartId(usize),
    EndId(usize),
    Type,
    Ignore,
    Property {
        key: Sym,
        ty: String,
        array: bool,
    },
}

/// The nodes of one id space by id. The lookups of a relationship file are random and bound
/// by memory latency, so ids that are small numbers (most files) index a plain vector, and
/// other ids of up to 15 bytes (nearly all) are kept inline as a `u128`, so a lookup touches
/// the table only, not a string elsewhere on the heap.
#[derive(Default)]
struct IdMap {
    /// Ids written as canonical decimal numbers (the usual case), by value: a slot per
    /// number up to a bound that grows with the map, [`IdMap::NONE`] where unused.
    dense: Vec<u32>,
    dense_count: usize,
    short: HashMap<u128, NodeId>,
    long: HashMap<Box<str>, NodeId>,
}

impl IdMap {
    const NONE: u32 = u32::MAX;

    /// `id` as a number when it is written the one way a number is (`0`, or digits without
    /// a leading zero), so `"7"` and `"07"` stay different ids.
    fn number(id: &str) -> Option<usize> {
        let b = id.as_bytes();
        if b.is_empty() || b.len() > 9 || (b.len() > 1 && b.first() == Some(&b'0')) {
            return None;
        }
        b.iter().try_fold(0usize, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + usize::from(c - b'0'))
        })
    }

    /// Whether number `n` gets a dense slot: slots stay within a few times the ids held.
    fn dense_fits(&self, n: usize) -> bool {
        n < self.dense.len() || n < (1 << 20).max(4 * self.dense_count)
    }

    fn inline(id: &str) -> Option<u128> {
        let b = id.as_bytes();
        let mut k = [0u8; 16];
        k.get_mut(1..=b.len())?.copy_from_slice(b);
        k[0] = b.len() as u8;
        Some(u128::from_le_bytes(k))
    }

    fn get(&self, id: &str) -> Option<NodeId> {
        if let Some(n) = IdMap::number(id) {
            match self.dense.get(n) {
                Some(&IdMap::NONE) | None if self.short.is_empty() => return None,
                Some(&IdMap::NONE) | None => {}
                Some(&node) => return Some(NodeId(node)),
            }
        }
        match IdMap::inline(id) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(id).copied(),
        }
    }

    /// Adds `id`; false when it was there already.
    fn insert(&mut self, id: &str, node: NodeId) -> bool {
        if let Some(n) = IdMap::number(id).filter(|&n| self.dense_fits(n)) {
            if self.dense.len() <= n {
                let len = (n + 1).max(self.dense.len() * 3 / 2);
                self.dense.resize(len, IdMap::NONE);
            }
            // A number that did not fit before may sit in `short`.
            let sparse = self.contains_sparse(id);
            if let Some(slot) = self.dense.get_mut(n) {
                if *slot != IdMap::NONE || sparse {
                    return false;
                }
                *slot = node.0;
                self.dense_count += 1;
                return true;
            }
        }
        if self.get(id).is_some() {
            return false;
        }
        match IdMap::inline(id) {
            Some(k) => self.short.insert(k, node).is_none(),
            None => self.long.insert(id.into(), node).is_none(),
        }
    }

    fn contains_sparse(&self, id: &str) -> bool {
        !self.short.is_empty() && IdMap::inline(id).is_some_and(|k| self.short.contains_key(&k))
    }

    fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
}

/// The loader: the graph, the ids created so far and the id spaces.
struct Loader<'g> {
    g: &'g mut Graph,
    undo: UndoLog,
    nodes: Vec<NodeId>,
    rels: Vec<RelId>,
    spaces: Vec<IdMap>,
    space_names: HashMap<Option<String>, usize>,
    report: ImportReport,
    skip_bad_rows: bool,
}

impl<'g> Loader<'g> {
    /// A loader writing into `g` in bulk mode (see [`Graph::begin_bulk`]); end it with
    /// [`Loader::finish`].
    fn new(g: &'g mut Graph, skip_bad_rows: bool) -> Loader<'g> {
        g.begin_bulk();
        Loader {
            g,
            undo: UndoLog::new(),
            nodes: Vec::new(),
            rels: Vec::new(),
            spaces: Vec::new(),
            space_names: HashMap::new(),
            report: ImportReport::default(),
            skip_bad_rows,
        }
    }

    fn space(&mut self, name: Option<&str>) -> usize {
        let next = self.spaces.len();
        let i = *self
            .space_names
            .entry(name.map(str::to_string))
            .or_insert(next);
        if i == next {
            self.spaces.push(IdMap::default());
        }
        i
    }

    /// Moves the undo log into the id lists when it is long.
    fn flush(&mut self, force: bool) {
        if !force && self.undo.len() < BATCH {
            return;
        }
        for u in self.undo.drain(..) {
            match u {
                Undo::CreatedNode(id) => self.nodes.push(id),
                Undo::CreatedRel(id) => self.rels.push(id),
                _ => {}
            }
        }
    }

    /// Ends the load: the report when `outcome` is a success, else everything the import
    /// created is removed again and the error returned.
    fn finish(mut self, outcome: Result<()>) -> Result<ImportReport> {
        self.g.end_bulk();
        self.flush(true);
        if let Err(e) = outcome {
            let mut undo: UndoLog = self.nodes.iter().map(|n| Undo::CreatedNode(*n)).collect();
            undo.extend(self.rels.iter().map(|r| Undo::CreatedRel(*r)));
            self.g.rollback(&mut undo);
            return Err(e);
        }
        Ok(self.report)
    }

    /// Records a bad row, or fails with it when bad rows are not skipped.
    fn bad_row(&mut self, file: &str, line: u64, e: Error) -> Result<()> {
        if !self.skip_bad_rows {
            return Err(Error {
                message: format!("{file}:{line}: {}", e.message),
                ..e
            });
        }
        self.report.bad_rows += 1;
        if self.report.first_bad_rows.len() < KEEP_BAD_ROWS {
            self.report.first_bad_rows.push(BadRow {
                file: file.to_string(),
                line,
                message: e.message,
            });
        }
        Ok(())
    }

    fn create_node(&mut self, labels: &[Sym], key: Option<&str>, props: Props) -> Result<NodeId> {
        self.report.properties += props.len() as u64;
        let id = self
            .g
            .create_node(labels, key.map(Arc::from), props, &mut self.undo)?;
        self.report.nodes += 1;
        self.flush(false);
        Ok(id)
    }

    fn create_rel(&mut self, start: NodeId, end: NodeId, ty: Sym, props: Props) -> Result<()> {
        self.report.properties += props.len() as u64;
        self.g.create_rel(start, end, ty, props, &mut self.undo)?;
        self.report.relationships += 1;
        self.flush(false);
        Ok(())
    }

    #[allow(clippy::indexing_slicing)] // id-space numbers are handed out by the header parser
    fn register_id(&mut self, space: usize, id: &str, node: NodeId) -> Result<()> {
        if !self.spaces[space].insert(id, node) {
            return Err(Error::new(
                ErrorKind::ConstraintVerificationFailed,
                format!("the id `{id}` is used by two nodes"),
            ));
        }
        Ok(())
    }

    #[allow(clippy::indexing_slicing)] // id-space numbers are handed out by the header parser
    fn lookup(&self, space: usize, id: &str) -> Result<NodeId> {
        self.spaces[space].get(id).ok_or_else(|| {
            Error::new(
                ErrorKind::EntityNotFound,
                format!("no node has the id `{id}`"),
            )
        })
    }
}

fn header_error(file: &str, message: String) -> Error {
    Error::new(ErrorKind::ArgumentError, format!("{file}:1: {message}")).with_detail(MALFORMED_CSV)
}

/// Splits `name:TYPE(space)` into its parts.
fn parse_header(
    loader: &mut Loader<'_>,
    file: &str,
    fields: &[&str],
    nodes: bool,
) -> Result<Vec<Column>> {
    let mut columns = Vec::with_capacity(fields.len());
    for f in fields {
        let (name, ty) = match f.rfind(':') {
            Some(i) if !f[i..].contains(')') || f[i..].contains('(') => (&f[..i], &f[i + 1..]),
            _ => (*f, ""),
        };
        let (ty, space) = match ty.split_once('(') {
            Some((t, rest)) => (t, rest.strip_suffix(')').map(str::to_string)),
            None => (ty, None),
        };
        let upper = ty.to_ascii_uppercase();
        let col = match (upper.as_str(), nodes) {
            ("ID", true) => {
                let prop = (!name.is_empty()).then(|| loader.g.syms.intern(name));
                Column::Id(loader.space(space.as_deref()), prop)
            }
            ("LABEL", true) => Column::Label,
            ("KEY", true) => Column::Key,
            ("START_ID", false) => Column::StartId(loader.space(space.as_deref())),
            ("END_ID", false) => Column::EndId(loader.space(space.as_deref())),
            ("TYPE", false) => Column::Type,
            ("IGNORE", _) => Column::Ignore,
            ("ID" | "LABEL" | "KEY" | "START_ID" | "END_ID" | "TYPE", _) => {
                return Err(header_error(
                    file,
                    format!(
                        "a {} file cannot have a `:{ty}` column",
                        if nodes { "node" } else { "relationship" }
                    ),
                ))
            }
            _ => {
                if name.is_empty() {
                    return Err(header_error(file, format!("column `{f}` has no name")));
                }
                let (base, array) = match ty.strip_suffix("[]") {
                    Some(b) => (b, true),
                    None => (ty, false),
                };
                let base = if base.is_empty() { "string" } else { base };
                // Check the type name now, not at the first row.
                if let Err(e) = parse_typed(base, "") {
                    if e.kind == ErrorKind::ArgumentError {
                        return Err(header_error(file, e.message));
                    }
                }
                Column::Property {
                    key: loader.g.syms.intern(name),
                    ty: base.to_ascii_lowercase(),
                    array,
                }
            }
        };
        columns.push(col);
    }
    let has = |p: fn(&Column) -> bool| columns.iter().any(p);
    let has_ends =
        has(|c| matches!(c, Column::StartId(_))) && has(|c| matches!(c, Column::EndId(_)));
    if !nodes && !has_ends {
        return Err(header_error(
            file,
            "a relationship file needs `:START_ID` and `:END_ID` columns".into(),
        ));
    }
    Ok(columns)
}

/// Parses a property field.
fn property(text: &str, ty: &str, array: bool, array_delimiter: char) -> Result<Value> {
    if array {
        let items = text
            .split(array_delimiter)
            .map(|t| parse_typed(ty, t))
            .collect::<Result<Vec<_>>>()?;
        Ok(Value::List(items))
    } else {
        parse_typed(ty, text)
    }
}

/// One file set being read: its header columns and name.
struct FileSet<'a> {
    columns: Vec<Column>,
    name: Option<&'a str>,
}

impl Database {
    /// Imports neo4j-admin style CSV files (see `docs/import-export.md`): all node files,
    /// then all relationship files. `progress` is called every few ten thousand rows.
    /// On an error without `skip_bad_rows` nothing is imported.
    pub fn import_csv(
        &self,
        options: &ImportOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ImportReport> {
        let total_bytes = options
            .nodes
            .iter()
            .chain(&options.relationships)
            .flat_map(|f| &f.paths)
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        self.with_graph_mut(|g| {
            let mut loader = Loader::new(g, options.skip_bad_rows);
            let mut state = Progress {
                total_bytes,
                ..Progress::default()
            };
            let mut run = |loader: &mut Loader<'_>, state: &mut Progress| -> Result<()> {
                for files in &options.nodes {
                    import_files(loader, files, true, options, state, progress)?;
                }
                // The nodes are all in: pack their properties before the relationships
                // come, and say so (a caller measuring the node phase sees it done).
                loader.g.pack_bulk();
                progress(state);
                for files in &options.relationships {
                    import_files(loader, files, false, options, state, progress)?;
                }
                Ok(())
            };
            let outcome = run(&mut loader, &mut state);
            loader.finish(outcome)
        })
    }

    /// Imports JSON Lines as [`export`](super::export) writes them: one object per line,
    /// `{"type":"node","id":..,"labels":[..],"key":..,"properties":{..}}` or
    /// `{"type":"relationship","label":"TYPE","start":..,"end":..,"properties":{..}}`
    /// (a relationship after its end nodes). `name` is used in error messages.
    pub fn import_jsonl(
        &self,
        input: impl BufRead,
        name: &str,
        skip_bad_rows: bool,
    ) -> Result<ImportReport> {
        self.with_graph_mut(|g| {
            let mut loader = Loader::new(g, skip_bad_rows);
            let space = loader.space(None);
            let run = || -> Result<()> {
                for (i, line) in input.lines().enumerate() {
                    let line_no = i as u64 + 1;
                    let line = line.map_err(|e| {
                        Error::new(ErrorKind::Io, format!("cannot read {name}: {e}"))
                    })?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    if let Err(e) = jsonl_line(&mut loader, space, &line) {
                        loader.bad_row(name, line_no, e)?;
                    }
                }
                Ok(())
            };
            let outcome = run();
            loader.finish(outcome)
        })
    }
}

fn jsonl_line(loader: &mut Loader<'_>, space: usize, line: &str) -> Result<()> {
    let bad = |m: &str| Error::new(ErrorKind::ArgumentError, m.to_string());
    let j: serde_json::Value =
        serde_json::from_str(line).map_err(|e| bad(&format!("not valid JSON: {e}")))?;
    let id_text = |v: Option<&serde_json::Value>| -> Result<String> {
        match v {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
            _ => Err(bad("a node id must be a string or a number")),
        }
    };
    let mut props = Props::default();
    if let Some(p) = j.get("properties") {
        let serde_json::Value::Object(m) = p else {
            return Err(bad("`properties` must be an object"));
        };
        for (k, v) in m {
            let value = from_json(v)?;
            crate::exec::check_storable(&value)?;
            props.set(loader.g.syms.intern(k), value);
        }
    }
    match j.get("type").and_then(|t| t.as_str()) {
        Some("node") => {
            let mut labels = Vec::new();
            for l in j
                .get("labels")
                .and_then(|l| l.as_array())
                .into_iter()
                .flatten()
            {
                let l = l.as_str().ok_or_else(|| bad("labels must be strings"))?;
                labels.push(loader.g.syms.intern(l));
            }
            let key = j.get("key").and_then(|k| k.as_str());
            let id = id_text(j.get("id"))?;
            #[allow(clippy::indexing_slicing)] // `space` comes from the header parser
            let taken = loader.spaces[space].contains(&id);
            if taken {
                return Err(Error::new(
                    ErrorKind::ConstraintVerificationFailed,
                    format!("the id `{id}` is used by two nodes"),
                ));
            }
            let node = loader.create_node(&labels, key, props)?;
            loader.register_id(space, &id, node)
        }
        Some("relationship") => {
            let ty = j
                .get("label")
                .and_then(|t| t.as_str())
                .ok_or_else(|| bad("a relationship needs its type in `label`"))?;
            let start = loader.lookup(space, &id_text(j.get("start"))?)?;
            let end = loader.lookup(space, &id_text(j.get("end"))?)?;
            let ty = loader.g.syms.intern(ty);
            loader.create_rel(start, end, ty, props)
        }
        _ => Err(bad("`type` must be \"node\" or \"relationship\"")),
    }
}

/// Imports one `--nodes` or `--relationships` argument.
fn import_files(
    loader: &mut Loader<'_>,
    files: &CsvFiles,
    nodes: bool,
    options: &ImportOptions,
    state: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
) -> Result<()> {
    let mut set: Option<FileSet<'_>> = None;
    let file_labels: Vec<Sym> = match (&files.name, nodes) {
        (Some(n), true) => n
            .split(':')
            .filter(|l| !l.is_empty())
            .map(|l| loader.g.syms.intern(l))
            .collect(),
        _ => Vec::new(),
    };
    let file_type = match (&files.name, nodes) {
        (Some(t), false) => Some(loader.g.syms.intern(t)),
        _ => None,
    };
    let array_delimiter = char::from(options.array_delimiter);
    let mut rows = 0u64;
    for path in &files.paths {
        let name = path.display().to_string();
        let mut reader = open_reader(path, options.delimiter, true)?;
        let mut record = csv::ByteRecord::new();
        let base_bytes = state.bytes;
        loop {
            let more = reader
                .read_byte_record(&mut record)
                .map_err(|e| from_csv_error(&name, &e));
            let line = record.position().map_or(0, |p| p.line());
            match more {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    loader.bad_row(&name, line, e)?;
                    continue;
                }
            }
            let Some(fs) = &set else {
                let fields: Vec<&str> = (0..record.len())
                    .map(|i| field(&record, i, &name))
                    .collect::<Result<_>>()?;
                set = Some(FileSet {
                    columns: parse_header(loader, &name, &fields, nodes)?,
                    name: files.name.as_deref(),
                });
                continue;
            };
            let outcome = if record.len() != fs.columns.len() {
                Err(Error::new(
                    ErrorKind::ArgumentError,
                    format!(
                        "expected {} fields, found {}",
                        fs.columns.len(),
                        record.len()
                    ),
                )
                .with_detail(MALFORMED_CSV))
            } else if nodes {
                node_row(
                    loader,
                    &fs.columns,
                    &record,
                    &name,
                    &file_labels,
                    array_delimiter,
                    options.integer_ids,
                )
            } else {
                rel_row(loader, fs, &record, &name, file_type, array_delimiter)
            };
            if let Err(e) = outcome {
                loader.bad_row(&name, line, e)?;
            }
            rows += 1;
            if rows.is_multiple_of(PROGRESS_EVERY) {
                state.bytes = base_bytes + record.position().map_or(0, |p| p.byte());
                state.nodes = loader.report.nodes;
                state.relationships = loader.report.relationships;
                progress(state);
            }
        }
        state.bytes = base_bytes + std::fs::metadata(path).map_or(0, |m| m.len());
        state.nodes = loader.report.nodes;
        state.relationships = loader.report.relationships;
        progress(state);
    }
    Ok(())
}

fn node_row(
    loader: &mut Loader<'_>,
    columns: &[Column],
    record: &csv::ByteRecord,
    name: &str,
    file_labels: &[Sym],
    array_delimiter: char,
    integer_ids: bool,
) -> Result<()> {
    let mut labels = file_labels.to_vec();
    let mut props = Props::default();
    let mut key = None;
    let mut id = None;
    for (i, col) in columns.iter().enumerate() {
        let text = field(record, i, name)?;
        if text.is_empty() {
            continue;
        }
        match col {
            Column::Id(space, prop) => {
                #[allow(clippy::indexing_slicing)] // `space` comes from the header parser
                let taken = loader.spaces[*space].contains(text);
                if taken {
                    return Err(Error::new(
                        ErrorKind::ConstraintVerificationFailed,
                        format!("the id `{text}` is used by two nodes"),
                    ));
                }
                id = Some((*space, text));
                if let Some(p) = prop {
                    let v = if integer_ids {
                        parse_typed("long", text)?
                    } else {
                        Value::String(text.into())
                    };
                    props.set(*p, v);
                }
            }
            Column::Label => {
                for l in text.split(array_delimiter).filter(|l| !l.is_empty()) {
                    labels.push(loader.g.syms.intern(l));
                }
            }
            Column::Key => key = Some(text),
            Column::Property { key, ty, array } => {
                let v = property(text, ty, *array, array_delimiter)?;
                props.set(*key, v);
            }
            _ => {}
        }
    }
    let node = loader.create_node(&labels, key, props)?;
    if let Some((space, text)) = id {
        loader.register_id(space, text, node)?;
    }
    Ok(())
}

fn rel_row(
    loader: &mut Loader<'_>,
    fs: &FileSet<'_>,
    record: &csv::ByteRecord,
    name: &str,
    file_type: Option<Sym>,
    array_delimiter: char,
) -> Result<()> {
    let (mut start, mut end, mut ty) = (None, None, file_type);
    let mut props = Props::default();
    for (i, col) in fs.columns.iter().enumerate() {
        let text = field(record, i, name)?;
        match col {
            Column::StartId(space) => start = Some(loader.lookup(*space, text)?),
            Column::EndId(space) => end = Some(loader.lookup(*space, text)?),
            Column::Type if !text.is_empty() => ty = Some(loader.g.syms.intern(text)),
            Column::Property { key, ty, array } if !text.is_empty() => {
                let v = property(text, ty, *array, array_delimiter)?;
                props.set(*key, v);
            }
            _ => {}
        }
    }
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Error::internal("relationship row without its ends"));
    };
    let ty = ty.ok_or_else(|| {
        Error::new(
            ErrorKind::ArgumentError,
            format!(
                "the relationship has no type: give one in a `:TYPE` column or as {}=FILE",
                fs.name.unwrap_or("TYPE")
            ),
        )
    })?;
    loader.create_rel(start, end, ty, props)
}

#[cfg(test)]
mod tests {
    use super::IdMap;
    use crate::value::NodeId;

    #[test]
    fn id_map_keeps_numbers_and_strings_apart() {
        let mut m = IdMap::default();
        assert!(m.insert("7", NodeId(1)));
        assert!(m.insert("07", NodeId(2)));
        assert!(m.insert("x7", NodeId(3)));
        assert!(m.insert("0", NodeId(4)));
        assert!(!m.insert("7", NodeId(9)));
        assert!(!m.insert("07", NodeId(9)));
        assert_eq!(m.get("7"), Some(NodeId(1)));
        assert_eq!(m.get("07"), Some(NodeId(2)));
        assert_eq!(m.get("x7"), Some(NodeId(3)));
        assert_eq!(m.get("0"), Some(NodeId(4)));
        assert_eq!(m.get("8"), None);
        assert_eq!(m.get(""), None);
    }

    #[test]
    fn id_map_numbers_too_far_for_slots_still_resolve() {
        let mut m = IdMap::default();
        // Far beyond the dense bound of an almost empty map: kept in the hash map.
        assert!(m.insert("900000000", NodeId(1)));
        assert!(m.insert("1", NodeId(2)));
        // A long id is not a number slot either.
        assert!(m.insert("12345678901234567890", NodeId(3)));
        assert_eq!(m.get("900000000"), Some(NodeId(1)));
        assert_eq!(m.get("1"), Some(NodeId(2)));
        assert_eq!(m.get("12345678901234567890"), Some(NodeId(3)));
        assert!(!m.insert("900000000", NodeId(4)));
        // Grow the dense part past a number first held sparsely: still one entry for it.
        let mut m = IdMap::default();
        assert!(m.insert("2000000", NodeId(1)));
        for i in 0..600_000u32 {
            assert!(m.insert(&i.to_string(), NodeId(i + 10)));
        }
        assert!(!m.insert("2000000", NodeId(5)));
        assert_eq!(m.get("2000000"), Some(NodeId(1)));
        assert_eq!(m.get("599999"), Some(NodeId(600_009)));
    }
}
