//! The write-ahead log: one record per committed write transaction.
//!
//! Layout: a 24-byte header (magic `BAOBABWL`, format version u32, reserved u32, the
//! generation u64 of the snapshot it follows), then records. A record is its payload length
//! (u32), a check of that length (u32), the CRC-32 of the payload (u32) and the payload.
//!
//! Reading stops at a torn tail — a last record cut short, or a last record whose checksum
//! fails — and reports it; damage anywhere before the last record is an error.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::Result;

use super::codec::{self, WalRecord};
use super::snapshot::read_full;
use super::{corrupt, io_error};

pub(crate) const MAGIC: &[u8; 8] = b"BAOBABWL";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_LEN: u64 = 24;
const RECORD_HEAD: usize = 12;

pub(crate) fn length_check(len: u32) -> u32 {
    len.rotate_left(16) ^ 0xB40B_AB5E
}

/// Frames an encoded record for appending: the payload is encoded in place after room
/// for the record header, which is filled in once its length and checksum are known.
pub(crate) fn frame(record: &WalRecord, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    out.clear();
    out.extend_from_slice(&[0u8; RECORD_HEAD]);
    codec::encode_wal(record, out)?;
    let (head, payload) = out.split_at_mut(RECORD_HEAD);
    let len = payload.len();
    if len > codec::MAX_RECORD {
        return Err(format!(
            "the transaction's changes take {len} bytes, more than one log record may hold ({})",
            codec::MAX_RECORD
        ));
    }
    let len = len as u32;
    let fields = [len, length_check(len), crc32fast::hash(payload)];
    for (slot, field) in head.chunks_exact_mut(4).zip(fields) {
        slot.copy_from_slice(&field.to_le_bytes());
    }
    Ok(())
}

/// What reading a log found.
pub(crate) struct Scan {
    /// The generation in the header; `None` for an empty file (a log never written to).
    pub generation: Option<u64>,
    /// The records with the offsets where they start.
    pub records: Vec<(u64, WalRecord)>,
    /// Where the last good record ends: the length the log should have.
    pub good_len: u64,
    /// Why the bytes after `good_len` were dropped, when some were.
    pub torn: Option<String>,
}

/// Reads the log in `file` from the start.
pub(crate) fn scan(path: &Path, file: &mut File) -> Result<Scan> {
    let file_len = file
        .metadata()
        .map_err(|e| io_error(path, "read the size of", e))?
        .len();
    file.seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, "seek in", e))?;
    scan_from(
        path,
        &mut std::io::BufReader::with_capacity(1 << 20, file),
        file_len,
    )
}

/// Reads a log of `file_len` bytes from `reader`; `path` names it in errors.
pub(crate) fn scan_from(path: &Path, reader: &mut impl Read, file_len: u64) -> Result<Scan> {
    let mut head = [0u8; HEADER_LEN as usize];
    let got = read_full(reader, &mut head).map_err(|e| io_error(path, "read", e))?;
    if got == 0 {
        return Ok(Scan {
            generation: None,
            records: Vec::new(),
            good_len: 0,
            torn: None,
        });
    }
    if got < head.len() {
        // A header cut short can only come from a crash while the log was being created.
        return Ok(Scan {
            generation: None,
            records: Vec::new(),
            good_len: 0,
            torn: Some(format!("the log header is cut short ({got} bytes)")),
        });
    }
    let generation = super::parse_header(path, &head, MAGIC, VERSION, "log")?;
    let mut scan = Scan {
        generation: Some(generation),
        records: Vec::new(),
        good_len: HEADER_LEN,
        torn: None,
    };
    let mut offset = HEADER_LEN;
    let mut payload = Vec::new();
    loop {
        let mut rh = [0u8; RECORD_HEAD];
        let got = read_full(reader, &mut rh).map_err(|e| io_error(path, "read", e))?;
        if got == 0 {
            break;
        }
        if got < RECORD_HEAD {
            scan.torn = Some(format!("a record header cut short at byte {offset}"));
            break;
        }
        let len = u32::from_le_bytes([rh[0], rh[1], rh[2], rh[3]]);
        let check = u32::from_le_bytes([rh[4], rh[5], rh[6], rh[7]]);
        let crc = u32::from_le_bytes([rh[8], rh[9], rh[10], rh[11]]);
        let end = offset + RECORD_HEAD as u64 + u64::from(len);
        if check != length_check(len) || len as usize > codec::MAX_RECORD {
            if rh.iter().all(|b| *b == 0) && zeros_to_end(reader) {
                scan.torn = Some(format!("zeroed bytes from byte {offset} on"));
                break;
            }
            return Err(corrupt(path, offset, "a damaged record header"));
        }
        if end > file_len {
            scan.torn = Some(format!("the record at byte {offset} is cut short"));
            break;
        }
        payload.resize(len as usize, 0);
        reader
            .read_exact(&mut payload)
            .map_err(|e| io_error(path, "read", e))?;
        if crc32fast::hash(&payload) != crc {
            if end == file_len {
                scan.torn = Some(format!(
                    "the last record, at byte {offset}, fails its checksum"
                ));
                break;
            }
            return Err(corrupt(
                path,
                offset,
                "a record fails its checksum and later records follow it",
            ));
        }
        let record = codec::decode_wal(&payload).map_err(|e| corrupt(path, offset, &e))?;
        scan.records.push((offset, record));
        offset = end;
        scan.good_len = end;
    }
    Ok(scan)
}

/// Whether everything left in `reader` is zero bytes.
fn zeros_to_end(reader: &mut impl Read) -> bool {
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => {
                if buf.iter().take(n).any(|b| *b != 0) {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
}

/// Empties the log and starts it over for the snapshot of `generation`.
pub(crate) fn reset(path: &Path, file: &mut File, generation: u64, sync: bool) -> Result<()> {
    file.set_len(0).map_err(|e| io_error(path, "truncate", e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, "seek in", e))?;
    file.write_all(&super::file_header(MAGIC, VERSION, generation))
        .map_err(|e| io_error(path, "write", e))?;
    if sync {
        file.sync_all().map_err(|e| io_error(path, "sync", e))?;
    }
    Ok(())
}
