//! Durable storage: a snapshot file plus a write-ahead log beside it (`<file>-wal`).
//!
//! - Opening loads the snapshot, replays the log and drops a torn tail (with a warning).
//! - Each committed write transaction appends one log record before its commit returns
//!   (and, in `SyncMode::Full`, fsyncs it).
//! - A checkpoint writes a new snapshot (temporary file, fsync, rename, fsync of the folder)
//!   with the next generation number, then empties the log and stamps it with that number; a
//!   log whose generation is older than the snapshot's is stale (the crash came between the
//!   two steps) and is ignored.
//! - The log file carries the lock: exclusive for a writer, shared for read-only openers.
//!
//! The file formats are in `docs/storage.md`; bincode is confined to `storage/codec.rs`.

pub(crate) mod codec;
pub(crate) mod redo;
pub(crate) mod snapshot;
pub(crate) mod wal;

use std::fs::{File, OpenOptions as FsOpen};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::api::{OpenOptions, SyncMode};
use crate::error::{Error, ErrorKind, Result};
use crate::graph::{Graph, UndoLog};

pub(crate) fn corrupt(path: &Path, offset: u64, what: &str) -> Error {
    Error::new(
        ErrorKind::Corruption,
        format!("{} is damaged at byte {offset}: {what}", path.display()),
    )
}

pub(crate) fn io_error(path: &Path, action: &str, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("cannot {action} {}: {e}", path.display()),
    )
}

/// The 24-byte header both files start with: magic (8 bytes), format version (u32), a
/// CRC-32 of the other fields (u32), the generation (u64); little endian.
pub(crate) fn file_header(magic: &[u8; 8], version: u32, generation: u64) -> [u8; 24] {
    let mut h = [0u8; 24];
    h[..8].copy_from_slice(magic);
    h[8..12].copy_from_slice(&version.to_le_bytes());
    h[16..24].copy_from_slice(&generation.to_le_bytes());
    let crc = header_crc(&h);
    h[12..16].copy_from_slice(&crc.to_le_bytes());
    h
}

fn header_crc(h: &[u8; 24]) -> u32 {
    let mut c = crc32fast::Hasher::new();
    c.update(&h[..12]);
    c.update(&h[16..24]);
    c.finalize()
}

/// The generation in a file header, or why the header is not one of ours.
pub(crate) fn parse_header(
    path: &Path,
    h: &[u8; 24],
    magic: &[u8; 8],
    version: u32,
    what: &str,
) -> Result<u64> {
    if &h[..8] != magic {
        return Err(corrupt(
            path,
            0,
            &format!("not a Baobab {what} (bad magic number)"),
        ));
    }
    let v = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
    let crc = u32::from_le_bytes([h[12], h[13], h[14], h[15]]);
    if crc != header_crc(h) {
        return Err(corrupt(
            path,
            12,
            &format!("the {what} header fails its checksum"),
        ));
    }
    if v != version {
        return Err(corrupt(
            path,
            8,
            &format!("unknown {what} format version {v} (this build reads {version})"),
        ));
    }
    let mut g = [0u8; 8];
    g.copy_from_slice(&h[16..24]);
    Ok(u64::from_le_bytes(g))
}

/// The log's path for the database file `path`.
pub fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// An open database file.
#[derive(Debug)]
pub(crate) struct Store {
    path: PathBuf,
    wal_path: PathBuf,
    /// The log, which also carries the lock; `None` for a read-only open without a log.
    wal: Option<File>,
    generation: u64,
    wal_len: u64,
    options: OpenOptions,
    buf: Vec<u8>,
    /// Set when a failed append could not be undone: no further writes are accepted.
    broken: Option<String>,
}

/// What opening a file yields.
pub(crate) struct Opened {
    pub store: Store,
    pub graph: Graph,
    pub warnings: Vec<String>,
}

/// Opens the log of the database `path` for appending, creating it when missing.
fn open_log(wal_path: &Path) -> Result<File> {
    FsOpen::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(wal_path)
        .map_err(|e| io_error(wal_path, "open", e))
}

/// Takes the database's lock on its log: shared for readers, exclusive for the writer.
fn lock_log(log: &File, path: &Path, wal_path: &Path, read_only: bool) -> Result<()> {
    let locked = if read_only {
        log.try_lock_shared()
    } else {
        log.try_lock()
    };
    match locked {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => {
            let how = if read_only { "read" } else { "write" };
            Err(Error::new(
                ErrorKind::Locked,
                format!(
                    "cannot open {} to {how}: another process has it open for writing{}",
                    path.display(),
                    if read_only { "" } else { " or reading" }
                ),
            ))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io_error(wal_path, "lock", e)),
    }
}

