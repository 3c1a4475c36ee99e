//! Numeric functions: `abs`, `ceil`, `floor`, `round`, `sign`, `sqrt`, `exp`, `log`, `log10`,
//! the trigonometric functions, `degrees`, `radians`, `pi`, `e`, `rand`, `randomUUID`.
//! Any null argument gives null; other non-numbers are a `TypeError`.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::Value;

use super::{arg, invalid_value, EntityView};

/// The numeric argument `i` as a float, `None` for null.
fn num_arg(func: &str, args: &[Value], i: usize) -> Result<Option<f64>> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::Int(n) => Ok(Some(*n as f64)),
        Value::Float(f) => Ok(Some(*f)),
        v => Err(invalid_value(func, "a number", v)),
    }
}

fn unary(func: &str, args: &[Value], f: fn(f64) -> f64) -> Result<Value> {
    Ok(num_arg(func, args, 0)?.map_or(Value::Null, |x| Value::Float(f(x))))
}

macro_rules! float_fns {
    ($($(#[$doc:meta])* $rust:ident => $name:literal, $f:expr;)*) => {
        $(
            $(#[$doc])*
            pub(super) fn $rust(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
                unary($name, args, $f)
            }
        )*
    };
}

float_fns! {
    /// `ceil(x)`: the smallest integral float not below `x`.
    ceil => "ceil", f64::ceil;
    /// `floor(x)`: the largest integral float not above `x`.
    floor => "floor", f64::floor;
    /// `sqrt(x)`.
    sqrt => "sqrt", f64::sqrt;
    /// `exp(x)`: e to the power `x`.
    exp => "exp", f64::exp;
    /// `log(x)`: the natural logarithm.
    log => "log", f64::ln;
    /// `log10(x)`.
    log10 => "log10", f64::log10;
    /// `sin(x)`, radians.
    sin => "sin", f64::sin;
    /// `cos(x)`, radians.
    cos => "cos", f64::cos;
    /// `tan(x)`, radians.
    tan => "tan", f64::tan;
    /// `cot(x)`, radians.
    cot => "cot", |x| 1.0 / x.tan();
    /// `asin(x)`.
    asin => "asin", f64::asin;
    /// `acos(x)`.
    acos => "acos", f64::acos;
    /// `atan(x)`.
    atan => "atan", f64::atan;
    /// `haversin(x)`: half of `1 - cos(x)`.
    haversin => "haversin", |x| (1.0 - x.cos()) / 2.0;
    /// `degrees(x)`: radians to degrees.
    degrees => "degrees", f64::to_degrees;
    /// `radians(x)`: degrees to radians.
    radians => "radians", f64::to_radians;
}

/// `atan2(y, x)`.
pub(super) fn atan2(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let y = num_arg("atan2", args, 0)?;
    let x = num_arg("atan2", args, 1)?;
    Ok(match (y, x) {
        (Some(y), Some(x)) => Value::Float(y.atan2(x)),
        _ => Value::Null,
    })
}

/// `pi()`.
pub(super) fn pi(_: &dyn EntityView, _: &[Value]) -> Result<Value> {
    Ok(Value::Float(std::f64::consts::PI))
}

/// `e()`.
pub(super) fn e(_: &dyn EntityView, _: &[Value]) -> Result<Value> {
    Ok(Value::Float(std::f64::consts::E))
}

/// `abs(x)`: integers stay integers (`abs` of the smallest integer overflows).
pub(super) fn abs(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(|| {
            Error::runtime(
                ErrorKind::ArithmeticError,
                detail::INTEGER_OVERFLOW,
                format!("integer overflow in `abs({i})`"),
            )
        }),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        v => Err(invalid_value("abs", "a number", v)),
    }
}

/// `sign(x)`: -1, 0 or 1 as an integer (0 for NaN).
pub(super) fn sign(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Int(i) => Ok(Value::Int(i.signum())),
        Value::Float(f) => Ok(Value::Int(if *f > 0.0 {
            1
        } else if *f < 0.0 {
            -1
        } else {
            0
        })),
        v => Err(invalid_value("sign", "a number", v)),
    }
}

/// Rounds half up (towards positive infinity), as `round(x)` does: `round(-1.5) = -1.0`.
fn round_half_up(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    r + 0.0
}

/// A rounding mode of `round(x, precision, mode)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Up,
    Down,
    Ceiling,
    Floor,
    HalfUp,
    HalfDown,
    HalfEven,
}

