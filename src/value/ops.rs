//! Arithmetic operators (`+`, `-`, `*`, `/`, `%`, `^`, unary `-`) on values.
//!
//! - Null in, null out: any null operand gives null.
//! - Integer with integer stays integer; overflow is an `ArithmeticError` (`IntegerOverflow`),
//!   integer division truncates towards zero, and integer `/` or `%` by zero is an
//!   `ArithmeticError` (`DivisionByZero`).
//! - Integer with float gives float; float division by zero gives ±Infinity or NaN.
//! - `^` always gives a float.
//! - `+` also concatenates strings (a number on the other side is converted to its string
//!   form), concatenates lists, appends to and prepends to lists.
//! - Any other combination is a `TypeError` (`InvalidArgumentType`) naming both types.

use crate::error::{detail, Error, ErrorKind, Result};

use super::temporal::{add_duration, duration_overflow};
use super::{format_float, Temporal, Value};

fn type_error(op: &str, a: &Value, b: &Value) -> Error {
    Error::runtime(
        ErrorKind::TypeError,
        detail::INVALID_ARGUMENT_TYPE,
        format!(
            "cannot apply `{op}` to {} and {}",
            a.type_name(),
            b.type_name()
        ),
    )
}

fn overflow(op: &str, a: i64, b: i64) -> Error {
    Error::runtime(
        ErrorKind::ArithmeticError,
        detail::INTEGER_OVERFLOW,
        format!("integer overflow in `{a} {op} {b}`"),
    )
}

fn division_by_zero(op: &str) -> Error {
    Error::runtime(
        ErrorKind::ArithmeticError,
        detail::DIVISION_BY_ZERO,
        format!("integer `{op}` by zero"),
    )
}

/// Both operands as floats, when both are numbers and at least one is a float.
fn floats(a: &Value, b: &Value) -> Option<(f64, f64)> {
    match (a, b) {
        (Value::Int(_), Value::Int(_)) => None,
        _ => Some((a.as_f64()?, b.as_f64()?)),
    }
}

/// The string form of a number used when it is concatenated to a string.
fn number_to_string(v: &Value) -> Option<String> {
    match v {
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(format_float(*f)),
        _ => None,
    }
}

/// Applies an arithmetic operator of integers (checked) and floats.
fn numeric(
    op: &str,
    a: &Value,
    b: &Value,
    int: fn(i64, i64) -> Option<i64>,
    float: fn(f64, f64) -> f64,
) -> Result<Value> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Int(x), Value::Int(y)) => int(*x, *y)
            .map(Value::Int)
            .ok_or_else(|| overflow(op, *x, *y)),
        _ => match floats(a, b) {
            Some((x, y)) => Ok(Value::Float(float(x, y))),
            None => Err(type_error(op, a, b)),
        },
    }
}

/// The longest string (in bytes) `+` builds: longer ones are a `ResourceLimit` error rather
/// than an allocation that can exhaust memory (doubling a string in `reduce` reaches any
/// size in a few dozen steps).
pub const MAX_STRING_CONCAT: usize = 1 << 28;
/// The longest list `+` builds (elements).
pub const MAX_LIST_CONCAT: usize = 1 << 24;

fn check_concat_len(len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(Error::new(
            ErrorKind::ResourceLimit,
            format!("`+` would build a value of {len} elements or bytes (at most {max})"),
        )
        .at_runtime());
    }
    Ok(())
}

/// `a + b`: numeric addition, string concatenation (a number on either side of a string is
/// converted to text), list concatenation, and appending/prepending an element to a list.
pub fn add(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Temporal(x), Value::Temporal(y)) => match (&**x, &**y) {
            (t, Temporal::Duration(d)) | (Temporal::Duration(d), t) => {
                Ok(Value::Temporal(Box::new(add_duration(t, d)?)))
            }
            _ => Err(type_error("+", a, b)),
        },
        // Lists first: a string added to a list is appended or prepended, not joined.
        (Value::List(x), Value::List(y)) => {
            check_concat_len(x.len().saturating_add(y.len()), MAX_LIST_CONCAT)?;
            let mut out = Vec::with_capacity(x.len() + y.len());
            out.extend(x.iter().cloned());
            out.extend(y.iter().cloned());
            Ok(Value::List(out))
        }
        (Value::List(x), y) => {
            check_concat_len(x.len().saturating_add(1), MAX_LIST_CONCAT)?;
            let mut out = Vec::with_capacity(x.len() + 1);
            out.extend(x.iter().cloned());
            out.push(y.clone());
            Ok(Value::List(out))
        }
        (x, Value::List(y)) => {
            check_concat_len(y.len().saturating_add(1), MAX_LIST_CONCAT)?;
            let mut out = Vec::with_capacity(y.len() + 1);
            out.push(x.clone());
            out.extend(y.iter().cloned());
            Ok(Value::List(out))
        }
        (Value::String(x), Value::String(y)) => {
            check_concat_len(x.len().saturating_add(y.len()), MAX_STRING_CONCAT)?;
            Ok(Value::String(format!("{x}{y}").into()))
        }
        (Value::String(x), y) => match number_to_string(y) {
            Some(y) => Ok(Value::String(format!("{x}{y}").into())),
            None => Err(type_error("+", a, b)),
        },
        (x, Value::String(y)) => match number_to_string(x) {
            Some(x) => Ok(Value::String(format!("{x}{y}").into())),
            None => Err(type_error("+", a, b)),
        },
        _ => numeric("+", a, b, i64::checked_add, |x, y| x + y),
    }
}

