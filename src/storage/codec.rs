//! The one place that knows bincode: how snapshot items and log records become bytes.
//!
//! Everything else in `storage` deals in [`SnapItem`]s and [`WalRecord`]s. Swapping the codec
//! means rewriting this file only. Encoding uses bincode's standard configuration (little
//! endian, variable-length integers) with a limit on what one record may claim, so that a
//! damaged length can never make the decoder allocate without bound.
//!
//! Containers of values are decoded element by element (never pre-allocated from a length
//! read off the disk), so a bogus length runs into the end of the input instead.

use std::sync::Arc;

use bincode::de::Decoder;
use bincode::enc::Encoder;
use bincode::error::{DecodeError, EncodeError};
use bincode::{Decode, Encode};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::graph::{NodeRec, PropRef, PropsRef, RelRec, SchemaDef, SchemaKind};
use crate::value::temporal::{Date, Duration, Temporal};
use crate::value::Value;

/// The most bytes one snapshot item or log record may hold.
pub(crate) const MAX_RECORD: usize = 1 << 28;

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_RECORD>()
}

/// A failure to encode or decode, as text for the storage error that wraps it.
pub(crate) type CodecError = String;

// ----- records --------------------------------------------------------------------------

/// A node as snapshots and log records store it. Names (labels, property keys) are
/// numbers: symbols in a snapshot, indexes into the record's name list in a log record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeItem {
    pub id: u32,
    pub labels: Vec<u32>,
    pub key: Option<String>,
    pub props: Vec<(u32, Value)>,
}

/// A relationship as snapshots and log records store it (names numbered as in
/// [`NodeItem`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RelItem {
    pub id: u32,
    pub start: u32,
    pub end: u32,
    pub ty: u32,
    pub props: Vec<(u32, Value)>,
}

/// One item of a snapshot, as read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SnapItem {
    /// The symbol table, in symbol order.
    Symbols(Vec<String>),
    /// One past the highest node and relationship ids ever used (holes included).
    Bounds {
        nodes: u32,
        rels: u32,
    },
    Node(NodeItem),
    Rel(RelItem),
    /// Index and constraint definitions.
    Schema(Vec<SchemaItem>),
    /// The last item: how many nodes and relationships came before it.
    End {
        nodes: u64,
        rels: u64,
    },
}

/// An index or constraint definition as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SchemaItem {
    pub name: String,
    pub unique: bool,
    pub label: String,
    pub properties: Vec<String>,
}

impl From<SchemaDef> for SchemaItem {
    fn from(d: SchemaDef) -> SchemaItem {
        SchemaItem {
            name: d.name,
            unique: d.kind == SchemaKind::Unique,
            label: d.label,
            properties: d.properties,
        }
    }
}

impl From<SchemaItem> for SchemaDef {
    fn from(s: SchemaItem) -> SchemaDef {
        SchemaDef {
            name: s.name,
            kind: if s.unique {
                SchemaKind::Unique
            } else {
                SchemaKind::Index
            },
            label: s.label,
            properties: s.properties,
        }
    }
}

/// One item of a snapshot, as written: borrows from the graph so that saving never copies it.
pub(crate) enum SnapOut<'a> {
    Symbols(&'a [Arc<str>]),
    Bounds {
        nodes: u32,
        rels: u32,
    },
    /// A node: its id, record and key.
    Node(u32, &'a NodeRec, Option<&'a str>),
    /// A relationship: its id, ends, record and properties.
    Rel(u32, u32, u32, &'a RelRec, PropsRef<'a>),
    Schema(&'a [SchemaItem]),
    End {
        nodes: u64,
        rels: u64,
    },
}

/// One committed transaction in the log. Names are numbered per record: `names[i]` is the
/// label, type or property key an operation refers to as `i`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct WalRecord {
    pub names: Vec<String>,
    pub ops: Vec<RedoOp>,
}

/// One change of a committed transaction, replayed in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RedoOp {
    CreateNode(NodeItem),
    CreateRel(RelItem),
    /// The final labels (when they changed) and the final value of each changed property
    /// (null: removed) of a node that existed before the transaction.
    SetNode {
        id: u32,
        labels: Option<Vec<u32>>,
        props: Vec<(u32, Value)>,
    },
    SetRel {
        id: u32,
        props: Vec<(u32, Value)>,
    },
    DeleteRel(u32),
    DeleteNode(u32),
    /// The complete list of index and constraint definitions after the transaction.
    Schema(Vec<SchemaItem>),
}

