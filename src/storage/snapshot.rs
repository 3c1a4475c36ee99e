//! Snapshot files: the whole graph, written atomically, read back in one pass.
//!
//! Layout: a 24-byte header (magic `BAOBABSN`, format version u32, reserved u32,
//! generation u64, all little endian), then chunks. A chunk is its payload length (u32), the
//! CRC-32 of the payload (u32) and the payload: whole encoded items, about 1 MiB of them. The
//! last item is `End`, carrying the node and relationship counts; nothing may follow its
//! chunk. Every chunk is checked before a byte of it is decoded.

use std::fs::File;
use std::io::{ErrorKind as IoKind, Read, Write};
use std::path::Path;

use crate::error::Result;
use crate::graph::{Graph, Holes, Sym};

use super::codec::{self, SchemaItem, SnapItem, SnapOut};
use super::redo;
use super::{corrupt, io_error};

pub(crate) const MAGIC: &[u8; 8] = b"BAOBABSN";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_LEN: usize = 24;
const CHUNK: usize = 1 << 20;

/// The most unused ids (of nodes, and of relationships) a snapshot may hold. Holes are
/// rebuilt as placeholders on load, so this bounds what a file can make the loader
/// allocate; a checkpoint that would exceed it is refused (the log keeps the data).
pub(crate) const MAX_HOLES: u64 = 1 << 24;

/// Writes chunks of encoded items to `out`, computing each chunk's checksum.
struct ChunkWriter<'a, W: Write> {
    out: &'a mut W,
    buf: Vec<u8>,
    written: u64,
}

impl<W: Write> ChunkWriter<'_, W> {
    fn item(&mut self, item: SnapOut<'_>) -> std::result::Result<(), String> {
        codec::encode_snap(&item, &mut self.buf)?;
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::result::Result<(), String> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if self.buf.len() > codec::MAX_RECORD {
            return Err("an item is too large to store".into());
        }
        let mut head = [0u8; 8];
        head[..4].copy_from_slice(&(self.buf.len() as u32).to_le_bytes());
        head[4..].copy_from_slice(&crc32fast::hash(&self.buf).to_le_bytes());
        self.out.write_all(&head).map_err(|e| e.to_string())?;
        self.out.write_all(&self.buf).map_err(|e| e.to_string())?;
        self.written += (head.len() + self.buf.len()) as u64;
        self.buf.clear();
        Ok(())
    }
}

/// Streams a snapshot of `g` into `out`; returns the bytes written.
pub(crate) fn write(
    g: &Graph,
    generation: u64,
    out: &mut impl Write,
) -> std::result::Result<u64, String> {
    out.write_all(&super::file_header(MAGIC, VERSION, generation))
        .map_err(|e| e.to_string())?;
    let mut w = ChunkWriter {
        out,
        buf: Vec::with_capacity(CHUNK + (CHUNK >> 2)),
        written: HEADER_LEN as u64,
    };
    w.item(SnapOut::Symbols(g.syms.names()))?;
    w.item(SnapOut::Bounds {
        nodes: g.node_bound(),
        rels: g.rel_bound(),
    })?;
    let mut nodes = 0u64;
    for (id, rec) in g.node_records() {
        w.item(SnapOut::Node(id.0, rec, g.key_of(id).map(|k| k.as_ref())))?;
        nodes += 1;
    }
    let mut rels = 0u64;
    for (id, start, end, rec) in g.rel_records() {
        w.item(SnapOut::Rel(id.0, start.0, end.0, rec, g.rel_props(id)))?;
        rels += 1;
    }
    let schema: Vec<SchemaItem> = g.schema_defs().into_iter().map(Into::into).collect();
    if !schema.is_empty() {
        w.item(SnapOut::Schema(&schema))?;
    }
    w.item(SnapOut::End { nodes, rels })?;
    w.flush()?;
    Ok(w.written)
}

