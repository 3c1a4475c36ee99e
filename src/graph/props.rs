//! Property lists of node and relationship records.
//!
//! A record written one statement at a time owns its properties: a thin vector (one word
//! in the record) of (key, value) pairs sorted by key. A bulk load (import, snapshot
//! restore) packs the records it makes into column tables, one per set of keys
//! ([`BulkTables`]): each key's values sit in one array in record order, so a scan that
//! reads one property of many records reads an array front to back instead of one heap
//! block per record. A column of integers (or of
//! floats) holds them unboxed, 8 bytes a row instead of a 32-byte [`Value`]; reads hand
//! such a value out by copy, others by reference ([`PropRef`], two words). A packed record
//! is a row of its table; its first write copies the row out (the table keeps the stale
//! row until no record points at it).
//!
//! Either way, a record never stores a null: a missing key is an absent property.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use thin_vec::ThinVec;

use super::Sym;
use crate::value::Value;

/// Lists of at most this many keys are searched front to back: a binary search's chain of
/// dependent loads and conditional moves is slower than a short, predictable scan.
const LINEAR_MAX: usize = 16;

/// Where `key` sits among `items`, ascending by `key_of`.
#[inline(always)]
fn find<T>(items: &[T], key: Sym, key_of: impl Fn(&T) -> Sym) -> Option<usize> {
    if items.len() <= LINEAR_MAX {
        items.iter().position(|t| key_of(t) == key)
    } else {
        items.binary_search_by_key(&key, key_of).ok()
    }
}

/// Strings longer than this are not shared by a bulk load (they seldom repeat).
const SHARED_STRING_MAX_LEN: usize = 64;
/// How many distinct strings a bulk load remembers for sharing (bounds the table).
const SHARED_STRINGS_MAX: usize = 1 << 16;

/// Properties sorted by key symbol, either owned by the record or a row of a shared
/// [`PropTable`].
#[derive(Debug, Clone, Default)]
pub struct Props(Repr);

#[derive(Debug, Clone)]
enum Repr {
    /// In a vector of exactly their number, its length and capacity stored in front of the
    /// pairs so that the handle is one word (an empty list allocates nothing): records are
    /// many and rarely change, so no spare capacity is kept (a new key costs one
    /// reallocation). With it, [`Props`] is 16 bytes.
    Own(ThinVec<(Sym, Value)>),
    /// Row `1` of table `0`.
    Packed(Arc<PropTable>, u32),
    /// During a bulk load: row `1` of table `0` of the load's [`BulkTables`].
    Pending(u32, u32),
}

/// A property value read from a record: a reference where it is stored as a [`Value`], the
/// number itself from an unboxed column. Two words, so it is passed in registers.
#[derive(Debug, Clone, Copy)]
pub enum PropRef<'a> {
    Stored(&'a Value),
    Int(i64),
    Float(f64),
}

impl PropRef<'_> {
    /// The value, owned: a stored integer is copied in place (`Value::clone` is a call).
    #[inline]
    pub fn into_owned(self) -> Value {
        match self {
            PropRef::Stored(Value::Int(i)) => Value::Int(*i),
            PropRef::Stored(v) => v.clone(),
            PropRef::Int(i) => Value::Int(i),
            PropRef::Float(f) => Value::Float(f),
        }
    }

    /// Pushes the value, owned, onto `out`, written in place. `push` would build the value
    /// on the stack first (it must outlive the vector's growth) and copy it in two 16-byte
    /// loads, which wait for the value's narrower stores to land: `resize_with` grows the
    /// vector before it builds the value.
    #[inline(always)]
    pub fn push_to(self, out: &mut Vec<Value>) {
        let n = out.len() + 1;
        match self {
            PropRef::Stored(&Value::Int(i)) | PropRef::Int(i) => {
                out.resize_with(n, || Value::Int(i))
            }
            PropRef::Stored(Value::String(s)) => out.resize_with(n, || Value::String(s.clone())),
            PropRef::Stored(v) => out.resize_with(n, || v.clone()),
            PropRef::Float(f) => out.resize_with(n, || Value::Float(f)),
        }
    }

    /// `f` of the value (a number is put in a [`Value`] on the stack for it).
    #[inline(always)]
    pub fn with<R>(self, f: impl FnOnce(&Value) -> R) -> R {
        match self {
            PropRef::Stored(v) => f(v),
            PropRef::Int(i) => f(&Value::Int(i)),
            PropRef::Float(x) => f(&Value::Float(x)),
        }
    }
}

