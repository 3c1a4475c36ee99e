//! Reading CSV files in the neo4j-admin import header convention (`name:type` columns,
//! `:ID(space)`, `:START_ID(space)`, `:END_ID(space)`, `:LABEL`, `:TYPE`).

use std::path::{Path, PathBuf};

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// The node id in an ID space; also stored as property `name` when it has one.
    Id {
        name: String,
        space: String,
    },
    StartId(String),
    EndId(String),
    Label,
    Type,
    Property {
        name: String,
        ty: PropType,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropType {
    String,
    Int,
    Float,
}

/// The space of `ID(space)` (empty for a bare `ID`).
fn space(ty: &str, keyword: &str) -> Option<String> {
    let rest = ty.strip_prefix(keyword)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_prefix('(')?
        .strip_suffix(')')
        .map(str::to_string)
}

impl Column {
    pub fn parse(header: &str) -> Result<Column, String> {
        let (name, ty) = match header.rsplit_once(':') {
            Some((name, ty)) => (name.to_string(), ty),
            None => (header.to_string(), "string"),
        };
        if let Some(space) = space(ty, "ID") {
            return Ok(Column::Id { name, space });
        }
        if let Some(space) = space(ty, "START_ID") {
            return Ok(Column::StartId(space));
        }
        if let Some(space) = space(ty, "END_ID") {
            return Ok(Column::EndId(space));
        }
        let ty = match ty.to_ascii_lowercase().as_str() {
            "label" => return Ok(Column::Label),
            "type" => return Ok(Column::Type),
            "string" => PropType::String,
            "int" | "long" | "short" | "byte" => PropType::Int,
            "float" | "double" => PropType::Float,
            other => return Err(format!("column `{header}`: unsupported type `{other}`")),
        };
        Ok(Column::Property { name, ty })
    }
}

/// A CSV file's name and columns.
pub struct Header {
    pub path: PathBuf,
    pub columns: Vec<Column>,
}

/// An open CSV file: its header and a record reader.
pub struct Table {
    pub header: Header,
    pub reader: csv::Reader<std::fs::File>,
}

impl Table {
    pub fn open(path: &Path) -> Result<Table, String> {
        let mut reader =
            csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let columns = reader
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .iter()
            .map(Column::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Table {
            header: Header {
                path: path.to_path_buf(),
                columns,
            },
            reader,
        })
    }
}

impl Header {
    pub fn is_nodes(&self) -> bool {
        self.columns.iter().any(|c| matches!(c, Column::Id { .. }))
    }

    pub fn is_relationships(&self) -> bool {
        self.columns.iter().any(|c| matches!(c, Column::StartId(_)))
    }

    /// The index of the first column matching `f`.
    pub fn position(&self, f: impl Fn(&Column) -> bool) -> Option<usize> {
        self.columns.iter().position(f)
    }

    /// The index of property (or named id) column `name`.
    pub fn property(&self, name: &str) -> Result<usize, String> {
        self.position(|c| match c {
            Column::Property { name: n, .. } | Column::Id { name: n, .. } => n == name,
            _ => false,
        })
        .ok_or_else(|| format!("{}: no column `{name}`", self.path.display()))
    }
}

/// The CSV files of `dir`, node files first, each group in name order.
pub fn tables(dir: &Path) -> Result<(Vec<Table>, Vec<Table>), String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    let mut nodes = Vec::new();
    let mut relationships = Vec::new();
    for path in paths {
        let table = Table::open(&path)?;
        if table.header.is_nodes() {
            nodes.push(table);
        } else if table.header.is_relationships() {
            relationships.push(table);
        }
    }
    Ok((nodes, relationships))
}

/// An integer field, with the file and line in the error.
pub fn int(record: &csv::StringRecord, index: usize, path: &Path) -> Result<i64, String> {
    let text = record.get(index).unwrap_or("");
    text.parse().map_err(|_| {
        let line = record.position().map_or(0, |p| p.line());
        format!("{}:{line}: `{text}` is not an integer", path.display())
    })
}