/// A loaded snapshot.
pub(crate) struct Loaded {
    pub graph: Graph,
    pub generation: u64,
}

/// Rebuilds a graph item by item, keeping every id where it was.
struct Restorer {
    g: Graph,
    holes: Holes,
    undo: crate::graph::UndoLog,
    bounds: Option<(u32, u32)>,
    nodes: u64,
    rels: u64,
    schema: Vec<SchemaItem>,
    done: bool,
    /// The file's size: no more items than bytes can follow.
    size_hint: u32,
    /// Unused node and relationship id slots filled so far.
    hole_count: (u64, u64),
}

impl Restorer {
    fn item(&mut self, item: SnapItem) -> std::result::Result<(), String> {
        if self.done {
            return Err("items after the end marker".into());
        }
        if self.undo.len() > 4096 {
            self.undo.clear();
        }
        match item {
            SnapItem::Symbols(names) => {
                for (i, n) in names.iter().enumerate() {
                    if self.g.syms.intern(n) as usize != i {
                        return Err(format!("the name `{n}` appears twice in the symbol table"));
                    }
                }
            }
            SnapItem::Bounds { nodes, rels } => {
                if self.bounds.is_some() {
                    return Err("the id bounds appear twice".into());
                }
                // Trust the bounds for allocation only as far as the file could hold them.
                self.g
                    .reserve_empty(nodes.min(self.size_hint), rels.min(self.size_hint));
                self.g.begin_bulk();
                self.bounds = Some((nodes, rels));
            }
            SnapItem::Node(item) => {
                let (bound, _) = self.bounds.ok_or("a node before the id bounds")?;
                let id = item.id;
                if id >= bound || id < self.g.node_bound() {
                    return Err(format!("node {id} is out of order or out of bounds"));
                }
                self.claim_holes(id - self.g.node_bound(), 0)?;
                self.g.fill_holes(id, 0, &mut self.holes);
                let known = self.g.syms.names().len();
                redo::create_node_as(&mut self.g, item, &symbol(known), &mut self.undo)?;
                self.nodes += 1;
            }
            SnapItem::Rel(item) => {
                let (_, bound) = self.bounds.ok_or("a relationship before the id bounds")?;
                let id = item.id;
                if id >= bound || id < self.g.rel_bound() {
                    return Err(format!(
                        "relationship {id} is out of order or out of bounds"
                    ));
                }
                if self.rels == 0 {
                    // The nodes are all in (they come first): pack their properties.
                    self.g.pack_bulk();
                }
                self.claim_holes(0, id - self.g.rel_bound())?;
                self.g.fill_holes(0, id, &mut self.holes);
                let known = self.g.syms.names().len();
                redo::create_rel_as(&mut self.g, item, &symbol(known), &mut self.undo)?;
                self.rels += 1;
            }
            SnapItem::Schema(items) => self.schema = items,
            SnapItem::End { nodes, rels } => {
                if (nodes, rels) != (self.nodes, self.rels) {
                    return Err(format!(
                        "the end marker counts {nodes} nodes and {rels} relationships, the file holds {} and {}",
                        self.nodes, self.rels
                    ));
                }
                let (nb, rb) = self.bounds.ok_or("no id bounds")?;
                self.claim_holes(
                    nb.saturating_sub(self.g.node_bound()),
                    rb.saturating_sub(self.g.rel_bound()),
                )?;
                self.g.fill_holes(nb, rb, &mut self.holes);
                self.g.clear_holes(std::mem::take(&mut self.holes));
                self.g.end_bulk();
                let defs = std::mem::take(&mut self.schema);
                self.g
                    .replace_schema_defs(defs.into_iter().map(Into::into).collect())
                    .map_err(|e| e.message)?;
                self.done = true;
            }
        }
        Ok(())
    }

