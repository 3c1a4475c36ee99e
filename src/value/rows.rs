//! The rows of a statement's result, held in one vector (decision 0032).
//!
//! A result of `n` rows and `w` columns is `n * w` values back to back, not `n` vectors:
//! building it grows one vector, with no allocation per row, and a row costs its values
//! and nothing more. Rows are read as slices: `rows[i][j]`, `for row in &rows`,
//! `rows.iter()`.

use std::fmt;
use std::ops::Index;

use super::Value;

/// Rows of equal width, each a `&[Value]` in column order.
///
/// ```
/// use baobab::{Database, Params, Value};
///
/// let db = Database::in_memory();
/// let r = db.execute("UNWIND [1, 2] AS x RETURN x, x * 10 AS y", &Params::new())?;
/// assert_eq!(r.rows.len(), 2);
/// assert_eq!(r.rows[1], [Value::Int(2), Value::Int(20)]);
/// let firsts: Vec<&Value> = r.rows.iter().map(|row| &row[0]).collect();
/// assert_eq!(firsts, [&Value::Int(1), &Value::Int(2)]);
/// assert_eq!(r.rows, vec![vec![Value::Int(1), Value::Int(10)], vec![Value::Int(2), Value::Int(20)]]);
/// # Ok::<(), baobab::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Rows {
    width: usize,
    /// How many rows: kept apart, so that rows of no columns still count.
    len: usize,
    values: Vec<Value>,
}

impl Rows {
    /// No rows yet, of `width` columns.
    pub fn new(width: usize) -> Rows {
        Rows {
            width,
            len: 0,
            values: Vec::new(),
        }
    }

    /// Rows built from vectors, all of `width` values; `None` when one is of another width.
    pub fn from_vecs(width: usize, rows: Vec<Vec<Value>>) -> Option<Rows> {
        if rows.iter().any(|row| row.len() != width) {
            return None;
        }
        // Every row is `width` values long: the product counts values that exist.
        let mut out = Rows::new(width);
        out.values.reserve(rows.iter().map(Vec::len).sum());
        for row in rows {
            out.values.extend(row);
            out.len += 1;
        }
        Some(out)
    }

    /// The rows as vectors of their own, the values moved.
    pub fn into_vecs(self) -> Vec<Vec<Value>> {
        self.into_iter().collect()
    }

    /// How many columns each row has.
    pub fn width(&self) -> usize {
        self.width
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&[Value]> {
        if i >= self.len {
            return None;
        }
        let start = i * self.width;
        self.values.get(start..start + self.width)
    }

    pub fn first(&self) -> Option<&[Value]> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&[Value]> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The rows in order.
    pub fn iter(&self) -> Iter<'_> {
        // Rows of no columns are counted; the chunks of their (no) values are none.
        let (size, empty_rows) = match self.width {
            0 => (1, self.len),
            w => (w, 0),
        };
        Iter {
            chunks: self.values.chunks_exact(size),
            empty_rows,
        }
    }

    /// Every value, row after row.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The rows as vectors of their own.
    pub fn to_vecs(&self) -> Vec<Vec<Value>> {
        self.iter().map(<[Value]>::to_vec).collect()
    }

    /// Appends a copy of `row`; false (and nothing appended) when its width is not the
    /// rows'.
    pub fn push(&mut self, row: &[Value]) -> bool {
        if row.len() != self.width {
            return false;
        }
        self.values.extend_from_slice(row);
        self.len += 1;
        true
    }

    /// Appends the values of `row`, taken out of it (left null); false (and nothing
    /// appended) when its width is not the rows'.
    pub(crate) fn push_taken(&mut self, row: &mut [Value]) -> bool {
        if row.len() != self.width {
            return false;
        }
        self.values.extend(row.iter_mut().map(std::mem::take));
        self.len += 1;
        true
    }

    /// The values, for a caller that appends a row's values in place and then calls
    /// [`Rows::commit`] with the length they had before.
    pub(crate) fn values_mut(&mut self) -> &mut Vec<Value> {
        &mut self.values
    }

    /// Counts the values appended since the values had length `start` as one row; false,
    /// and they are taken back, when they are not one row's worth.
    pub(crate) fn commit(&mut self, start: usize) -> bool {
        if self.values.len() != start + self.width {
            self.values.truncate(start);
            return false;
        }
        self.len += 1;
        true
    }

    /// Makes room for `rows` more rows, when it can (it is only a hint).
    pub(crate) fn reserve(&mut self, rows: usize) {
        let _ = self.values.try_reserve(rows.saturating_mul(self.width));
    }

    /// Keeps the first `len` rows.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.values.truncate(len * self.width);
            self.len = len;
        }
    }

    /// Removes the rows from `start` (inclusive) to `end` (exclusive).
    pub(crate) fn remove(&mut self, start: usize, end: usize) {
        let end = end.min(self.len);
        if start >= end {
            return;
        }
        self.values.drain(start * self.width..end * self.width);
        self.len -= end - start;
    }
}

impl Index<usize> for Rows {
    type Output = [Value];

    /// Row `i`. Panics when there is no row `i`, as indexing a vector does; see
    /// [`Rows::get`].
    #[expect(
        clippy::panic,
        reason = "indexing out of range panics by contract, as a vector's does; `get` is the checked read"
    )]
    fn index(&self, i: usize) -> &[Value] {
        match self.get(i) {
            Some(row) => row,
            None => panic!("row {i} of {} rows", self.len),
        }
    }
}

/// The rows of a [`Rows`], as slices.
#[derive(Clone)]
pub struct Iter<'r> {
    chunks: std::slice::ChunksExact<'r, Value>,
    /// Rows of no columns still to come (the chunks then are empty).
    empty_rows: usize,
}