// ----- entry points ---------------------------------------------------------------------

/// Appends the encoding of `item` to `out`.
fn encode(item: &impl Encode, out: &mut Vec<u8>) -> Result<(), CodecError> {
    bincode::encode_into_std_write(item, out, config())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Appends the encoding of a snapshot item to `out`.
pub(crate) fn encode_snap(item: &SnapOut<'_>, out: &mut Vec<u8>) -> Result<(), CodecError> {
    encode(item, out)
}

/// Decodes one snapshot item from the front of `bytes`; returns it and its length.
pub(crate) fn decode_snap(bytes: &[u8]) -> Result<(SnapItem, usize), CodecError> {
    bincode::decode_from_slice(bytes, config()).map_err(|e: DecodeError| e.to_string())
}

/// The encoding of a log record.
pub(crate) fn encode_wal(record: &WalRecord, out: &mut Vec<u8>) -> Result<(), CodecError> {
    encode(record, out)
}

/// Decodes a log record that must fill `bytes` exactly.
pub(crate) fn decode_wal(bytes: &[u8]) -> Result<WalRecord, CodecError> {
    let (record, used) =
        bincode::decode_from_slice(bytes, config()).map_err(|e: DecodeError| e.to_string())?;
    if used != bytes.len() {
        return Err(format!(
            "{} bytes left over after the record",
            bytes.len() - used
        ));
    }
    Ok(record)
}

// ----- helpers ---------------------------------------------------------------------------

fn bad(msg: &str) -> DecodeError {
    DecodeError::OtherString(msg.to_string())
}

fn enc_len<E: Encoder>(len: usize, e: &mut E) -> Result<(), EncodeError> {
    (len as u64).encode(e)
}

/// Decodes a sequence element by element: the length is only trusted as far as the input
/// really holds elements.
fn dec_seq<D: Decoder, T>(
    d: &mut D,
    mut item: impl FnMut(&mut D) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let len = u64::decode(d)?;
    let mut out = Vec::with_capacity(len.min(64) as usize);
    for _ in 0..len {
        out.push(item(d)?);
    }
    Ok(out)
}

fn enc_props<'a, E: Encoder>(
    props: impl ExactSizeIterator<Item = (u32, PropRef<'a>)>,
    e: &mut E,
) -> Result<(), EncodeError> {
    enc_len(props.len(), e)?;
    for (k, v) in props {
        k.encode(e)?;
        v.with(|v| v.encode(e))?;
    }
    Ok(())
}

fn dec_props<D: Decoder>(d: &mut D) -> Result<Vec<(u32, Value)>, DecodeError> {
    dec_seq(d, |d| Ok((u32::decode(d)?, decode_value(d)?)))
}

/// The one layout of a node, written from a graph record or from a [`NodeItem`].
fn enc_node<'a, E: Encoder>(
    id: u32,
    labels: &[u32],
    key: Option<&str>,
    props: impl ExactSizeIterator<Item = (u32, PropRef<'a>)>,
    e: &mut E,
) -> Result<(), EncodeError> {
    id.encode(e)?;
    enc_u32s(labels, e)?;
    key.encode(e)?;
    enc_props(props, e)
}

fn dec_node<D: Decoder>(d: &mut D) -> Result<NodeItem, DecodeError> {
    Ok(NodeItem {
        id: u32::decode(d)?,
        labels: dec_u32s(d)?,
        key: Option::<String>::decode(d)?,
        props: dec_props(d)?,
    })
}

/// The one layout of a relationship (see [`enc_node`]).
fn enc_rel<'a, E: Encoder>(
    [id, start, end, ty]: [u32; 4],
    props: impl ExactSizeIterator<Item = (u32, PropRef<'a>)>,
    e: &mut E,
) -> Result<(), EncodeError> {
    [id, start, end, ty].iter().try_for_each(|x| x.encode(e))?;
    enc_props(props, e)
}

fn dec_rel<D: Decoder>(d: &mut D) -> Result<RelItem, DecodeError> {
    Ok(RelItem {
        id: u32::decode(d)?,
        start: u32::decode(d)?,
        end: u32::decode(d)?,
        ty: u32::decode(d)?,
        props: dec_props(d)?,
    })
}

fn item_props(props: &[(u32, Value)]) -> impl ExactSizeIterator<Item = (u32, PropRef<'_>)> {
    props.iter().map(|(k, v)| (*k, PropRef::Stored(v)))
}

fn enc_u32s<E: Encoder>(xs: &[u32], e: &mut E) -> Result<(), EncodeError> {
    enc_len(xs.len(), e)?;
    xs.iter().try_for_each(|x| x.encode(e))
}

fn dec_u32s<D: Decoder>(d: &mut D) -> Result<Vec<u32>, DecodeError> {
    dec_seq(d, u32::decode)
}

fn dec_strings<D: Decoder>(d: &mut D) -> Result<Vec<String>, DecodeError> {
    dec_seq(d, String::decode)
}

// ----- values ----------------------------------------------------------------------------

impl Encode for Value {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        match self {
            Value::Null => 0u8.encode(e),
            Value::Bool(b) => {
                1u8.encode(e)?;
                b.encode(e)
            }
            Value::Int(i) => {
                2u8.encode(e)?;
                i.encode(e)
            }
            Value::Float(f) => {
                3u8.encode(e)?;
                f.encode(e)
            }
            Value::String(s) => {
                4u8.encode(e)?;
                (**s).encode(e)
            }
            Value::List(items) => {
                5u8.encode(e)?;
                enc_len(items.len(), e)?;
                items.iter().try_for_each(|v| v.encode(e))
            }
            Value::Map(m) => {
                6u8.encode(e)?;
                enc_len(m.len(), e)?;
                for (k, v) in m {
                    k.encode(e)?;
                    v.encode(e)?;
                }
                Ok(())
            }
            Value::Temporal(t) => {
                7u8.encode(e)?;
                encode_temporal(t, e)
            }
            Value::Node(_) | Value::Relationship(_) | Value::Path(_) => Err(EncodeError::Other(
                "nodes, relationships and paths cannot be stored as property values",
            )),
        }
    }
}