    /// Counts unused id slots about to be filled; more than [`MAX_HOLES`] of a kind is a
    /// damaged (or forged) file, refused before it can claim unbounded memory.
    fn claim_holes(&mut self, nodes: u32, rels: u32) -> std::result::Result<(), String> {
        self.hole_count.0 += u64::from(nodes);
        self.hole_count.1 += u64::from(rels);
        if self.hole_count.0 > MAX_HOLES || self.hole_count.1 > MAX_HOLES {
            return Err(format!(
                "more than {MAX_HOLES} unused node or relationship ids claimed"
            ));
        }
        Ok(())
    }
}

/// A snapshot's name numbers are symbols: any below `known` (the symbol table's size).
fn symbol(known: usize) -> impl Fn(u32) -> std::result::Result<Sym, String> {
    move |s| {
        if (s as usize) < known {
            Ok(s)
        } else {
            Err(format!("symbol {s} is not in the symbol table"))
        }
    }
}

/// Reads the snapshot at `path`. Any damage is a `Corruption` error naming the file and the
/// byte offset where it was found.
pub(crate) fn read(path: &Path) -> Result<Loaded> {
    let file = File::open(path).map_err(|e| io_error(path, "open", e))?;
    let size = file
        .metadata()
        .map_err(|e| io_error(path, "read the size of", e))?
        .len();
    read_from(
        path,
        &mut std::io::BufReader::with_capacity(1 << 16, file),
        size,
    )
}

/// Reads a snapshot of `size` bytes from `file`; `path` names it in errors.
pub(crate) fn read_from(path: &Path, file: &mut impl Read, size: u64) -> Result<Loaded> {
    let mut header = [0u8; HEADER_LEN];
    file.read_exact(&mut header)
        .map_err(|_| corrupt(path, 0, "the file is too short to be a snapshot"))?;
    let generation = super::parse_header(path, &header, MAGIC, VERSION, "snapshot")?;
    let mut r = Restorer {
        g: Graph::new(),
        holes: Holes::default(),
        undo: Vec::new(),
        bounds: None,
        nodes: 0,
        rels: 0,
        schema: Vec::new(),
        done: false,
        size_hint: u32::try_from(size).unwrap_or(u32::MAX),
        hole_count: (0, 0),
    };
    let mut offset = HEADER_LEN as u64;
    let mut payload = Vec::new();
    loop {
        let mut head = [0u8; 8];
        match read_full(file, &mut head) {
            Ok(0) if r.done => break,
            Ok(0) => {
                return Err(corrupt(
                    path,
                    offset,
                    "the snapshot ends before its end marker",
                ))
            }
            Ok(8) => {}
            Ok(_) => {
                return Err(corrupt(
                    path,
                    offset,
                    "the snapshot ends inside a chunk header",
                ))
            }
            Err(e) => return Err(io_error(path, "read", e)),
        }
        if r.done {
            return Err(corrupt(path, offset, "data after the end marker"));
        }
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        if len == 0 || len > codec::MAX_RECORD {
            return Err(corrupt(
                path,
                offset,
                &format!("impossible chunk length {len}"),
            ));
        }
        payload.resize(len, 0);
        if read_full(file, &mut payload).map_err(|e| io_error(path, "read", e))? != len {
            return Err(corrupt(path, offset, "the snapshot ends inside a chunk"));
        }
        if crc32fast::hash(&payload) != crc {
            return Err(corrupt(path, offset, "checksum mismatch"));
        }
        let mut pos = 0;
        while pos < len {
            let rest = payload.get(pos..).unwrap_or_default();
            let (item, used) =
                codec::decode_snap(rest).map_err(|e| corrupt(path, offset + 8 + pos as u64, &e))?;
            r.item(item)
                .map_err(|e| corrupt(path, offset + 8 + pos as u64, &e))?;
            pos += used;
        }
        offset += 8 + len as u64;
    }
    Ok(Loaded {
        graph: r.g,
        generation,
    })
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
pub(crate) fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        let Some(rest) = buf.get_mut(done..) else {
            break;
        };
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == IoKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
