//! List functions (and the few that take lists or strings): `size`, `head`, `last`, `tail`,
//! `range`, `reverse`, `coalesce`, `isEmpty`.

use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::Value;

use super::{arg, invalid_value, len_to_int, EntityView};

/// The longest list `range()` builds; longer ones are a `ResourceLimit` error rather than an
/// allocation failure.
pub(super) const MAX_RANGE_LEN: i128 = 1 << 26;

/// `size(x)`: the number of elements of a list or of characters (code points) of a string.
pub(super) fn size(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(l) => Ok(Value::Int(len_to_int(l.len()))),
        Value::String(s) => Ok(Value::Int(len_to_int(s.chars().count()))),
        v => Err(invalid_value("size", "a LIST or STRING", v)),
    }
}

/// `head(l)`: the first element, null for an empty list.
pub(super) fn head(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(l) => Ok(l.first().cloned().unwrap_or_default()),
        v => Err(invalid_value("head", "a LIST", v)),
    }
}

/// `last(l)`: the last element, null for an empty list.
pub(super) fn last(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(l) => Ok(l.last().cloned().unwrap_or_default()),
        v => Err(invalid_value("last", "a LIST", v)),
    }
}

/// `tail(l)`: all but the first element (empty for an empty list).
pub(super) fn tail(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(l) => Ok(Value::List(l.iter().skip(1).cloned().collect())),
        v => Err(invalid_value("tail", "a LIST", v)),
    }
}

fn range_arg(name: &str, v: &Value) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        v => Err(Error::runtime(
            ErrorKind::ArgumentError,
            detail::INVALID_ARGUMENT_TYPE,
            format!("`range` expects an INTEGER {name}, got {}", v.type_name()),
        )),
    }
}

/// `range(start, end[, step])`: the integers from `start` to `end` inclusive, `step` apart
/// (default 1). An empty list when the step points away from `end`; step 0 is an
/// `ArgumentError` (`NumberOutOfRange`); non-integer arguments are an `ArgumentError`
/// (`InvalidArgumentType`), as in the TCK. Any null argument gives null.
pub(super) fn range(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let start = range_arg("start", arg(args, 0))?;
    let end = range_arg("end", arg(args, 1))?;
    let step = if args.len() > 2 {
        range_arg("step", arg(args, 2))?
    } else {
        Some(1)
    };
    let (Some(start), Some(end), Some(step)) = (start, end, step) else {
        return Ok(Value::Null);
    };
    if step == 0 {
        return Err(Error::runtime(
            ErrorKind::ArgumentError,
            detail::NUMBER_OUT_OF_RANGE,
            "`range` step must not be zero",
        ));
    }
    let (s, e, st) = (i128::from(start), i128::from(end), i128::from(step));
    let count = if (st > 0 && e < s) || (st < 0 && e > s) {
        0
    } else {
        (e - s) / st + 1
    };
    if count > MAX_RANGE_LEN {
        return Err(Error::new(
            ErrorKind::ResourceLimit,
            format!("`range` would build a list of {count} elements (at most {MAX_RANGE_LEN})"),
        )
        .at_runtime());
    }
    let mut out = Vec::new();
    let mut x = s;
    for _ in 0..count {
        // Every element lies between start and end, so it fits in an i64.
        out.push(Value::Int(i64::try_from(x).unwrap_or_default()));
        x += st;
    }
    Ok(Value::List(out))
}

/// `reverse(x)`: a string with its characters in reverse order, or a list reversed.
pub(super) fn reverse(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::from(s.chars().rev().collect::<String>())),
        Value::List(l) => Ok(Value::List(l.iter().rev().cloned().collect())),
        v => Err(invalid_value("reverse", "a STRING or LIST", v)),
    }
}

/// `coalesce(x, ...)`: the first non-null argument, or null.
pub(super) fn coalesce(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    Ok(args
        .iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or_default())
}

/// `isEmpty(x)`: whether a list, map or string is empty.
pub(super) fn is_empty(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(l) => Ok(Value::Bool(l.is_empty())),
        Value::Map(m) => Ok(Value::Bool(m.is_empty())),
        Value::String(s) => Ok(Value::Bool(s.is_empty())),
        v => Err(invalid_value("isEmpty", "a LIST, MAP or STRING", v)),
    }
}