/// The deepest list/map nesting a stored value may have (deeper input is damaged).
const MAX_VALUE_DEPTH: usize = 256;

fn decode_value<D: Decoder>(d: &mut D) -> Result<Value, DecodeError> {
    decode_value_at(d, 0)
}

fn decode_value_at<D: Decoder>(d: &mut D, depth: usize) -> Result<Value, DecodeError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(bad("values nested too deeply"));
    }
    Ok(match u8::decode(d)? {
        0 => Value::Null,
        1 => Value::Bool(bool::decode(d)?),
        2 => Value::Int(i64::decode(d)?),
        3 => Value::Float(f64::decode(d)?),
        4 => Value::String(String::decode(d)?.into()),
        5 => Value::List(dec_seq(d, |d| decode_value_at(d, depth + 1))?),
        6 => Value::Map(
            dec_seq(d, |d| {
                Ok((String::decode(d)?, decode_value_at(d, depth + 1)?))
            })?
            .into_iter()
            .collect(),
        ),
        7 => Value::Temporal(Box::new(decode_temporal(d)?)),
        t => return Err(bad(&format!("unknown value tag {t}"))),
    })
}

fn enc_date<E: Encoder>(date: &NaiveDate, e: &mut E) -> Result<(), EncodeError> {
    date.num_days_from_ce().encode(e)
}

fn dec_date<D: Decoder>(d: &mut D) -> Result<NaiveDate, DecodeError> {
    NaiveDate::from_num_days_from_ce_opt(i32::decode(d)?).ok_or_else(|| bad("date out of range"))
}

fn dec_far_date<D: Decoder>(d: &mut D) -> Result<Date, DecodeError> {
    Date::from_days(i64::decode(d)?).ok_or_else(|| bad("date out of range"))
}

fn enc_time<E: Encoder>(t: &NaiveTime, e: &mut E) -> Result<(), EncodeError> {
    t.num_seconds_from_midnight().encode(e)?;
    t.nanosecond().encode(e)
}