impl Mode {
    fn parse(s: &str) -> Option<Mode> {
        Some(match s.to_ascii_uppercase().as_str() {
            "UP" => Mode::Up,
            "DOWN" => Mode::Down,
            "CEILING" => Mode::Ceiling,
            "FLOOR" => Mode::Floor,
            "HALF_UP" => Mode::HalfUp,
            "HALF_DOWN" => Mode::HalfDown,
            "HALF_EVEN" => Mode::HalfEven,
            _ => return None,
        })
    }
}

/// How the discarded digits compare with half a unit of the last kept digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rest {
    Below,
    Half,
    Above,
}

/// Rounds `x` to `precision` decimal places, working on the shortest decimal form of `x` (so
/// `round(2.675, 2)` is `2.68`, as a decimal reader expects).
fn round_decimal(x: f64, precision: i64, mode: Mode) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // Beyond ±400 places every finite float rounds alike; clamping keeps the arithmetic
    // below from overflowing.
    let precision = precision.clamp(-400, 400);
    let negative = x < 0.0;
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // x = 0.d1d2d3... * 10^(exp + 1); keep the first `keep` digits.
    let keep = (exp + 1).saturating_add(precision);
    if keep >= digits.len() as i64 {
        return x;
    }
    let (kept, rest) = if keep <= 0 {
        // Every digit is discarded, and they are worth less than half a unit unless the first
        // discarded digit is the first digit itself.
        let rest = if keep == 0 {
            classify(&digits)
        } else {
            Rest::Below
        };
        (0u64, rest)
    } else {
        let k = keep as usize;
        let kept = digits
            .iter()
            .take(k)
            .fold(0u64, |acc, d| acc * 10 + u64::from(*d));
        (kept, classify(digits.get(k..).unwrap_or_default()))
    };
    let away_from_zero = match mode {
        Mode::Up => true,
        Mode::Down => false,
        Mode::Ceiling => !negative,
        Mode::Floor => negative,
        Mode::HalfUp => rest != Rest::Below,
        Mode::HalfDown => rest == Rest::Above,
        Mode::HalfEven => rest == Rest::Above || (rest == Rest::Half && kept % 2 == 1),
    };
    let kept = if away_from_zero { kept + 1 } else { kept };
    if kept == 0 {
        return 0.0;
    }
    let value: f64 = format!("{kept}e{}", -precision).parse().unwrap_or(x);
    if negative {
        -value
    } else {
        value
    }
}

/// Compares discarded digits (non-empty, not all zero) with one half.
fn classify(rest: &[u8]) -> Rest {
    match rest.split_first() {
        Some((5, tail)) if tail.iter().all(|d| *d == 0) => Rest::Half,
        Some((d, _)) if *d >= 5 => Rest::Above,
        _ => Rest::Below,
    }
}

