//! String functions: `toUpper`, `toLower`, `trim`, `ltrim`, `rtrim`, `replace`, `substring`,
//! `left`, `right`, `split`, `char_length`. Positions and lengths count characters (Unicode
//! code points), not bytes. Any null argument gives null.

use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::Value;

use super::{arg, invalid_value, len_to_int, EntityView};

/// The string argument `i`, `None` for null.
fn str_arg<'a>(func: &str, args: &'a [Value], i: usize) -> Result<Option<&'a str>> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        v => Err(invalid_value(func, "a STRING", v)),
    }
}

/// The non-negative integer argument `i`, `None` for null.
fn count_arg(func: &str, args: &[Value], i: usize) -> Result<Option<usize>> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::Int(n) if *n < 0 => Err(Error::runtime(
            ErrorKind::ArgumentError,
            detail::NEGATIVE_INTEGER_ARGUMENT,
            format!("`{func}` expects a non-negative INTEGER, got {n}"),
        )),
        Value::Int(n) => Ok(Some(usize::try_from(*n).unwrap_or(usize::MAX))),
        v => Err(invalid_value(func, "an INTEGER", v)),
    }
}

fn map_str(func: &str, args: &[Value], f: impl Fn(&str) -> String) -> Result<Value> {
    Ok(str_arg(func, args, 0)?.map_or(Value::Null, |s| Value::from(f(s))))
}

/// `toUpper(s)`.
pub(super) fn to_upper(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    map_str("toUpper", args, str::to_uppercase)
}

/// `toLower(s)`.
pub(super) fn to_lower(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    map_str("toLower", args, str::to_lowercase)
}

/// `trim(s)`: without leading and trailing whitespace.
pub(super) fn trim(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    map_str("trim", args, |s| s.trim().to_string())
}

/// `ltrim(s)`: without leading whitespace.
pub(super) fn ltrim(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    map_str("ltrim", args, |s| s.trim_start().to_string())
}

/// `rtrim(s)`: without trailing whitespace.
pub(super) fn rtrim(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    map_str("rtrim", args, |s| s.trim_end().to_string())
}

/// `char_length(s)`: the number of characters.
pub(super) fn char_length(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    Ok(str_arg("char_length", args, 0)?
        .map_or(Value::Null, |s| Value::Int(len_to_int(s.chars().count()))))
}

/// `replace(original, search, replacement)`: every occurrence of `search` replaced.
pub(super) fn replace(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let original = str_arg("replace", args, 0)?;
    let search = str_arg("replace", args, 1)?;
    let replacement = str_arg("replace", args, 2)?;
    Ok(match (original, search, replacement) {
        (Some(o), Some(s), Some(r)) => {
            // Each match can grow the text: refuse results past the string size bound.
            let matches = if s.is_empty() {
                o.chars().count() + 1
            } else {
                o.matches(s).count()
            };
            let len = (o.len() - matches * s.len()).saturating_add(matches.saturating_mul(r.len()));
            let max = crate::value::ops::MAX_STRING_CONCAT;
            if len > max {
                return Err(Error::new(
                    ErrorKind::ResourceLimit,
                    format!("`replace` would build a string of {len} bytes (at most {max})"),
                )
                .at_runtime());
            }
            Value::from(o.replace(s, r))
        }
        _ => Value::Null,
    })
}

/// `substring(s, start[, length])`: the characters from `start` (0-based), at most `length`
/// of them (all when omitted). Negative `start` or `length` is an `ArgumentError`
/// (`NegativeIntegerArgument`).
pub(super) fn substring(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let s = str_arg("substring", args, 0)?;
    let start = count_arg("substring", args, 1)?;
    let len = if args.len() > 2 {
        match count_arg("substring", args, 2)? {
            Some(n) => Some(n),
            None => return Ok(Value::Null),
        }
    } else {
        Some(usize::MAX)
    };
    Ok(match (s, start, len) {
        (Some(s), Some(start), Some(len)) => {
            Value::from(s.chars().skip(start).take(len).collect::<String>())
        }
        _ => Value::Null,
    })
}

/// `left(s, n)`: the first `n` characters.
pub(super) fn left(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let s = str_arg("left", args, 0)?;
    let n = count_arg("left", args, 1)?;
    Ok(match (s, n) {
        (Some(s), Some(n)) => Value::from(s.chars().take(n).collect::<String>()),
        _ => Value::Null,
    })
}

/// `right(s, n)`: the last `n` characters.
pub(super) fn right(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let s = str_arg("right", args, 0)?;
    let n = count_arg("right", args, 1)?;
    Ok(match (s, n) {
        (Some(s), Some(n)) => {
            let total = s.chars().count();
            Value::from(s.chars().skip(total.saturating_sub(n)).collect::<String>())
        }
        _ => Value::Null,
    })
}

/// `split(s, delimiter)`: the pieces between occurrences of the delimiter (a string, or a
/// list of strings any of which splits). An empty delimiter splits into characters.
pub(super) fn split(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let Some(s) = str_arg("split", args, 0)? else {
        return Ok(Value::Null);
    };
    let delims: Vec<&str> = match arg(args, 1) {
        Value::Null => return Ok(Value::Null),
        Value::String(d) => vec![d],
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(d) => out.push(&**d),
                    Value::Null => return Ok(Value::Null),
                    v => return Err(invalid_value("split", "a STRING delimiter", v)),
                }
            }
            out
        }
        v => return Err(invalid_value("split", "a STRING or LIST delimiter", v)),
    };
    let delims: Vec<&str> = delims.into_iter().filter(|d| !d.is_empty()).collect();
    if delims.is_empty() {
        return Ok(Value::List(
            s.chars().map(|c| Value::from(c.to_string())).collect(),
        ));
    }
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = s.get(i..).unwrap_or_default();
        if let Some(d) = delims.iter().find(|d| rest.starts_with(**d)) {
            pieces.push(Value::from(s.get(piece_start..i).unwrap_or_default()));
            i += d.len();
            piece_start = i;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    pieces.push(Value::from(s.get(piece_start..).unwrap_or_default()));
    Ok(Value::List(pieces))
}