fn dec_time<D: Decoder>(d: &mut D) -> Result<NaiveTime, DecodeError> {
    let secs = u32::decode(d)?;
    let nanos = u32::decode(d)?;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
        .ok_or_else(|| bad("time out of range"))
}

fn enc_datetime<E: Encoder>(dt: &NaiveDateTime, e: &mut E) -> Result<(), EncodeError> {
    enc_date(&dt.date(), e)?;
    enc_time(&dt.time(), e)
}

fn dec_datetime<D: Decoder>(d: &mut D) -> Result<NaiveDateTime, DecodeError> {
    Ok(NaiveDateTime::new(dec_date(d)?, dec_time(d)?))
}

fn encode_temporal<E: Encoder>(t: &Temporal, e: &mut E) -> Result<(), EncodeError> {
    match t {
        // A date chrono reaches keeps the 4-byte day number files have always had; one
        // beyond (decision 0031) is tagged apart, with 8 bytes.
        Temporal::Date(date) => match date.naive() {
            Some(date) => {
                0u8.encode(e)?;
                enc_date(&date, e)
            }
            None => {
                6u8.encode(e)?;
                date.days().encode(e)
            }
        },
        Temporal::LocalTime(time) => {
            1u8.encode(e)?;
            enc_time(time, e)
        }
        Temporal::Time(time, offset) => {
            2u8.encode(e)?;
            enc_time(time, e)?;
            offset.encode(e)
        }
        Temporal::LocalDateTime(date, time) => match date.naive() {
            Some(date) => {
                3u8.encode(e)?;
                enc_date(&date, e)?;
                enc_time(time, e)
            }
            None => {
                7u8.encode(e)?;
                date.days().encode(e)?;
                enc_time(time, e)
            }
        },
        Temporal::DateTime(dt, offset, zone) => {
            4u8.encode(e)?;
            enc_datetime(dt, e)?;
            offset.encode(e)?;
            zone.as_deref().encode(e)
        }
        Temporal::Duration(dur) => {
            5u8.encode(e)?;
            dur.months.encode(e)?;
            dur.days.encode(e)?;
            dur.secs.encode(e)?;
            dur.nanos.encode(e)
        }
    }
}

fn decode_temporal<D: Decoder>(d: &mut D) -> Result<Temporal, DecodeError> {
    Ok(match u8::decode(d)? {
        0 => Temporal::date_of(dec_date(d)?),
        1 => Temporal::LocalTime(dec_time(d)?),
        2 => Temporal::Time(dec_time(d)?, i32::decode(d)?),
        3 => Temporal::local_datetime(dec_datetime(d)?),
        4 => {
            let dt = dec_datetime(d)?;
            let offset = i32::decode(d)?;
            let zone = Option::<String>::decode(d)?.map(Arc::from);
            Temporal::DateTime(dt, offset, zone)
        }
        5 => {
            let months = i64::decode(d)?;
            let days = i64::decode(d)?;
            let secs = i64::decode(d)?;
            let nanos = i64::decode(d)?;
            if !(0..1_000_000_000).contains(&nanos) {
                return Err(bad("duration nanoseconds out of range"));
            }
            Temporal::Duration(Duration {
                months,
                days,
                secs,
                nanos,
            })
        }
        6 => Temporal::Date(dec_far_date(d)?),
        7 => Temporal::LocalDateTime(dec_far_date(d)?, dec_time(d)?),
        t => return Err(bad(&format!("unknown temporal tag {t}"))),
    })
}

// ----- schema items ---------------------------------------------------------------------

fn enc_schema<E: Encoder>(items: &[SchemaItem], e: &mut E) -> Result<(), EncodeError> {
    enc_len(items.len(), e)?;
    for s in items {
        s.name.encode(e)?;
        s.unique.encode(e)?;
        s.label.encode(e)?;
        s.properties.encode(e)?;
    }
    Ok(())
}

fn dec_schema<D: Decoder>(d: &mut D) -> Result<Vec<SchemaItem>, DecodeError> {
    dec_seq(d, |d| {
        Ok(SchemaItem {
            name: String::decode(d)?,
            unique: bool::decode(d)?,
            label: String::decode(d)?,
            properties: dec_strings(d)?,
        })
    })
}

