//! Equality, equivalence, comparability and the ORDER BY order (openCypher 9, "Comparability
//! and equality").
//!
//! - [`equals`]: `=` / `<>`, three-valued (`None` is null).
//! - [`compare_op`]: `<`, `<=`, `>`, `>=`, three-valued, with NaN comparing `false`.
//! - [`compare`]: the underlying ordering of comparable values (`None` for null, incomparable
//!   types and NaN).
//! - [`order`]: the total order across all values used by ORDER BY, `min` and `max`.
//! - [`equivalent`] / [`EquivKey`]: equivalence for DISTINCT and grouping (null ≡ null,
//!   NaN ≡ NaN, `1` ≡ `1.0`).
//!
//! Integers and floats are compared exactly (no rounding of large integers through `f64`), so
//! `9007199254740993 = 9007199254740992.0` is false and all orders stay transitive.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::{Path, Value};

/// 2^63 as a float: the first float above every `i64`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Exact comparison of an integer with a float; `None` when the float is NaN.
pub(crate) fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    // In range: |t| < 2^63 or t == -2^63, so the cast is exact.
    let ti = t as i64;
    Some(match i.cmp(&ti) {
        Ordering::Equal => {
            let frac = f - t;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    })
}

/// Exact numeric comparison of two numbers; `None` if either is NaN or not a number.
fn cmp_numbers(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Float(y)) => cmp_int_float(*x, *y),
        (Value::Float(x), Value::Int(y)) => cmp_int_float(*y, *x).map(Ordering::reverse),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        _ => None,
    }
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Float(_))
}

/// Folds element results of `=` on lists and maps: any `false` wins, then any null.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match equals(x, y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// `a = b` with three-valued logic: `None` is null (unknown).
///
/// Null on either side gives null; numbers compare by value (`1 = 1.0`), NaN equals nothing;
/// lists and maps compare element-wise (different lengths or key sets are `false`; otherwise
/// any `false` element makes the result `false`, else any null element makes it null);
/// entities compare by id, paths by their node and relationship sequences; values of
/// different types are not equal.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (x, y) if is_number(x) && is_number(y) => Some(cmp_numbers(x, y) == Some(Ordering::Equal)),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y.iter()))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() || !x.keys().eq(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (Value::Node(x), Value::Node(y)) => Some(x == y),
        (Value::Relationship(x), Value::Relationship(y)) => Some(x == y),
        (Value::Path(x), Value::Path(y)) => Some(x == y),
        (Value::Temporal(x), Value::Temporal(y)) => Some(x.equals(y)),
        _ => Some(false),
    }
}

/// A comparison operator: `<`, `<=`, `>`, `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Whether an ordering satisfies the operator.
    pub fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

/// The result of comparing two values with an inequality.
enum Cmp3 {
    /// Comparable, with this ordering.
    Ord(Ordering),
    /// Unknown: a null or values of incomparable types.
    Null,
    /// Comparable types but unordered (NaN): every inequality is `false`.
    Unordered,
}

fn cmp3(a: &Value, b: &Value) -> Cmp3 {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Cmp3::Null,
        (x, y) if is_number(x) && is_number(y) => match cmp_numbers(x, y) {
            Some(o) => Cmp3::Ord(o),
            None => Cmp3::Unordered,
        },
        (Value::String(x), Value::String(y)) => Cmp3::Ord(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Cmp3::Ord(x.cmp(y)),
        (Value::Temporal(x), Value::Temporal(y)) => match x.compare(y) {
            Some(o) => Cmp3::Ord(o),
            None => Cmp3::Null,
        },
        (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                match cmp3(p, q) {
                    Cmp3::Ord(Ordering::Equal) => {}
                    other => return other,
                }
            }
            Cmp3::Ord(x.len().cmp(&y.len()))
        }
        _ => Cmp3::Null,
    }
}

/// The ordering used by `<`, `<=`, `>`, `>=`: `None` when the values are not comparable or
/// one is null (and for NaN, which is unordered; see [`compare_op`]).
///
/// Numbers compare with numbers (integers and floats mixed, exactly), strings by Unicode code
/// point, booleans with `false < true`, lists lexicographically with this same comparison (a
/// strict prefix is smaller; the first element pair that is not equal decides, and if it is
/// null or incomparable the result is `None`). Everything else is incomparable.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match cmp3(a, b) {
        Cmp3::Ord(o) => Some(o),
        Cmp3::Null | Cmp3::Unordered => None,
    }
}

