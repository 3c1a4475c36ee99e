//! Type conversions: `toInteger`, `toFloat`, `toString`, `toBoolean`, their `...OrNull`
//! variants (null instead of an error) and `...List` variants (element-wise, null for
//! elements that do not convert).
//!
//! Strings are trimmed before parsing; a string that does not parse converts to null. A
//! value of a type with no conversion is a `TypeError` (`InvalidArgumentValue`).

use crate::error::Result;
use crate::value::{format_float, Value};

use super::{arg, invalid_value, EntityView};

/// A float truncated towards zero to an integer, `None` for NaN, infinities and floats
/// outside the integer range.
fn float_to_int(f: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let t = f.trunc();
    (t.is_finite() && (-LIMIT..LIMIT).contains(&t)).then_some(t as i64)
}

fn parse_float(s: &str) -> Option<f64> {
    let s = s.trim();
    // Only decimal notation with digits; no `inf`/`nan` words except Cypher's own spellings.
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) =>
        {
            s.parse().ok()
        }
        _ => None,
    }
}

fn to_integer_value(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Int(*i),
        Value::Float(f) => float_to_int(*f).map_or(Value::Null, Value::Int),
        Value::Bool(b) => Value::Int(i64::from(*b)),
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => parse_float(s)
                .and_then(float_to_int)
                .map_or(Value::Null, Value::Int),
        },
        v => return Err(invalid_value("toInteger", "a STRING, number or BOOLEAN", v)),
    })
}

fn to_float_value(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Float(*i as f64),
        Value::Float(f) => Value::Float(*f),
        Value::String(s) => parse_float(s).map_or(Value::Null, Value::Float),
        v => return Err(invalid_value("toFloat", "a STRING or number", v)),
    })
}

fn to_string_value(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::String(s) => Value::String(s.clone()),
        Value::Int(i) => Value::from(i.to_string()),
        Value::Float(f) => Value::from(format_float(*f)),
        Value::Bool(b) => Value::from(if *b { "true" } else { "false" }),
        Value::Temporal(t) => Value::from(t.to_string()),
        v => return Err(invalid_value("toString", "a STRING, number or BOOLEAN", v)),
    })
}

fn to_boolean_value(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        Value::Int(i) => Value::Bool(*i != 0),
        Value::String(s) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else if s.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else {
                Value::Null
            }
        }
        v => {
            return Err(invalid_value(
                "toBoolean",
                "a STRING, INTEGER or BOOLEAN",
                v,
            ))
        }
    })
}

fn list_of(func: &str, args: &[Value], convert: fn(&Value) -> Result<Value>) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::List(items) => Ok(Value::List(
            items
                .iter()
                .map(|v| convert(v).unwrap_or(Value::Null))
                .collect(),
        )),
        v => Err(invalid_value(func, "a LIST", v)),
    }
}

macro_rules! conversions {
    ($($convert:ident: $plain:ident, $or_null:ident, $list:ident => $name:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "(x)`.")]
            pub(super) fn $plain(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
                $convert(arg(args, 0))
            }
            #[doc = concat!("`", $name, "OrNull(x)`: null where `", $name, "` fails.")]
            pub(super) fn $or_null(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
                Ok($convert(arg(args, 0)).unwrap_or(Value::Null))
            }
            #[doc = concat!("`", $name, "List(l)`: `", $name, "OrNull` of each element.")]
            pub(super) fn $list(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
                list_of(concat!($name, "List"), args, $convert)
            }
        )*
    };
}

conversions! {
    to_integer_value: to_integer, to_integer_or_null, to_integer_list => "toInteger";
    to_float_value: to_float, to_float_or_null, to_float_list => "toFloat";
    to_string_value: to_string, to_string_or_null, to_string_list => "toString";
    to_boolean_value: to_boolean, to_boolean_or_null, to_boolean_list => "toBoolean";
}