// ----- snapshot items -------------------------------------------------------------------

impl Encode for SnapOut<'_> {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        match self {
            SnapOut::Symbols(names) => {
                0u8.encode(e)?;
                enc_len(names.len(), e)?;
                names.iter().try_for_each(|n| (**n).encode(e))
            }
            SnapOut::Bounds { nodes, rels } => {
                1u8.encode(e)?;
                nodes.encode(e)?;
                rels.encode(e)
            }
            SnapOut::Node(id, rec, key) => {
                2u8.encode(e)?;
                enc_node(*id, &rec.labels, *key, rec.props.iter(), e)
            }
            SnapOut::Rel(id, start, end, rec, props) => {
                3u8.encode(e)?;
                enc_rel([*id, *start, *end, rec.ty()], props.iter(), e)
            }
            SnapOut::Schema(items) => {
                4u8.encode(e)?;
                enc_schema(items, e)
            }
            SnapOut::End { nodes, rels } => {
                5u8.encode(e)?;
                nodes.encode(e)?;
                rels.encode(e)
            }
        }
    }
}

impl<Ctx> Decode<Ctx> for SnapItem {
    fn decode<D: Decoder<Context = Ctx>>(d: &mut D) -> Result<Self, DecodeError> {
        Ok(match u8::decode(d)? {
            0 => SnapItem::Symbols(dec_strings(d)?),
            1 => SnapItem::Bounds {
                nodes: u32::decode(d)?,
                rels: u32::decode(d)?,
            },
            2 => SnapItem::Node(dec_node(d)?),
            3 => SnapItem::Rel(dec_rel(d)?),
            4 => SnapItem::Schema(dec_schema(d)?),
            5 => SnapItem::End {
                nodes: u64::decode(d)?,
                rels: u64::decode(d)?,
            },
            t => return Err(bad(&format!("unknown snapshot item tag {t}"))),
        })
    }
}
bincode::impl_borrow_decode!(SnapItem);

// ----- log records ----------------------------------------------------------------------

impl Encode for WalRecord {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        self.names.encode(e)?;
        enc_len(self.ops.len(), e)?;
        for op in &self.ops {
            match op {
                RedoOp::CreateNode(n) => {
                    0u8.encode(e)?;
                    enc_node(n.id, &n.labels, n.key.as_deref(), item_props(&n.props), e)?;
                }
                RedoOp::CreateRel(r) => {
                    1u8.encode(e)?;
                    enc_rel([r.id, r.start, r.end, r.ty], item_props(&r.props), e)?;
                }
                RedoOp::SetNode { id, labels, props } => {
                    2u8.encode(e)?;
                    id.encode(e)?;
                    match labels {
                        None => 0u8.encode(e)?,
                        Some(ls) => {
                            1u8.encode(e)?;
                            enc_u32s(ls, e)?;
                        }
                    }
                    enc_props(item_props(props), e)?;
                }
                RedoOp::SetRel { id, props } => {
                    3u8.encode(e)?;
                    id.encode(e)?;
                    enc_props(item_props(props), e)?;
                }
                RedoOp::DeleteRel(id) => {
                    4u8.encode(e)?;
                    id.encode(e)?;
                }
                RedoOp::DeleteNode(id) => {
                    5u8.encode(e)?;
                    id.encode(e)?;
                }
                RedoOp::Schema(items) => {
                    6u8.encode(e)?;
                    enc_schema(items, e)?;
                }
            }
        }
        Ok(())
    }
}

fn decode_op<D: Decoder>(d: &mut D) -> Result<RedoOp, DecodeError> {
    Ok(match u8::decode(d)? {
        0 => RedoOp::CreateNode(dec_node(d)?),
        1 => RedoOp::CreateRel(dec_rel(d)?),
        2 => {
            let id = u32::decode(d)?;
            let labels = match u8::decode(d)? {
                0 => None,
                1 => Some(dec_u32s(d)?),
                t => return Err(bad(&format!("bad label flag {t}"))),
            };
            RedoOp::SetNode {
                id,
                labels,
                props: dec_props(d)?,
            }
        }
        3 => RedoOp::SetRel {
            id: u32::decode(d)?,
            props: dec_props(d)?,
        },
        4 => RedoOp::DeleteRel(u32::decode(d)?),
        5 => RedoOp::DeleteNode(u32::decode(d)?),
        6 => RedoOp::Schema(dec_schema(d)?),
        t => return Err(bad(&format!("unknown log operation tag {t}"))),
    })
}