impl PartialEq for PropRef<'_> {
    fn eq(&self, other: &PropRef<'_>) -> bool {
        self.with(|a| other.with(|b| a == b))
    }
}

/// The properties of many records with the same keys, column by column.
#[derive(Debug)]
pub struct PropTable {
    /// Ascending.
    keys: Box<[Sym]>,
    /// One per key, in `keys` order; each holds a non-null value per row.
    columns: Box<[Column]>,
}

/// Properties read in place: a record's own [`Props`], or a row of a table (relationships
/// keep theirs beside their records, see [`super::rel_props`]). Two words, passed by copy.
#[derive(Debug, Clone, Copy)]
pub enum PropsRef<'a> {
    Props(&'a Props),
    Row(&'a PropTable, u32),
}

impl<'a> From<&'a Props> for PropsRef<'a> {
    fn from(p: &'a Props) -> PropsRef<'a> {
        PropsRef::Props(p)
    }
}

impl<'a> PropsRef<'a> {
    #[inline(always)]
    pub fn get(self, key: Sym) -> Option<PropRef<'a>> {
        match self {
            PropsRef::Props(p) => p.get(key),
            PropsRef::Row(table, row) => table.get(row, key),
        }
    }

    /// The properties in key order.
    pub fn iter(self) -> impl ExactSizeIterator<Item = (Sym, PropRef<'a>)> + 'a {
        let (own, row) = match self {
            PropsRef::Props(p) => (Some(p.iter()), None),
            PropsRef::Row(table, row) => (None, Some(table.row(row))),
        };
        Either(own, row)
    }

    /// An owned copy.
    pub fn to_props(self) -> Props {
        match self {
            PropsRef::Props(p) => p.clone(),
            PropsRef::Row(table, row) => Props(Repr::Own(table.owned_row(row))),
        }
    }
}

/// One of two iterators of the same items (the one present).
struct Either<A, B>(Option<A>, Option<B>);

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for Either<A, B> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            Either(Some(a), _) => a.next(),
            Either(_, Some(b)) => b.next(),
            _ => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Either(Some(a), _) => a.size_hint(),
            Either(_, Some(b)) => b.size_hint(),
            _ => (0, Some(0)),
        }
    }
}

impl<T, A: ExactSizeIterator<Item = T>, B: ExactSizeIterator<Item = T>> ExactSizeIterator
    for Either<A, B>
{
}

impl PropTable {
    /// The values of `key`, one per row (`None`: no row has the key).
    #[inline(always)]
    pub(super) fn column(&self, key: Sym) -> Option<&Column> {
        self.columns.get(find(&self.keys, key, |k| *k)?)
    }

    /// The value of `key` in `row`.
    #[inline(always)]
    fn get(&self, row: u32, key: Sym) -> Option<PropRef<'_>> {
        self.column(key)?.get(row)
    }

    /// A copy of the properties of `row`.
    fn owned_row(&self, row: u32) -> ThinVec<(Sym, Value)> {
        self.row(row).map(|(k, v)| (k, v.into_owned())).collect()
    }

    /// The properties of `row` in key order.
    fn row(&self, row: u32) -> impl ExactSizeIterator<Item = (Sym, PropRef<'_>)> + '_ {
        // Every column holds a value for every row.
        self.keys
            .iter()
            .zip(self.columns.iter())
            .map(move |(k, c)| (*k, c.get(row).unwrap_or(PropRef::Stored(&Value::Null))))
    }
}