/// `round(x)`: the nearest integral float, halves rounded up (`round(-1.5) = -1.0`).
/// `round(x, precision[, mode])`: rounded to `precision` decimal places with a rounding mode
/// (`UP`, `DOWN`, `CEILING`, `FLOOR`, `HALF_UP` (the default), `HALF_DOWN`, `HALF_EVEN`).
pub(super) fn round(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let Some(x) = num_arg("round", args, 0)? else {
        return Ok(Value::Null);
    };
    if args.len() < 2 {
        return Ok(Value::Float(round_half_up(x)));
    }
    let precision = match arg(args, 1) {
        Value::Null => return Ok(Value::Null),
        Value::Int(p) => *p,
        v => return Err(invalid_value("round", "an INTEGER precision", v)),
    };
    let mode = match arg(args, 2) {
        Value::Null if args.len() < 3 => Mode::HalfUp,
        Value::Null => return Ok(Value::Null),
        Value::String(s) => Mode::parse(s).ok_or_else(|| {
            Error::runtime(
                ErrorKind::ArgumentError,
                detail::INVALID_ARGUMENT_VALUE,
                format!("`round` got an unknown rounding mode '{s}'"),
            )
        })?,
        v => return Err(invalid_value("round", "a STRING rounding mode", v)),
    };
    Ok(Value::Float(round_decimal(x, precision, mode)))
}

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    let mut h = RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    h.finish() | 1
}

/// The next number of a per-thread xorshift64* generator.
fn next_u64() -> u64 {
    RNG.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// `rand()`: a uniformly distributed float in `[0, 1)`.
pub(super) fn rand(_: &dyn EntityView, _: &[Value]) -> Result<Value> {
    Ok(Value::Float(
        (next_u64() >> 11) as f64 / (1u64 << 53) as f64,
    ))
}

/// `randomUUID()`: a random (version 4) UUID string.
pub(super) fn random_uuid(_: &dyn EntityView, _: &[Value]) -> Result<Value> {
    let hi = (next_u64() & !0xF000) | 0x4000;
    let lo = (next_u64() & !(0b11 << 62)) | (0b10 << 62);
    Ok(Value::from(format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_round(x: f64, precision: i64, mode: Mode, expected: f64) {
        let got = round_decimal(x, precision, mode);
        assert!(
            got == expected && got.is_sign_negative() == expected.is_sign_negative(),
            "round({x}, {precision}, {mode:?}) = {got}, expected {expected}"
        );
    }

    #[test]
    fn rounding() {
        use Mode::*;
        assert_eq!(round_half_up(-1.5), -1.0);
        assert_eq!(round_half_up(1.5), 2.0);
        assert_eq!(round_half_up(0.499_999_999_999_999_94), 0.0);
        assert!(round_half_up(-0.4).is_sign_positive());
        check_round(2.675, 2, HalfUp, 2.68);
        check_round(-1.5, 0, HalfUp, -2.0);
        check_round(1.25, 1, HalfEven, 1.2);
        check_round(1.35, 1, HalfEven, 1.4);
        check_round(1.25, 1, HalfDown, 1.2);
        check_round(1.21, 1, Up, 1.3);
        check_round(-1.29, 1, Down, -1.2);
        check_round(-1.21, 1, Ceiling, -1.2);
        check_round(-1.21, 1, Floor, -1.3);
        check_round(1234.5, -2, HalfUp, 1200.0);
        check_round(0.04, 1, HalfUp, 0.0);
        check_round(0.05, 1, HalfUp, 0.1);
        check_round(0.004, 1, Up, 0.1);
        check_round(0.004, 1, HalfUp, 0.0);
        check_round(9.99, 1, HalfUp, 10.0);
        check_round(3.0, 5, HalfUp, 3.0);
        check_round(1e300, -400, HalfUp, 0.0);
        check_round(1e-300, 400, HalfUp, 1e-300);
        check_round(1.5, i64::MIN, Up, f64::INFINITY);
        check_round(1.5, i64::MIN, HalfUp, 0.0);
        check_round(1.5, i64::MAX, Up, 1.5);
    }

    #[test]
    fn random() {
        for _ in 0..1000 {
            let Ok(Value::Float(r)) = rand(&super::super::NoEntities, &[]) else {
                panic!("rand() is a float");
            };
            assert!((0.0..1.0).contains(&r));
        }
        let Ok(Value::String(u)) = random_uuid(&super::super::NoEntities, &[]) else {
            panic!("randomUUID() is a string");
        };
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes().get(14), Some(&b'4'));
    }
}