impl<Ctx> Decode<Ctx> for WalRecord {
    fn decode<D: Decoder<Context = Ctx>>(d: &mut D) -> Result<Self, DecodeError> {
        Ok(WalRecord {
            names: dec_strings(d)?,
            ops: dec_seq(d, decode_op)?,
        })
    }
}
bincode::impl_borrow_decode!(WalRecord);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn sample_values() -> Vec<Value> {
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let time = NaiveTime::from_hms_nano_opt(23, 59, 58, 123_456_789).unwrap();
        let mut map = BTreeMap::new();
        map.insert(
            "k".to_string(),
            Value::List(vec![Value::Int(1), Value::Null]),
        );
        vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(i64::MIN),
            Value::Float(-0.0),
            Value::Float(f64::NAN),
            Value::String("Sahel — AES".into()),
            Value::List(vec![Value::Int(1), Value::Float(2.5), "x".into()]),
            Value::Map(map),
            Value::Temporal(Box::new(Temporal::date_of(date))),
            Value::Temporal(Box::new(Temporal::LocalTime(time))),
            Value::Temporal(Box::new(Temporal::Time(time, -3600))),
            Value::Temporal(Box::new(Temporal::local_datetime(date.and_time(time)))),
            // Beyond chrono's years, at both ends of Cypher's.
            Value::Temporal(Box::new(Temporal::Date(
                Date::from_ymd(-999_999_999, 1, 1).unwrap(),
            ))),
            Value::Temporal(Box::new(Temporal::LocalDateTime(
                Date::from_ymd(999_999_999, 12, 31).unwrap(),
                time,
            ))),
            Value::Temporal(Box::new(Temporal::DateTime(
                date.and_time(time),
                3600,
                Some("Africa/Bamako".into()),
            ))),
            Value::Temporal(Box::new(Temporal::Duration(Duration {
                months: -14,
                days: 3,
                secs: -7,
                nanos: 5,
            }))),
        ]
    }

    #[test]
    fn every_value_round_trips_through_a_log_record() {
        let props: Vec<(u32, Value)> = sample_values()
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as u32, v))
            .collect();
        let record = WalRecord {
            names: vec!["a".into(), "b".into()],
            ops: vec![
                RedoOp::CreateNode(NodeItem {
                    id: 7,
                    labels: vec![0, 1],
                    key: Some("AES".into()),
                    props: props.clone(),
                }),
                RedoOp::SetNode {
                    id: 3,
                    labels: None,
                    props,
                },
                RedoOp::DeleteNode(2),
            ],
        };
        let mut bytes = Vec::new();
        encode_wal(&record, &mut bytes).unwrap();
        let back = decode_wal(&bytes).unwrap();
        // NaN is not equal to itself: compare the encodings instead.
        let mut again = Vec::new();
        encode_wal(&back, &mut again).unwrap();
        assert_eq!(bytes, again);
        assert_eq!(back.ops.len(), 3);
    }

    #[test]
    fn damaged_lengths_fail_without_allocating() {
        // A node item claiming 2^60 labels.
        let mut bytes = vec![2u8, 1];
        bytes.extend([0xfd]);
        bytes.extend((1u64 << 60).to_le_bytes());
        assert!(decode_snap(&bytes).is_err());
        // A string claiming 2^62 bytes.
        let mut bytes = vec![0u8, 1, 0xfd];
        bytes.extend((1u64 << 62).to_le_bytes());
        assert!(decode_snap(&bytes).is_err());
    }

    #[test]
    fn graph_elements_are_refused() {
        let record = WalRecord {
            names: vec![],
            ops: vec![RedoOp::SetRel {
                id: 0,
                props: vec![(0, Value::Node(crate::value::NodeId(1)))],
            }],
        };
        assert!(encode_wal(&record, &mut Vec::new()).is_err());
    }
}