/// The values of one key in a table, one per row. A bulk load fills it in the narrowest
/// form its values so far allow, so that a column of numbers never holds a [`Value`] per
/// row, not even while it grows.
#[derive(Debug, Clone)]
pub(super) enum Column {
    /// Every value an integer.
    Ints(Vec<i64>),
    /// Every value a float.
    Floats(Vec<f64>),
    Values(Vec<Value>),
}

impl Column {
    /// A column whose first value is `v`.
    fn starting(v: Value) -> Column {
        match v {
            Value::Int(i) => Column::Ints(vec![i]),
            Value::Float(f) => Column::Floats(vec![f]),
            v => Column::Values(vec![v]),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Ints(c) => c.len(),
            Column::Floats(c) => c.len(),
            Column::Values(c) => c.len(),
        }
    }

    /// Appends `v`; a value the column's form cannot hold turns it into values.
    fn push(&mut self, v: Value) {
        match (&mut *self, v) {
            (Column::Ints(c), Value::Int(i)) => c.push(i),
            (Column::Floats(c), Value::Float(f)) => c.push(f),
            (Column::Values(c), v) => c.push(v),
            (column, v) => {
                let mut values: Vec<Value> = match column {
                    Column::Ints(c) => c.iter().map(|i| Value::Int(*i)).collect(),
                    Column::Floats(c) => c.iter().map(|f| Value::Float(*f)).collect(),
                    Column::Values(c) => std::mem::take(c),
                };
                values.push(v);
                *column = Column::Values(values);
            }
        }
    }

    /// Frees the spare room of a column that is done growing.
    fn shrink(&mut self) {
        match self {
            Column::Ints(c) => c.shrink_to_fit(),
            Column::Floats(c) => c.shrink_to_fit(),
            Column::Values(c) => c.shrink_to_fit(),
        }
    }

    /// The value of `row`, moved out where it is boxed.
    fn take(&mut self, row: u32) -> Option<Value> {
        let row = row as usize;
        match self {
            Column::Ints(c) => c.get(row).map(|i| Value::Int(*i)),
            Column::Floats(c) => c.get(row).map(|f| Value::Float(*f)),
            Column::Values(c) => c.get_mut(row).map(std::mem::take),
        }
    }

    #[inline(always)]
    pub(super) fn get(&self, row: u32) -> Option<PropRef<'_>> {
        let row = row as usize;
        match self {
            Column::Ints(c) => c.get(row).map(|i| PropRef::Int(*i)),
            Column::Floats(c) => c.get(row).map(|f| PropRef::Float(*f)),
            Column::Values(c) => c.get(row).map(PropRef::Stored),
        }
    }
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Own(ThinVec::new())
    }
}

impl PartialEq for Props {
    fn eq(&self, other: &Props) -> bool {
        self.iter().eq(other.iter())
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "indices come from searches of the same slice"
)]
impl Props {
    /// No properties.
    pub const EMPTY: Props = Props(Repr::Own(ThinVec::new()));

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// During a bulk load: the (table, row) of pending properties.
    pub(super) fn pending(&self) -> Option<(u32, u32)> {
        match self.0 {
            Repr::Pending(shape, row) => Some((shape, row)),
            _ => None,
        }
    }

    /// The table and row of packed properties.
    pub(super) fn packed(&self) -> Option<(&Arc<PropTable>, u32)> {
        match &self.0 {
            Repr::Packed(table, row) => Some((table, *row)),
            _ => None,
        }
    }

