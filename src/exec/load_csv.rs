//! LOAD CSV: rows of a CSV file, read as the operator is pulled (never the whole file).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::plan::{CExpr, Slot};
use crate::value::Value;

use super::eval::set_slot;
use super::{Cx, Op, Operator, Row};

/// Detail code of a file LOAD CSV cannot open or read.
pub const EXTERNAL_RESOURCE_FAILED: &str = "ExternalResourceFailed";
/// Detail code of a row that is not valid CSV (bad UTF-8, wrong number of fields).
pub const MALFORMED_CSV: &str = "MalformedCsv";

/// Resolves a LOAD CSV location: `file:///abs/path` and absolute paths as they are,
/// anything else relative to `base` (the current folder when `None`).
pub fn resolve(url: &str, base: Option<&Path>) -> Result<PathBuf> {
    let path = if let Some(rest) = url.strip_prefix("file://") {
        // file:///abs -> /abs; file://relative is taken as relative.
        rest
    } else if let Some(rest) = url.strip_prefix("file:") {
        rest
    } else if url.contains("://") {
        return Err(Error::new(
            ErrorKind::Io,
            format!("cannot load `{url}`: only local files (file:/// or a path) can be loaded"),
        )
        .with_detail(EXTERNAL_RESOURCE_FAILED)
        .at_runtime());
    } else {
        url
    };
    let path = Path::new(path);
    Ok(match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_path_buf(),
    })
}

/// An open CSV file: its reader, header names and where errors point.
struct Source {
    reader: csv::Reader<BufReader<File>>,
    headers: Option<Vec<Arc<str>>>,
    name: String,
    record: csv::ByteRecord,
}

/// A row-level CSV error at `line` of `name`.
pub fn csv_error(name: &str, line: u64, message: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::ArgumentError,
        format!("{name}:{line}: {message}"),
    )
    .with_detail(MALFORMED_CSV)
    .at_runtime()
}

fn io_error(name: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Io, format!("cannot read {name}: {e}"))
        .with_detail(EXTERNAL_RESOURCE_FAILED)
        .at_runtime()
}

/// Converts a csv crate error into one that names the file and line.
pub fn from_csv_error(name: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::Io(io) => io_error(name, io),
        csv::ErrorKind::Utf8 { .. } => csv_error(name, line, "the row is not valid UTF-8"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => csv_error(
            name,
            line,
            format!("expected {expected_len} fields, found {len}"),
        ),
        _ => csv_error(name, line, e),
    }
}

/// Opens a CSV reader over `path` with `delimiter`; a UTF-8 byte order mark is skipped.
/// Quotes are `"`, doubled inside a quoted field.
pub fn open_reader(
    path: &Path,
    delimiter: u8,
    flexible: bool,
) -> Result<csv::Reader<BufReader<File>>> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| io_error(&name, e))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(flexible)
        .from_reader(BufReader::with_capacity(1 << 16, file)))
}

/// The text of field `i` of `record` (BOM-free), or a malformed-row error.
pub fn field<'r>(record: &'r csv::ByteRecord, i: usize, name: &str) -> Result<&'r str> {
    let bytes = record.get(i).unwrap_or_default();
    let bytes = match (i, record.position()) {
        (0, Some(p)) if p.byte() == 0 => bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
        _ => bytes,
    };
    std::str::from_utf8(bytes).map_err(|_| {
        let line = record.position().map_or(0, |p| p.line());
        csv_error(name, line, format!("field {} is not valid UTF-8", i + 1))
    })
}

impl Source {
    fn open(path: &Path, delimiter: u8, headers: bool) -> Result<Source> {
        let name = path.display().to_string();
        let mut reader = open_reader(path, delimiter, !headers)?;
        let mut record = csv::ByteRecord::new();
        let headers = if headers {
            if !reader
                .read_byte_record(&mut record)
                .map_err(|e| from_csv_error(&name, &e))?
            {
                Some(Vec::new())
            } else {
                let mut names = Vec::with_capacity(record.len());
                for i in 0..record.len() {
                    names.push(Arc::from(field(&record, i, &name)?));
                }
                Some(names)
            }
        } else {
            None
        };
        Ok(Source {
            reader,
            headers,
            name,
            record,
        })
    }

    /// The next row as a map (with headers) or a list; `None` at the end of the file.
    fn next_value(&mut self) -> Result<Option<Value>> {
        if !self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| from_csv_error(&self.name, &e))?
        {
            return Ok(None);
        }
        let text = |i| -> Result<Value> {
            let s = field(&self.record, i, &self.name)?;
            Ok(if s.is_empty() {
                Value::Null
            } else {
                Value::String(s.into())
            })
        };
        Ok(Some(match &self.headers {
            Some(names) => {
                let mut map = std::collections::BTreeMap::new();
                for (i, n) in names.iter().enumerate() {
                    map.insert(n.to_string(), text(i)?);
                }
                Value::Map(map)
            }
            None => Value::List((0..self.record.len()).map(text).collect::<Result<_>>()?),
        }))
    }
}

/// `LOAD CSV [WITH HEADERS] FROM url AS var [FIELDTERMINATOR c]`: for each input row, one
/// row per CSV record, read lazily.
pub(super) struct LoadCsv<'p> {
    input: Op<'p>,
    url: &'p CExpr,
    slot: Slot,
    headers: bool,
    delimiter: u8,
    current: Option<(Row, Source)>,
}

impl<'p> LoadCsv<'p> {
    pub(super) fn new(
        input: Op<'p>,
        url: &'p CExpr,
        slot: Slot,
        headers: bool,
        delimiter: u8,
    ) -> Self {
        LoadCsv {
            input,
            url,
            slot,
            headers,
            delimiter,
            current: None,
        }
    }
}

impl Operator for LoadCsv<'_> {
    fn next(&mut self, cx: &mut Cx<'_>) -> Result<Option<Row>> {
        loop {
            cx.tick()?;
            if let Some((row, source)) = &mut self.current {
                if let Some(v) = source.next_value()? {
                    let mut out = row.clone();
                    set_slot(&mut out, self.slot, v);
                    return Ok(Some(out));
                }
                self.current = None;
            }
            let Some(row) = self.input.next(cx)? else {
                return Ok(None);
            };
            let url = match cx.eval(self.url, &row)? {
                Value::String(s) => s,
                other => {
                    return Err(Error::runtime(
                        ErrorKind::TypeError,
                        crate::error::detail::INVALID_ARGUMENT_TYPE,
                        format!(
                            "LOAD CSV expects a STRING location, not {}",
                            other.type_name()
                        ),
                    ))
                }
            };
            let path = resolve(&url, cx.csv_base)?;
            let source = Source::open(&path, self.delimiter, self.headers)?;
            self.current = Some((row, source));
        }
    }
}