/// `a - b` on numbers.
pub fn sub(a: &Value, b: &Value) -> Result<Value> {
    if let (Value::Temporal(x), Value::Temporal(y)) = (a, b) {
        if let Temporal::Duration(d) = &**y {
            let d = d.checked_neg().ok_or_else(|| duration_overflow("-"))?;
            return Ok(Value::Temporal(Box::new(add_duration(x, &d)?)));
        }
        return Err(type_error("-", a, b));
    }
    numeric("-", a, b, i64::checked_sub, |x, y| x - y)
}

/// `a * b` on numbers.
pub fn mul(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Temporal(x), n) | (n, Value::Temporal(x)) => {
            if let (Temporal::Duration(d), Some(f)) = (&**x, n.as_f64()) {
                let d = d.checked_scale(f).ok_or_else(|| duration_overflow("*"))?;
                return Ok(Value::Temporal(Box::new(Temporal::Duration(d))));
            }
            if n.is_null() {
                return Ok(Value::Null);
            }
            return Err(type_error("*", a, b));
        }
        _ => {}
    }
    numeric("*", a, b, i64::checked_mul, |x, y| x * y)
}

/// `a / b` on numbers: integer division truncates; integer division by zero is an error.
pub fn div(a: &Value, b: &Value) -> Result<Value> {
    if let Value::Temporal(x) = a {
        if let (Temporal::Duration(d), Some(f)) = (&**x, b.as_f64()) {
            let d = d
                .checked_scale(1.0 / f)
                .ok_or_else(|| duration_overflow("/"))?;
            return Ok(Value::Temporal(Box::new(Temporal::Duration(d))));
        }
        if b.is_null() {
            return Ok(Value::Null);
        }
        return Err(type_error("/", a, b));
    }
    if let (Value::Int(_), Value::Int(0)) = (a, b) {
        return Err(division_by_zero("/"));
    }
    numeric("/", a, b, i64::checked_div, |x, y| x / y)
}

/// `a % b` on numbers: the remainder has the sign of the dividend (like `fmod`); integer
/// modulo by zero is an error.
pub fn modulo(a: &Value, b: &Value) -> Result<Value> {
    if let (Value::Int(_), Value::Int(0)) = (a, b) {
        return Err(division_by_zero("%"));
    }
    // i64::MIN % -1 is mathematically 0; `wrapping_rem` gives exactly that.
    numeric("%", a, b, |x, y| Some(x.wrapping_rem(y)), |x, y| x % y)
}

/// `a ^ b` on numbers: always a float.
pub fn pow(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Ok(Value::Float(x.powf(y))),
            _ => Err(type_error("^", a, b)),
        },
    }
}