    /// Properties from (key, value) pairs without nulls, built in one allocation (a later
    /// pair with the same key wins, as a `set` would).
    pub fn from_pairs(mut pairs: Vec<(Sym, Value)>) -> Props {
        if !pairs.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            // Stable, so the last of equal keys stays last: keep it.
            pairs.sort_by_key(|(k, _)| *k);
            let mut kept: Vec<(Sym, Value)> = Vec::with_capacity(pairs.len());
            for p in pairs {
                match kept.last_mut() {
                    Some(last) if last.0 == p.0 => *last = p,
                    _ => kept.push(p),
                }
            }
            pairs = kept;
        }
        let mut pairs = ThinVec::from(pairs);
        pairs.shrink_to_fit();
        Props(Repr::Own(pairs))
    }

    #[inline(always)]
    pub fn get(&self, key: Sym) -> Option<PropRef<'_>> {
        match &self.0 {
            Repr::Own(pairs) => find(pairs, key, |(k, _)| *k).map(|i| PropRef::Stored(&pairs[i].1)),
            Repr::Packed(table, row) => table.get(*row, key),
            Repr::Pending(..) => None,
        }
    }

    /// Sets `key` (a null value removes it); returns the previous value.
    pub fn set(&mut self, key: Sym, value: Value) -> Option<Value> {
        let mut pairs = self.take_pairs();
        let old = match pairs.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) if !value.is_null() => Some(std::mem::replace(&mut pairs[i].1, value)),
            Ok(i) => {
                let (_, old) = pairs.remove(i);
                pairs.shrink_to_fit();
                Some(old)
            }
            Err(_) if value.is_null() => None,
            Err(i) => {
                pairs.reserve_exact(1);
                pairs.insert(i, (key, value));
                None
            }
        };
        self.0 = Repr::Own(pairs);
        old
    }

    /// The `i`th property in key order.
    fn entry(&self, i: usize) -> Option<(Sym, PropRef<'_>)> {
        match &self.0 {
            Repr::Own(pairs) => pairs.get(i).map(|(k, v)| (*k, PropRef::Stored(v))),
            Repr::Packed(table, row) => {
                let key = *table.keys.get(i)?;
                Some((key, table.columns.get(i)?.get(*row)?))
            }
            Repr::Pending(..) => None,
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            props: self,
            next: 0,
            len: self.len(),
        }
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Own(pairs) => pairs.len(),
            Repr::Packed(table, _) => table.keys.len(),
            Repr::Pending(..) => 0,
        }
    }

    /// Whether the properties are a row of a table.
    #[cfg(test)]
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed(..))
    }

    /// The pairs, taken out (a packed row is copied out of its table); `self` is left
    /// empty.
    fn take_pairs(&mut self) -> ThinVec<(Sym, Value)> {
        match std::mem::take(&mut self.0) {
            Repr::Own(pairs) => pairs,
            Repr::Packed(table, row) => table.owned_row(row),
            Repr::Pending(..) => ThinVec::new(),
        }
    }
}