impl<'r> Iterator for Iter<'r> {
    type Item = &'r [Value];

    fn next(&mut self) -> Option<&'r [Value]> {
        if self.empty_rows > 0 {
            self.empty_rows -= 1;
            return Some(&[]);
        }
        self.chunks.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.chunks.len() + self.empty_rows;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.empty_rows > 0 {
            self.empty_rows -= 1;
            return Some(&[]);
        }
        self.chunks.next_back()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'r> IntoIterator for &'r Rows {
    type Item = &'r [Value];
    type IntoIter = Iter<'r>;

    fn into_iter(self) -> Iter<'r> {
        self.iter()
    }
}

/// The rows of a [`Rows`] taken by value, each a vector of its own.
pub struct IntoIter {
    width: usize,
    left: usize,
    values: std::vec::IntoIter<Value>,
}

impl Iterator for IntoIter {
    type Item = Vec<Value>;

    fn next(&mut self) -> Option<Vec<Value>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.values.by_ref().take(self.width).collect())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for Rows {
    type Item = Vec<Value>;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            width: self.width,
            left: self.len,
            values: self.values.into_iter(),
        }
    }
}

/// Rows are equal when they have the same width and the same rows.
impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.width == other.width && self.len == other.len && self.values == other.values
    }
}

impl PartialEq<Vec<Vec<Value>>> for Rows {
    fn eq(&self, other: &Vec<Vec<Value>>) -> bool {
        self.len == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_slice())
    }
}

impl PartialEq<Rows> for Vec<Vec<Value>> {
    fn eq(&self, other: &Rows) -> bool {
        other == self
    }
}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(row: &[i64]) -> Vec<Value> {
        row.iter().map(|i| Value::Int(*i)).collect()
    }

    #[test]
    fn rows_are_read_as_the_vectors_they_were_built_from() {
        let given = vec![ints(&[1, 2]), ints(&[3, 4]), ints(&[5, 6])];
        let rows = Rows::from_vecs(2, given.clone()).expect("rows of width 2");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.width(), 2);
        assert_eq!(rows.to_vecs(), given);
        assert_eq!(rows, given);
        assert_eq!(&rows[1], ints(&[3, 4]).as_slice());
        assert_eq!(rows.first(), Some(ints(&[1, 2]).as_slice()));
        assert_eq!(rows.last(), Some(ints(&[5, 6]).as_slice()));
        assert_eq!(rows.get(3), None);
        let back: Vec<&[Value]> = rows.iter().rev().collect();
        assert_eq!(back[0], ints(&[5, 6]).as_slice());
        assert_eq!(rows.iter().len(), 3);
        assert_eq!(rows.clone().into_iter().collect::<Vec<_>>(), given);
        assert_eq!(format!("{rows:?}"), format!("{given:?}"));
        assert!(Rows::from_vecs(2, vec![ints(&[1])]).is_none());
    }

    #[test]
    fn rows_of_no_columns_still_count() {
        let mut rows = Rows::new(0);
        assert!(rows.push(&[]));
        assert!(rows.push(&[]));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.iter().count(), 2);
        assert_eq!(rows.clone().into_iter().count(), 2);
        assert!(!rows.push(&[Value::Null]));
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn rows_are_cut_and_appended_row_by_row() {
        let mut rows = Rows::new(2);
        for i in 0..5 {
            assert!(rows.push_taken(&mut ints(&[i, -i])));
        }
        let start = rows.values().len();
        rows.values_mut().push(Value::Int(9));
        assert!(!rows.commit(start), "half a row is taken back");
        assert_eq!((rows.len(), rows.values().len()), (5, 10));
        rows.remove(1, 3);
        assert_eq!(rows, vec![ints(&[0, 0]), ints(&[3, -3]), ints(&[4, -4])]);
        rows.truncate(2);
        assert_eq!(rows, vec![ints(&[0, 0]), ints(&[3, -3])]);
        rows.remove(1, 10);
        assert_eq!(rows, vec![ints(&[0, 0])]);
        assert!(!rows.push(&ints(&[1, 2, 3])));
        rows.truncate(5);
        rows.remove(1, 1);
        rows.remove(3, 2);
        assert_eq!(
            rows,
            vec![ints(&[0, 0])],
            "cuts past the end change nothing"
        );
        assert!(rows.push(&ints(&[7, 8])));
        assert_ne!(rows, vec![ints(&[0, 0])]);
        assert_eq!(rows.clone().into_vecs(), vec![ints(&[0, 0]), ints(&[7, 8])]);
    }

    #[test]
    fn rows_compare_by_width_and_values() {
        assert_ne!(Rows::new(2), Rows::new(3));
        let a = Rows::from_vecs(1, vec![ints(&[1]), ints(&[2])]).expect("width 1");
        let b = Rows::from_vecs(2, vec![ints(&[1, 2])]).expect("width 2");
        assert_ne!(a, b, "the same values in other rows");
        assert_eq!(
            Rows::from_vecs(0, vec![vec![], vec![]]).map(|r| r.len()),
            Some(2)
        );
        let empty = Rows::from_vecs(0, vec![vec![]]).expect("width 0");
        assert_eq!(empty.get(0), Some(&[][..]));
        assert_eq!(empty.get(1), None);
        assert_eq!(empty.iter().next_back(), Some(&[][..]));
        assert!(Rows::from_vecs(usize::MAX / 8, vec![vec![]]).is_none());
    }

    #[test]
    #[should_panic(expected = "row 2 of 2 rows")]
    fn indexing_past_the_last_row_panics_as_a_vector_does() {
        let rows = Rows::from_vecs(1, vec![ints(&[1]), ints(&[2])]).expect("width 1");
        let _ = &rows[2];
    }
}