/// Unary `-a` on a number; negating the smallest integer overflows.
pub fn neg(a: &Value) -> Result<Value> {
    match a {
        Value::Null => Ok(Value::Null),
        Value::Temporal(t) => match &**t {
            Temporal::Duration(d) => {
                let d = d.checked_neg().ok_or_else(|| duration_overflow("-"))?;
                Ok(Value::Temporal(Box::new(Temporal::Duration(d))))
            }
            _ => Err(Error::runtime(
                ErrorKind::TypeError,
                detail::INVALID_ARGUMENT_TYPE,
                format!("cannot negate a {}", t.type_name()),
            )),
        },
        Value::Int(i) => i.checked_neg().map(Value::Int).ok_or_else(|| {
            Error::runtime(
                ErrorKind::ArithmeticError,
                detail::INTEGER_OVERFLOW,
                format!("integer overflow in `-({i})`"),
            )
        }),
        Value::Float(f) => Ok(Value::Float(-f)),
        _ => Err(Error::runtime(
            ErrorKind::TypeError,
            detail::INVALID_ARGUMENT_TYPE,
            format!("cannot apply unary `-` to {}", a.type_name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type BinOp = fn(&Value, &Value) -> Result<Value>;

    #[track_caller]
    fn check(op: BinOp, a: Value, b: Value, expected: Value) {
        let got = op(&a, &b).unwrap_or_else(|e| panic!("{a}, {b}: {e}"));
        match (&got, &expected) {
            (Value::Float(x), Value::Float(y)) if x.is_nan() && y.is_nan() => {}
            _ => assert_eq!(got, expected, "{a}, {b}"),
        }
    }

    #[track_caller]
    fn check_err(op: BinOp, a: Value, b: Value, kind: ErrorKind, det: &str) {
        match op(&a, &b) {
            Ok(v) => panic!("{a}, {b}: expected an error, got {v}"),
            Err(e) => {
                assert_eq!(e.kind, kind, "{e}");
                assert_eq!(e.detail, Some(det), "{e}");
            }
        }
    }

    fn l(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn addition() {
        check(add, 1.into(), 2.into(), 3.into());
        check(add, 1.into(), 2.5.into(), 3.5.into());
        check(add, Value::Null, 2.into(), Value::Null);
        check(add, "a".into(), "b".into(), "ab".into());
        check(add, "a".into(), 1.into(), "a1".into());
        check(add, 1.0.into(), "a".into(), "1.0a".into());
        check(
            add,
            l(vec![1.into()]),
            l(vec![2.into()]),
            l(vec![1.into(), 2.into()]),
        );
        check(
            add,
            l(vec![1.into()]),
            2.into(),
            l(vec![1.into(), 2.into()]),
        );
        check(
            add,
            0.into(),
            l(vec![1.into()]),
            l(vec![0.into(), 1.into()]),
        );
        // A string beside a list is an element, not text.
        check(
            add,
            l(vec![1.into()]),
            "a".into(),
            l(vec![1.into(), "a".into()]),
        );
        check(
            add,
            "a".into(),
            l(vec![1.into()]),
            l(vec!["a".into(), 1.into()]),
        );
        check(
            add,
            l(vec![l(vec![])]),
            l(vec![l(vec![])]),
            l(vec![l(vec![]), l(vec![])]),
        );
        check_err(
            add,
            i64::MAX.into(),
            1.into(),
            ErrorKind::ArithmeticError,
            "IntegerOverflow",
        );
        check_err(
            add,
            true.into(),
            1.into(),
            ErrorKind::TypeError,
            "InvalidArgumentType",
        );
        check_err(
            add,
            "a".into(),
            true.into(),
            ErrorKind::TypeError,
            "InvalidArgumentType",
        );
    }

    #[test]
    fn other_operators() {
        check(sub, 1.into(), 3.into(), (-2).into());
        check(sub, 1.5.into(), 1.into(), 0.5.into());
        check_err(
            sub,
            i64::MIN.into(),
            1.into(),
            ErrorKind::ArithmeticError,
            "IntegerOverflow",
        );
        check(mul, 4.into(), 3.into(), 12.into());
        check(mul, 4.into(), 0.5.into(), 2.0.into());
        check_err(
            mul,
            i64::MAX.into(),
            2.into(),
            ErrorKind::ArithmeticError,
            "IntegerOverflow",
        );
        check(div, 7.into(), 2.into(), 3.into());
        check(div, (-7).into(), 2.into(), (-3).into());
        check(div, 7.0.into(), 2.into(), 3.5.into());
        check(div, 1.0.into(), 0.into(), f64::INFINITY.into());
        check(div, 0.0.into(), 0.0.into(), f64::NAN.into());
        check_err(
            div,
            1.into(),
            0.into(),
            ErrorKind::ArithmeticError,
            "DivisionByZero",
        );
        check_err(
            div,
            i64::MIN.into(),
            (-1).into(),
            ErrorKind::ArithmeticError,
            "IntegerOverflow",
        );
        check(modulo, 7.into(), 3.into(), 1.into());
        check(modulo, (-7).into(), 3.into(), (-1).into());
        check(modulo, 7.5.into(), 2.into(), 1.5.into());
        check(modulo, i64::MIN.into(), (-1).into(), 0.into());
        check_err(
            modulo,
            1.into(),
            0.into(),
            ErrorKind::ArithmeticError,
            "DivisionByZero",
        );
        check(pow, 2.into(), 3.into(), 8.0.into());
        check(pow, Value::Null, 3.into(), Value::Null);
        check_err(
            pow,
            "2".into(),
            3.into(),
            ErrorKind::TypeError,
            "InvalidArgumentType",
        );
        check(modulo, Value::Null, 0.into(), Value::Null);
        check(div, 1.into(), Value::Null, Value::Null);
    }

    #[test]
    fn negation() {
        assert_eq!(neg(&5.into()).ok(), Some((-5).into()));
        assert_eq!(neg(&Value::Null).ok(), Some(Value::Null));
        assert_eq!(neg(&1.5.into()).ok(), Some((-1.5).into()));
        assert!(neg(&i64::MIN.into()).is_err());
        assert!(neg(&"a".into()).is_err());
    }
}