/// The properties of a record in key order.
pub struct Iter<'a> {
    props: &'a Props,
    next: usize,
    len: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (Sym, PropRef<'a>);

    fn next(&mut self) -> Option<(Sym, PropRef<'a>)> {
        if self.next >= self.len {
            return None;
        }
        self.next += 1;
        self.props.entry(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len - self.next.min(self.len);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Key sets shared by fewer records than this stay owned: a table of a few rows saves
/// nothing.
pub(super) const PACK_MIN_ROWS: usize = 64;

/// A table being filled: its keys and a column per key (none before its first row).
type Growing = (Box<[Sym]>, Vec<Column>);

/// What a bulk load keeps while it runs. Each record's properties move into the table of
/// their key set as they arrive, so the load never holds them twice; until
/// [`BulkTables::finish`] the record holds a pending row that reads as no properties:
/// nothing may read the graph during a bulk load. Short strings seen so far are shared:
/// repeated values (names, categories) keep one allocation.
#[derive(Debug, Default, Clone)]
pub(super) struct BulkTables {
    shapes: HashMap<Box<[Sym]>, u32, foldhash::fast::RandomState>,
    /// Each table's keys and columns, in `shapes` numbering.
    tables: Vec<Growing>,
    keys: Vec<Sym>,
    strings: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl BulkTables {
    /// Points the short string values of owned `props` at an equal string seen before
    /// (the copy is freed), or remembers them for the next records.
    pub(super) fn share(&mut self, props: &mut Props) {
        let Repr::Own(pairs) = &mut props.0 else {
            return;
        };
        for (_, v) in pairs.iter_mut() {
            let Value::String(s) = v else { continue };
            if s.len() > SHARED_STRING_MAX_LEN {
                continue;
            }
            match self.strings.get(s) {
                Some(shared) => *s = shared.clone(),
                None if self.strings.len() < SHARED_STRINGS_MAX => {
                    self.strings.insert(s.clone());
                }
                None => {}
            }
        }
    }

    /// Moves owned, non-empty `props` into the table of their keys.
    pub(super) fn add(&mut self, props: &mut Props) {
        let Repr::Own(pairs) = &mut props.0 else {
            return;
        };
        if pairs.is_empty() {
            return;
        }
        self.keys.clear();
        self.keys.extend(pairs.iter().map(|(k, _)| *k));
        let shape = match self.shapes.get(self.keys.as_slice()) {
            Some(s) => *s,
            None => {
                let s = self.tables.len() as u32;
                let keys: Box<[Sym]> = self.keys.as_slice().into();
                self.shapes.insert(keys.clone(), s);
                self.tables.push((keys, Vec::new()));
                s
            }
        };
        let Some((_, columns)) = self.tables.get_mut(shape as usize) else {
            return;
        };
        let row = columns.first().map_or(0, Column::len) as u32;
        if columns.is_empty() {
            columns.extend(
                pairs
                    .iter_mut()
                    .map(|(_, v)| Column::starting(std::mem::take(v))),
            );
        } else {
            for ((_, v), column) in pairs.iter_mut().zip(columns.iter_mut()) {
                column.push(std::mem::take(v));
            }
        }
        props.0 = Repr::Pending(shape, row);
    }

    /// The tables filled so far, finished; [`Finished::resolve`] turns pending rows into
    /// rows of them. The load can go on: later records start new tables (and still share
    /// the strings seen so far).
    pub(super) fn finish(&mut self) -> Finished {
        self.shapes.clear();
        Finished(
            std::mem::take(&mut self.tables)
                .into_iter()
                .map(|(keys, columns)| {
                    if columns.first().map_or(0, Column::len) < PACK_MIN_ROWS {
                        return Err((keys, columns));
                    }
                    let mut columns: Box<[Column]> = columns.into();
                    columns.iter_mut().for_each(Column::shrink);
                    Ok(Arc::new(PropTable { keys, columns }))
                })
                .collect(),
        )
    }
}

/// The tables of a bulk load; the small ones are handed back to their records.
pub(super) struct Finished(Vec<Result<Arc<PropTable>, Growing>>);

/// What became of a table of a bulk load.
pub(super) enum Resolved {
    Table(Arc<PropTable>),
    /// Too small to keep: its rows go back to their records ([`Finished::take_small`]).
    Small,
}

impl Finished {
    /// What became of table `shape`.
    pub(super) fn table(&self, shape: u32) -> Option<Resolved> {
        match self.0.get(shape as usize)? {
            Ok(table) => Some(Resolved::Table(table.clone())),
            Err(_) => Some(Resolved::Small),
        }
    }

    /// The properties of `row` of small table `shape`, moved out.
    pub(super) fn take_small(&mut self, shape: u32, row: u32) -> Props {
        match self.0.get_mut(shape as usize) {
            Some(Err((keys, columns))) => Props(Repr::Own(
                keys.iter()
                    .zip(columns.iter_mut())
                    .filter_map(|(k, column)| Some((*k, column.take(row)?)))
                    .collect(),
            )),
            _ => Props::default(),
        }
    }

    /// Turns a pending row into a row of its table, or back into owned properties when the
    /// table is small.
    pub(super) fn resolve(&mut self, props: &mut Props) {
        let Repr::Pending(shape, row) = props.0 else {
            return;
        };
        props.0 = match self.table(shape) {
            Some(Resolved::Table(table)) => Repr::Packed(table, row),
            Some(Resolved::Small) => self.take_small(shape, row).0,
            None => Repr::default(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(Sym, i64)]) -> Props {
        Props::from_pairs(pairs.iter().map(|(k, v)| (*k, Value::Int(*v))).collect())
    }

    fn pack(records: &mut [Props]) {
        let mut bulk = BulkTables::default();
        for p in records.iter_mut() {
            bulk.add(p);
        }
        let mut tables = bulk.finish();
        for p in records.iter_mut() {
            tables.resolve(p);
        }
    }

    #[test]
    fn packed_rows_read_and_write_as_owned_ones() {
        let mut records: Vec<Props> = (0..PACK_MIN_ROWS as i64 + 1)
            .map(|i| props(&[(1, i), (4, -i)]))
            .collect();
        records.insert(5, props(&[(2, 7)]));
        records.push(Props::default());
        let before = records.clone();
        pack(&mut records);
        assert_eq!(records, before);
        assert!(records[3].is_packed() && !records[5].is_packed());
        assert_eq!(records[3].get(4), Some(PropRef::Int(-3)));
        assert_eq!(records[7].get(1), Some(PropRef::Int(6)));
        assert_eq!(records[3].get(2), None);
        assert_eq!(records[3].iter().len(), 2);

        // A write copies the row out; the other rows keep their values.
        assert_eq!(records[3].set(4, Value::Null), Some(Value::Int(-3)));
        assert_eq!(records[3].set(2, Value::Int(9)), None);
        assert!(!records[3].is_packed());
        assert_eq!(records[3], props(&[(1, 3), (2, 9)]));
        assert_eq!(records[4], before[4]);
        assert_eq!(records[6], before[6]);
    }

    /// A column of integers or of floats is stored unboxed; any other mix keeps values.
    #[test]
    fn columns_take_the_narrowest_form_that_holds_them() {
        let n = PACK_MIN_ROWS as i64;
        let mut records: Vec<Props> = (0..n)
            .map(|i| {
                let mixed = if i == 7 {
                    Value::String("seven".into())
                } else {
                    Value::Int(i)
                };
                let float = if i == 3 { -0.0 } else { i as f64 / 4.0 };
                // Integers, then a float: the column becomes values, each keeping its type.
                let late = if i == 10 {
                    Value::Float(2.5)
                } else {
                    Value::Int(i)
                };
                Props::from_pairs(vec![
                    (1, Value::Int(i - n / 2)),
                    (2, Value::Float(float)),
                    (3, mixed),
                    (4, late),
                ])
            })
            .collect();
        let before = records.clone();
        pack(&mut records);
        let Repr::Packed(table, _) = &records[0].0 else {
            panic!("not packed");
        };
        assert!(matches!(
            table.columns.as_ref(),
            [
                Column::Ints(_),
                Column::Floats(_),
                Column::Values(_),
                Column::Values(_)
            ]
        ));
        assert!(matches!(
            records[11].get(4),
            Some(PropRef::Stored(Value::Int(11)))
        ));
        assert!(matches!(records[10].get(4), Some(PropRef::Stored(Value::Float(f))) if *f == 2.5));
        assert_eq!(records, before);
        match records[3].get(2) {
            Some(PropRef::Float(f)) => assert!(f.is_sign_negative() && f == 0.0),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            records[7].get(3),
            Some(PropRef::Stored(&Value::String("seven".into())))
        );
    }

    #[test]
    fn small_key_sets_stay_owned() {
        let mut records: Vec<Props> = (0..PACK_MIN_ROWS as i64 - 1)
            .map(|i| props(&[(1, i), (2, i * 2)]))
            .collect();
        let before = records.clone();
        pack(&mut records);
        assert!(records.iter().all(|p| !p.is_packed()));
        assert_eq!(records, before);
    }
}