impl Store {
    /// Opens (or creates) the database `path`. An open that fails takes back the log it
    /// created: a file that is not a database (a script given by mistake) is left with
    /// nothing beside it.
    pub(crate) fn open(path: &Path, options: &OpenOptions) -> Result<Opened> {
        let wal_path = wal_path(path);
        let creates_log = !options.read_only && matches!(wal_path.try_exists(), Ok(false));
        let opened = Self::open_at(path, wal_path.clone(), options);
        if opened.is_err() && creates_log {
            // Best effort: the error at hand is the one to report.
            let _ = std::fs::remove_file(&wal_path);
        }
        opened
    }

    fn open_at(path: &Path, wal_path: PathBuf, options: &OpenOptions) -> Result<Opened> {
        let read_only = options.read_only;
        let mut wal = if read_only {
            match File::open(&wal_path) {
                Ok(f) => Some(f),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(io_error(&wal_path, "open", e)),
            }
        } else {
            Some(open_log(&wal_path)?)
        };
        if let Some(f) = &wal {
            lock_log(f, path, &wal_path, read_only)?;
        }
        let scan = match &mut wal {
            Some(f) => Some(wal::scan(&wal_path, f)?),
            None => None,
        };
        // A file of no bytes is a new database, as sqlite3 takes one (made by `touch`, or
        // by a program that creates the file before handing over its name). A snapshot is
        // never empty: it is written whole beside its file and renamed over it.
        let (exists, empty) = match std::fs::metadata(path) {
            Ok(m) => (true, m.len() == 0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, false),
            Err(e) => return Err(io_error(path, "look for", e)),
        };
        let mut warnings = Vec::new();
        let (mut graph, generation, fresh) = if exists && !empty {
            let loaded = snapshot::read(path)?;
            (loaded.graph, loaded.generation, false)
        } else {
            if read_only && !exists {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!("cannot open {}: no such database file", path.display()),
                ));
            }
            let what = if empty { "empty" } else { "missing" };
            // A log that follows a checkpointed snapshot: the database was there, and its
            // snapshot is lost (truncated by a crash with synchronous writes off, say).
            if let Some(g) = scan.as_ref().and_then(|s| s.generation).filter(|g| *g > 0) {
                let hint = if empty {
                    String::new()
                } else {
                    format!(
                        " (if the database was deleted on purpose, delete {} too)",
                        wal_path.display()
                    )
                };
                return Err(corrupt(
                    &wal_path,
                    16,
                    &format!(
                        "the log follows snapshot generation {g} but its snapshot file is {what}{hint}"
                    ),
                ));
            }
            if scan.as_ref().is_some_and(|s| !s.records.is_empty()) {
                return Err(corrupt(
                    &wal_path,
                    0,
                    &format!("the log holds records but its snapshot file is {what}"),
                ));
            }
            (Graph::new(), 0, true)
        };
        let mut good_len = wal::HEADER_LEN;
        let mut reset =
            fresh || wal.is_some() && scan.as_ref().is_none_or(|s| s.generation.is_none());
        if let Some(scan) = scan {
            match scan.generation {
                Some(g) if g == generation => {
                    for (i, (offset, record)) in scan.records.into_iter().enumerate() {
                        redo::apply(&mut graph, record).map_err(|e| {
                            corrupt(
                                &wal_path,
                                offset,
                                &format!("record {} does not fit the snapshot: {e}", i + 1),
                            )
                        })?;
                    }
                    good_len = scan.good_len;
                    if let Some(torn) = scan.torn {
                        warnings.push(format!(
                            "{}: dropped an incomplete last record ({torn}); every earlier commit was recovered",
                            wal_path.display()
                        ));
                    }
                }
                Some(g) if g < generation => reset = true,
                Some(g) => {
                    return Err(corrupt(
                        &wal_path,
                        16,
                        &format!(
                            "the log follows snapshot generation {g} but the snapshot is generation {generation}"
                        ),
                    ))
                }
                None => {
                    if let Some(torn) = scan.torn {
                        warnings.push(format!("{}: {torn}", wal_path.display()));
                    }
                }
            }
        }
        let sync = options.sync != SyncMode::Off;
        let mut store = Store {
            path: path.to_path_buf(),
            wal_path,
            wal,
            generation,
            wal_len: good_len,
            options: options.clone(),
            buf: Vec::new(),
            broken: None,
        };
        if !read_only {
            if fresh {
                write_snapshot(path, &graph, generation, sync)?;
            }
            let (f, wal_path) = store.wal_file()?;
            if reset {
                wal::reset(wal_path, f, generation, sync)?;
                store.wal_len = wal::HEADER_LEN;
            } else {
                f.set_len(good_len)
                    .map_err(|e| io_error(wal_path, "truncate", e))?;
                f.seek(SeekFrom::Start(good_len))
                    .map_err(|e| io_error(wal_path, "seek in", e))?;
            }
        }
        Ok(Opened {
            store,
            graph,
            warnings,
        })
    }

    fn wal_file(&mut self) -> Result<(&mut File, &Path)> {
        match &mut self.wal {
            Some(f) => Ok((f, &self.wal_path)),
            None => Err(Error::internal("the log is not open")),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn checkpoint_on_close(&self) -> bool {
        self.options.checkpoint_on_close
    }

    pub(crate) fn read_only(&self) -> bool {
        self.options.read_only
    }

    /// Whether the log has grown past the checkpoint threshold.
    pub(crate) fn wants_checkpoint(&self) -> bool {
        !self.options.read_only && self.wal_len > self.options.checkpoint_bytes
    }

    /// Whether the log holds any record.
    pub(crate) fn has_log(&self) -> bool {
        self.wal_len > wal::HEADER_LEN
    }

    /// Whether writes are accepted: not on a read-only open, nor after a failed append
    /// that could not be undone.
    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.options.read_only {
            return Err(Error::new(
                ErrorKind::TransactionError,
                format!(
                    "{} is open read-only: writes are refused",
                    self.path.display()
                ),
            ));
        }
        if let Some(why) = &self.broken {
            return Err(Error::new(
                ErrorKind::Io,
                format!("writes are refused since an earlier failure: {why}"),
            ));
        }
        Ok(())
    }

    /// Makes the transaction whose changes are `undo` durable (call before the purge). On
    /// error nothing was logged and the caller must roll the transaction back.
    pub(crate) fn commit(&mut self, g: &Graph, undo: &UndoLog) -> Result<()> {
        if undo.is_empty() {
            return Ok(());
        }
        self.check_writable()?;
        let Some(record) = redo::record_of(g, undo) else {
            return Ok(());
        };
        let mut buf = std::mem::take(&mut self.buf);
        let framed =
            wal::frame(&record, &mut buf).map_err(|e| Error::new(ErrorKind::ResourceLimit, e));
        let result = framed.and_then(|()| self.append(&buf));
        self.buf = buf;
        result
    }

    fn append(&mut self, bytes: &[u8]) -> Result<()> {
        let full = self.options.sync == SyncMode::Full;
        let len = self.wal_len;
        let (f, wal_path) = self.wal_file()?;
        let written = f
            .write_all(bytes)
            .and_then(|()| if full { f.sync_data() } else { Ok(()) });
        match written {
            Ok(()) => {
                self.wal_len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                let err = io_error(wal_path, "append to", e);
                // Take the partial record back off, or refuse all further writes.
                let undone = f
                    .set_len(len)
                    .and_then(|()| f.seek(SeekFrom::Start(len)).map(|_| ()));
                if let Err(e2) = undone {
                    self.broken = Some(format!("{}; then: {e2}", err.message));
                }
                Err(err)
            }
        }
    }

    /// Writes a new snapshot of `g` and empties the log.
    pub(crate) fn checkpoint(&mut self, g: &mut Graph) -> Result<()> {
        if self.options.read_only {
            return Ok(());
        }
        if let Some(why) = &self.broken {
            return Err(Error::new(
                ErrorKind::Io,
                format!("cannot checkpoint since an earlier failure: {why}"),
            ));
        }
        check_holes(g)?;
        g.canonicalize_holes();
        let sync = self.options.sync != SyncMode::Off;
        let next = self.generation + 1;
        write_snapshot(&self.path, g, next, sync)?;
        self.generation = next;
        let (f, wal_path) = self.wal_file()?;
        let reset = wal::reset(wal_path, f, next, sync);
        if let Err(e) = &reset {
            // The snapshot holds everything; the stale log is ignored on the next open.
            self.broken = Some(e.message.clone());
        }
        reset?;
        self.wal_len = wal::HEADER_LEN;
        Ok(())
    }
}