/// Evaluates `a op b` for an inequality operator with three-valued logic: `None` is null.
///
/// Like [`compare`], except that a NaN met where the order is decided gives `false` rather
/// than null (`0.0/0.0 < 1` is `false`, `0.0/0.0 < 'a'` is null), as the TCK requires.
/// The evaluator should use this for `<`, `<=`, `>`, `>=`.
pub fn compare_op(op: CmpOp, a: &Value, b: &Value) -> Option<bool> {
    match cmp3(a, b) {
        Cmp3::Ord(o) => Some(op.holds(o)),
        Cmp3::Null => None,
        Cmp3::Unordered => Some(false),
    }
}

/// The rank of a value's type in the global order: MAP < NODE < RELATIONSHIP < LIST < PATH <
/// TEMPORAL < STRING < BOOLEAN < NUMBER < NULL.
fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Map(_) => 0,
        Value::Node(_) => 1,
        Value::Relationship(_) => 2,
        Value::List(_) => 3,
        Value::Path(_) => 4,
        Value::Temporal(_) => 5,
        Value::String(_) => 6,
        Value::Bool(_) => 7,
        Value::Int(_) | Value::Float(_) => 8,
        Value::Null => 9,
    }
}

fn order_numbers(a: &Value, b: &Value) -> Ordering {
    let a_nan = matches!(a, Value::Float(f) if f.is_nan());
    let b_nan = matches!(b, Value::Float(f) if f.is_nan());
    match (a_nan, b_nan) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => cmp_numbers(a, b).unwrap_or(Ordering::Equal),
    }
}

fn order_seq<'a>(
    a: impl IntoIterator<Item = &'a Value>,
    b: impl IntoIterator<Item = &'a Value>,
) -> Ordering {
    let mut a = a.into_iter();
    let mut b = b.into_iter();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match order(x, y) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
}

fn order_paths(a: &Path, b: &Path) -> Ordering {
    // Alternating node, relationship, node, ...: compare element by element.
    let mut i = 0;
    loop {
        let x = a.nodes.get(i);
        let y = b.nodes.get(i);
        match (x, y) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Equal => {}
                o => return o,
            },
        }
        match (a.rels.get(i), b.rels.get(i)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Equal => {}
                o => return o,
            },
        }
        i += 1;
    }
}

/// The total order used by ORDER BY (ascending), across all types.
///
/// Types are ranked MAP < NODE < RELATIONSHIP < LIST < PATH < STRING < BOOLEAN < NUMBER <
/// NULL (so null sorts last ascending). Within a type: maps by their sorted `(key, value)`
/// entries, entities by id, lists element-wise (a strict prefix first), paths by their
/// alternating node/relationship ids, strings by code point, `false < true`, numbers by value
/// with integers and floats interleaved (`1` and `1.0` are tied) and NaN after `+Infinity`.
/// This is a total preorder: ties are exactly the [`equivalent`] values.
#[inline]
pub fn order(a: &Value, b: &Value) -> Ordering {
    // Sort keys are mostly integers or strings: those in place, without ranking the types.
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => order_strings(x, y),
        _ => order_ranked(a, b),
    }
}

/// Strings by code point (their UTF-8 bytes), the first bytes compared in place: sort keys
/// such as names mostly differ there, and the library comparison is a call to `memcmp`.
#[inline]
fn order_strings(x: &str, y: &str) -> Ordering {
    let (a, b) = (x.as_bytes(), y.as_bytes());
    match (a.first(), b.first()) {
        (Some(p), Some(q)) if p != q => p.cmp(q),
        _ => a.cmp(b),
    }
}

/// [`order`] of any two values.
fn order_ranked(a: &Value, b: &Value) -> Ordering {
    let (ra, rb) = (type_rank(a), type_rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            let mut xi = x.iter();
            let mut yi = y.iter();
            loop {
                match (xi.next(), yi.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some((kx, vx)), Some((ky, vy))) => {
                        match kx.cmp(ky).then_with(|| order(vx, vy)) {
                            Ordering::Equal => {}
                            o => return o,
                        }
                    }
                }
            }
        }
        (Value::Node(x), Value::Node(y)) => x.cmp(y),
        (Value::Relationship(x), Value::Relationship(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) => order_seq(x, y),
        (Value::Path(x), Value::Path(y)) => order_paths(x, y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Temporal(x), Value::Temporal(y)) => x.order(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (x, y) => order_numbers(x, y),
    }
}

