//! Equality, equivalence, comparability and the ORDER BY order (openCypher 9, "Comparability
//! and equality"). Placeholder signatures: implemented with the value semantics.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::Value;

/// `a = b` with three-valued logic: `None` is null (unknown).
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    let _ = (a, b);
    todo!("value semantics")
}

/// The ordering used by `<`, `<=`, `>`, `>=`: `None` when the values are not comparable or
/// one is null.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let _ = (a, b);
    todo!("value semantics")
}

/// The total order used by ORDER BY (ascending), across all types.
pub fn order(a: &Value, b: &Value) -> Ordering {
    let _ = (a, b);
    todo!("value semantics")
}

/// Equivalence, used by DISTINCT, grouping and `IN`-free set semantics: like equality, but
/// `null` is equivalent to `null` and NaN to NaN.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    let _ = (a, b);
    todo!("value semantics")
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
        let _ = state;
        todo!("value semantics")
    }
}