/// Writes a snapshot of `g` to `path` atomically: into a temporary file in the same folder,
/// fsynced, renamed over `path`, then the folder fsynced.
pub(crate) fn write_snapshot(path: &Path, g: &Graph, generation: u64, sync: bool) -> Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| io_error(&tmp, "create", e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        snapshot::write(g, generation, &mut out).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot write {}: {e}", tmp.display()),
            )
        })?;
        let file = out
            .into_inner()
            .map_err(|e| io_error(&tmp, "write", e.into_error()))?;
        if sync {
            file.sync_all().map_err(|e| io_error(&tmp, "sync", e))?;
        }
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| io_error(path, "replace", e))?;
        if sync {
            sync_folder(path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Makes a rename in `path`'s folder durable.
fn sync_folder(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error(dir, "sync the folder", e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Refuses to snapshot a graph with more unused ids than a snapshot may hold (a loader
/// would refuse the file).
fn check_holes(g: &Graph) -> Result<()> {
    let holes = (
        u64::from(g.node_bound()).saturating_sub(g.node_count() as u64),
        u64::from(g.rel_bound()).saturating_sub(g.rel_count() as u64),
    );
    if holes.0 > snapshot::MAX_HOLES || holes.1 > snapshot::MAX_HOLES {
        return Err(Error::new(
        ErrorKind::ResourceLimit,
        format!(
            "cannot checkpoint: {} unused node ids and {} unused relationship ids exceed the {} a snapshot may hold; the log keeps every commit",
            holes.0,
            holes.1,
            snapshot::MAX_HOLES
        ),
        ));
    }
    Ok(())
}

/// Writes `g` as a new database file at `path` (with an empty log), refusing when another
/// process has a database open there.
pub(crate) fn save_as(path: &Path, g: &Graph) -> Result<()> {
    let wal_path = wal_path(path);
    let mut wal = open_log(&wal_path)?;
    lock_log(&wal, path, &wal_path, false)?;
    // A fresh generation that no log lying around can claim to follow.
    let generation = match wal::scan(&wal_path, &mut wal) {
        Ok(s) => s.generation.unwrap_or(0) + 1,
        Err(_) => 1,
    };
    check_holes(g)?;
    write_snapshot(path, g, generation, true)?;
    wal::reset(&wal_path, &mut wal, generation, true)
}

/// Entry points for fuzzing the decoders on bytes in memory. Each returns whether the
/// input was accepted; none may panic, whatever the bytes.
#[doc(hidden)]
pub mod fuzzing {
    use std::path::Path;

    use super::{snapshot, wal};

    /// Decodes `bytes` as a whole snapshot file.
    pub fn snapshot(bytes: &[u8]) -> bool {
        snapshot::read_from(Path::new("<fuzz>"), &mut &bytes[..], bytes.len() as u64).is_ok()
    }

    /// Decodes `payload` as the items of a snapshot's single chunk, wrapped in a valid header
    /// and checksum so that the item decoder and the graph rebuilding are reached.
    pub fn snapshot_payload(payload: &[u8]) -> bool {
        let mut file = super::file_header(snapshot::MAGIC, snapshot::VERSION, 0).to_vec();
        file.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        file.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        file.extend_from_slice(payload);
        snapshot(&file)
    }

    /// Decodes `bytes` as a whole log file and replays it on an empty graph.
    pub fn log(bytes: &[u8]) -> bool {
        let Ok(scan) = wal::scan_from(Path::new("<fuzz>"), &mut &bytes[..], bytes.len() as u64)
        else {
            return false;
        };
        let mut g = crate::graph::Graph::new();
        scan.records
            .into_iter()
            .all(|(_, r)| super::redo::apply(&mut g, r).is_ok())
    }

    /// Decodes `payload` as one log record, framed with a valid header and checksum, and
    /// replays it on an empty graph.
    pub fn log_payload(payload: &[u8]) -> bool {
        let mut file = super::file_header(wal::MAGIC, wal::VERSION, 0).to_vec();
        let len = payload.len() as u32;
        file.extend_from_slice(&len.to_le_bytes());
        file.extend_from_slice(&wal::length_check(len).to_le_bytes());
        file.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        file.extend_from_slice(payload);
        log(&file)
    }
}

/// Support for benchmarks and tests outside the crate.
#[doc(hidden)]
pub mod testing {
    use crate::graph::{Graph, Props, UndoLog};
    use crate::value::{NodeId, Value};
    use crate::Database;

    /// A synthetic graph built without Cypher: `nodes` `:Person {id, name, score}` nodes and
    /// `rels` `:KNOWS {since}` relationships between pseudo-random pairs.
    pub fn synthetic(nodes: u32, rels: u64, seed: u64) -> Database {
        let mut g = Graph::new();
        let mut undo = UndoLog::new();
        let person = g.syms.intern("Person");
        let knows = g.syms.intern("KNOWS");
        let (id, name, score, since) = (
            g.syms.intern("id"),
            g.syms.intern("name"),
            g.syms.intern("score"),
            g.syms.intern("since"),
        );
        for i in 0..nodes {
            let mut props = Props::default();
            props.set(id, Value::Int(i64::from(i)));
            props.set(name, Value::String(format!("person {i}").into()));
            props.set(score, Value::Float(f64::from(i) * 0.25));
            if g.create_node(&[person], None, props, &mut undo).is_err() {
                break;
            }
            undo.clear();
        }
        let mut x = seed | 1;
        for r in 0..rels {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let a = (x % u64::from(nodes.max(1))) as u32;
            let b = ((x >> 32) % u64::from(nodes.max(1))) as u32;
            let mut props = Props::default();
            props.set(since, Value::Int(2000 + (r % 25) as i64));
            if g.create_rel(NodeId(a), NodeId(b), knows, props, &mut undo)
                .is_err()
            {
                break;
            }
            undo.clear();
        }
        Database::with_graph(g)
    }
}