/// Equivalence, used by DISTINCT, grouping and `IN`-free set semantics: like equality, but
/// `null` is equivalent to `null` and NaN to NaN, and the result is always a boolean.
/// Numbers are equivalent when numerically equal (`1` ≡ `1.0`); lists and maps recursively.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (x, y) if is_number(x) && is_number(y) => order_numbers(x, y) == Ordering::Equal,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equivalent(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kx, vx), (ky, vy))| kx == ky && equivalent(vx, vy))
        }
        (x, y) => equals(x, y) == Some(true),
    }
}

/// A value wrapped so that `Eq` and `Hash` follow [`equivalent`]: a key for hash maps used by
/// grouping and DISTINCT.
#[derive(Debug, Clone)]
pub struct EquivKey(pub Value);

impl PartialEq for EquivKey {
    fn eq(&self, other: &Self) -> bool {
        equivalent(&self.0, &other.0)
    }
}
impl Eq for EquivKey {}
impl Hash for EquivKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state);
    }
}

/// Hashes a value consistently with [`equivalent`]: an integral float in the `i64` range
/// hashes as that integer, all NaNs alike.
pub(crate) fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    match v {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => {
            state.write_u8(1);
            b.hash(state);
        }
        Value::Int(i) => {
            state.write_u8(2);
            i.hash(state);
        }
        Value::Float(f) => {
            if f.is_nan() {
                state.write_u8(3);
            } else if f.fract() == 0.0 && *f >= -TWO_POW_63 && *f < TWO_POW_63 {
                state.write_u8(2);
                (*f as i64).hash(state);
            } else {
                state.write_u8(4);
                f.to_bits().hash(state);
            }
        }
        Value::String(s) => {
            state.write_u8(5);
            s.hash(state);
        }
        Value::List(items) => {
            state.write_u8(6);
            items.len().hash(state);
            for item in items {
                hash_value(item, state);
            }
        }
        Value::Map(map) => {
            state.write_u8(7);
            map.len().hash(state);
            for (k, v) in map {
                k.hash(state);
                hash_value(v, state);
            }
        }
        Value::Node(id) => {
            state.write_u8(8);
            id.hash(state);
        }
        Value::Relationship(id) => {
            state.write_u8(9);
            id.hash(state);
        }
        Value::Path(p) => {
            state.write_u8(10);
            p.hash(state);
        }
        Value::Temporal(t) => {
            state.write_u8(11);
            t.hash_equivalent(state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{NodeId, RelId};
    use std::collections::hash_map::DefaultHasher;
    use std::collections::BTreeMap;

    fn nan() -> Value {
        Value::Float(f64::NAN)
    }
    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }
    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }
    fn path(nodes: &[u32], rels: &[u32]) -> Value {
        Value::Path(Box::new(Path {
            nodes: nodes.iter().map(|n| NodeId(*n)).collect(),
            rels: rels.iter().map(|r| RelId(*r)).collect(),
        }))
    }

    #[track_caller]
    fn check_eq(a: Value, b: Value, expected: Option<bool>) {
        assert_eq!(equals(&a, &b), expected, "{a} = {b}");
        assert_eq!(equals(&b, &a), expected, "{b} = {a} (symmetry)");
    }

    #[test]
    fn equality() {
        use Value::Null;
        check_eq(Null, Null, None);
        check_eq(Null, 1.into(), None);
        check_eq(1.into(), 1.0.into(), Some(true));
        check_eq(1.into(), 1.5.into(), Some(false));
        check_eq(nan(), nan(), Some(false));
        check_eq(nan(), 1.into(), Some(false));
        check_eq(nan(), "a".into(), Some(false));
        check_eq("1".into(), 1.into(), Some(false));
        check_eq((-0.0).into(), 0.into(), Some(true));
        check_eq(
            Value::Int(9_007_199_254_740_993),
            Value::Float(9_007_199_254_740_992.0),
            Some(false),
        );
        check_eq(Value::Int(i64::MAX), Value::Float(TWO_POW_63), Some(false));
        check_eq(Value::Int(i64::MIN), Value::Float(-TWO_POW_63), Some(true));
        // Lists (TCK Comparison1 [6]).
        check_eq(
            list(vec![1.into(), 2.into()]),
            list(vec![1.into()]),
            Some(false),
        );
        check_eq(list(vec![Null]), list(vec![1.into()]), None);
        check_eq(list(vec!["a".into()]), list(vec![1.into()]), Some(false));
        check_eq(
            list(vec![list(vec![1.into()])]),
            list(vec![list(vec![1.into()]), list(vec![Null])]),
            Some(false),
        );
        check_eq(
            list(vec![list(vec![1.into()]), list(vec![2.into()])]),
            list(vec![list(vec![1.into()]), list(vec![Null])]),
            None,
        );
        check_eq(
            list(vec![list(vec![1.into()]), list(vec![2.into(), 3.into()])]),
            list(vec![list(vec![1.into()]), list(vec![Null])]),
            Some(false),
        );
        // Maps (TCK Comparison1 [7]).
        check_eq(map(&[]), map(&[]), Some(true));
        check_eq(
            map(&[("k", 1.0.into())]),
            map(&[("k", 1.into())]),
            Some(true),
        );
        check_eq(map(&[]), map(&[("k", Null)]), Some(false));
        check_eq(
            map(&[("k", 1.into())]),
            map(&[("k", 1.into()), ("l", Null)]),
            Some(false),
        );
        check_eq(
            map(&[("k", Null)]),
            map(&[("k", Null), ("l", Null)]),
            Some(false),
        );
        check_eq(map(&[("k", Null)]), map(&[("k", Null)]), None);
        check_eq(map(&[("k", 1.into())]), map(&[("k", Null)]), None);
        check_eq(
            map(&[("k", 1.into()), ("l", Null)]),
            map(&[("k", Null), ("l", 1.into())]),
            None,
        );
        check_eq(
            map(&[("k", 1.into()), ("l", Null)]),
            map(&[("k", 2.into()), ("l", 1.into())]),
            Some(false),
        );
        // Entities.
        check_eq(Value::Node(NodeId(1)), Value::Node(NodeId(1)), Some(true));
        check_eq(
            Value::Node(NodeId(1)),
            Value::Relationship(RelId(1)),
            Some(false),
        );
        check_eq(path(&[1, 1], &[2]), path(&[1, 1], &[2]), Some(true));
        check_eq(path(&[1, 2], &[2]), path(&[2, 1], &[2]), Some(false));
    }

    #[track_caller]
    fn check_cmp(a: Value, op: CmpOp, b: Value, expected: Option<bool>) {
        assert_eq!(compare_op(op, &a, &b), expected, "{a} {op:?} {b}");
    }

    #[test]
    fn comparisons() {
        use CmpOp::*;
        use Value::Null;
        check_cmp(1.into(), Lt, 3.25.into(), Some(true));
        check_cmp(3.25.into(), Ge, 1.into(), Some(true));
        check_cmp(1.into(), Lt, 1.0.into(), Some(false));
        check_cmp(1.into(), Le, 1.0.into(), Some(true));
        check_cmp("1".into(), Lt, 1.into(), None);
        check_cmp("a".into(), Lt, "b".into(), Some(true));
        check_cmp("B".into(), Lt, "a".into(), Some(true));
        check_cmp(false.into(), Lt, true.into(), Some(true));
        check_cmp(Null, Lt, 1.into(), None);
        check_cmp(map(&[]), Lt, map(&[]), None);
        check_cmp(Value::Node(NodeId(0)), Le, Value::Node(NodeId(0)), None);
        for op in [Lt, Le, Gt, Ge] {
            check_cmp(nan(), op, 1.into(), Some(false));
            check_cmp(nan(), op, 1.0.into(), Some(false));
            check_cmp(nan(), op, nan(), Some(false));
            check_cmp(nan(), op, "a".into(), None);
        }
        // TCK Comparison2 [4].
        let l = |v: Vec<Value>| list(v);
        check_cmp(
            l(vec![1.into(), 0.into()]),
            Ge,
            l(vec![1.into()]),
            Some(true),
        );
        check_cmp(l(vec![1.into(), Null]), Ge, l(vec![1.into()]), Some(true));
        check_cmp(
            l(vec![1.into(), 2.into()]),
            Ge,
            l(vec![1.into(), Null]),
            None,
        );
        check_cmp(
            l(vec![1.into(), "a".into()]),
            Ge,
            l(vec![1.into(), Null]),
            None,
        );
        check_cmp(
            l(vec![1.into(), 2.into()]),
            Ge,
            l(vec![3.into(), Null]),
            Some(false),
        );
        assert_eq!(compare(&nan(), &1.into()), None);
        assert_eq!(compare(&2.into(), &1.5.into()), Some(Ordering::Greater));
    }

    fn sample() -> Vec<Value> {
        use Value::Null;
        vec![
            Null,
            nan(),
            f64::INFINITY.into(),
            f64::NEG_INFINITY.into(),
            1.into(),
            1.0.into(),
            1.5.into(),
            2.into(),
            (-0.0).into(),
            0.into(),
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Float(TWO_POW_63),
            Value::Int(9_007_199_254_740_993),
            Value::Float(9_007_199_254_740_992.0),
            true.into(),
            false.into(),
            "".into(),
            "a".into(),
            "B".into(),
            list(vec![]),
            list(vec![1.into()]),
            list(vec![1.0.into()]),
            list(vec![1.into(), Null]),
            list(vec![Null]),
            list(vec![nan()]),
            list(vec![list(vec![2.into()]), "x".into()]),
            list(vec!["x".into()]),
            map(&[]),
            map(&[("a", 1.into())]),
            map(&[("a", 1.0.into())]),
            map(&[("a", Null)]),
            map(&[("b", 0.into())]),
            Value::Node(NodeId(0)),
            Value::Node(NodeId(3)),
            Value::Relationship(RelId(0)),
            path(&[0], &[]),
            path(&[0, 1], &[0]),
            path(&[0, 1], &[1]),
        ]
    }

    fn hash_of(v: &Value) -> u64 {
        let mut h = DefaultHasher::new();
        EquivKey(v.clone()).hash(&mut h);
        h.finish()
    }

    #[test]
    fn order_is_a_total_preorder() {
        let s = sample();
        for a in &s {
            assert_eq!(order(a, a), Ordering::Equal, "reflexive {a}");
            for b in &s {
                let ab = order(a, b);
                assert_eq!(ab, order(b, a).reverse(), "antisymmetric {a} {b}");
                assert_eq!(ab == Ordering::Equal, equivalent(a, b), "ties {a} {b}");
                for c in &s {
                    if ab != Ordering::Greater && order(b, c) != Ordering::Greater {
                        assert_ne!(order(a, c), Ordering::Greater, "transitive {a} {b} {c}");
                    }
                }
            }
        }
    }

    #[test]
    fn order_ranks_types() {
        let ascending = vec![
            map(&[("z", 1.into())]),
            Value::Node(NodeId(9)),
            Value::Relationship(RelId(9)),
            list(vec![]),
            path(&[0], &[]),
            "".into(),
            false.into(),
            true.into(),
            f64::NEG_INFINITY.into(),
            1.into(),
            1.5.into(),
            2.into(),
            f64::INFINITY.into(),
            nan(),
            Value::Null,
        ];
        for w in ascending.windows(2) {
            assert_eq!(order(&w[0], &w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(
            order(&list(vec![1.into()]), &list(vec![1.into(), 0.into()])),
            Ordering::Less
        );
        assert_eq!(
            order(&list(vec![2.into()]), &list(vec![1.into(), 0.into()])),
            Ordering::Greater
        );
    }

    #[test]
    fn equivalence_and_hash() {
        let s = sample();
        for a in &s {
            assert!(equivalent(a, a), "reflexive {a}");
            for b in &s {
                assert_eq!(equivalent(a, b), equivalent(b, a), "symmetric {a} {b}");
                if equivalent(a, b) {
                    assert_eq!(hash_of(a), hash_of(b), "hash {a} {b}");
                }
                if equals(a, b) == Some(true) {
                    assert!(equivalent(a, b), "equal implies equivalent {a} {b}");
                }
            }
        }
        assert!(equivalent(&Value::Null, &Value::Null));
        assert!(equivalent(&nan(), &nan()));
        assert!(equivalent(&1.into(), &1.0.into()));
        assert!(equivalent(
            &list(vec![Value::Null]),
            &list(vec![Value::Null])
        ));
        assert!(!equivalent(&"1".into(), &1.into()));
        let set: std::collections::HashSet<EquivKey> =
            [1.into(), 1.0.into(), Value::Null, Value::Null, nan(), nan()]
                .into_iter()
                .map(EquivKey)
                .collect();
        assert_eq!(set.len(), 3);
    }
}
