//! Decoding of number and string tokens, with the openCypher error details.

use crate::ast::{Literal, Span};
use crate::error::{detail, Error, Result};

fn invalid_number(token: &str, span: Span) -> Error {
    Error::syntax(
        detail::INVALID_NUMBER_LITERAL,
        format!("invalid number literal '{token}'"),
        span,
    )
}

fn overflow(token: &str, negative: bool, span: Span) -> Error {
    let sign = if negative { "-" } else { "" };
    Error::syntax(
        detail::INTEGER_OVERFLOW,
        format!("integer literal {sign}{token} does not fit in 64 bits"),
        span,
    )
}

fn integer_in_radix(
    token: &str,
    digits: &str,
    radix: u32,
    negative: bool,
    span: Span,
) -> Result<Literal> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(invalid_number(token, span));
    }
    // Up to 2^64 fits exactly in i128 after trimming leading zeros; longer digit strings
    // overflow whatever their value.
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 40 {
        return Err(overflow(token, negative, span));
    }
    let magnitude =
        match u128::from_str_radix(if trimmed.is_empty() { "0" } else { trimmed }, radix) {
            Ok(v) => v,
            Err(_) => return Err(overflow(token, negative, span)),
        };
    let value = if negative {
        if magnitude > (i64::MAX as u128) + 1 {
            return Err(overflow(token, negative, span));
        }
        (-(magnitude as i128)) as i64
    } else {
        if magnitude > i64::MAX as u128 {
            return Err(overflow(token, negative, span));
        }
        magnitude as i64
    };
    Ok(Literal::Integer(value))
}

/// Checks `digits [. digits] [e [+-] digits]` or `. digits [e ...]`.
fn is_decimal_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_digits = count_digits(b.get(i..).unwrap_or_default());
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(b.get(i..).unwrap_or_default());
        if frac_digits == 0 {
            return false;
        }
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = count_digits(b.get(i..).unwrap_or_default());
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Decodes a number token; `negative` when a unary minus was written directly before it.
pub(super) fn number(token: &str, negative: bool, span: Span) -> Result<Literal> {
    let lower = token.to_ascii_lowercase();
    if let Some(digits) = lower.strip_prefix("0x") {
        return integer_in_radix(token, digits, 16, negative, span);
    }
    if let Some(digits) = lower.strip_prefix("0o") {
        return integer_in_radix(token, digits, 8, negative, span);
    }
    if token.bytes().all(|c| c.is_ascii_digit()) {
        if token.len() > 1 && token.starts_with('0') {
            // Legacy octal: `017` is 15.
            return integer_in_radix(token, &token[1..], 8, negative, span);
        }
        return integer_in_radix(token, token, 10, negative, span);
    }
    if !is_decimal_float(token) {
        return Err(invalid_number(token, span));
    }
    let value: f64 = token.parse().map_err(|_| invalid_number(token, span))?;
    if value.is_infinite() {
        return Err(Error::syntax(
            detail::FLOATING_POINT_OVERFLOW,
            format!("floating point literal {token} is too large"),
            span,
        ));
    }
    Ok(Literal::Float(if negative { -value } else { value }))
}

/// Decodes a quoted string token (quotes included) with its escapes.
pub(super) fn string(token: &str, span: Span) -> Result<String> {
    let inner = token
        .get(1..token.len().saturating_sub(1))
        .ok_or_else(|| Error::internal("string token too short"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = span.start + 1 + i;
        let Some((_, e)) = chars.next() else {
            return Err(Error::syntax(
                detail::UNEXPECTED_SYNTAX,
                "unterminated escape sequence",
                Span::new(at, at + 1),
            ));
        };
        let simple = match e {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'b' | 'B' => Some('\u{8}'),
            'f' | 'F' => Some('\u{c}'),
            'n' | 'N' => Some('\n'),
            'r' | 'R' => Some('\r'),
            't' | 'T' => Some('\t'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            continue;
        }
        let len = match e {
            'u' => 4,
            'U' => 8,
            _ => {
                return Err(Error::syntax(
                    detail::UNEXPECTED_SYNTAX,
                    format!("invalid escape sequence '\\{e}'"),
                    Span::new(at, at + 1 + e.len_utf8()),
                ))
            }
        };
        let hex: String = chars.clone().take(len).map(|(_, c)| c).collect();
        let bad = || {
            Error::syntax(
                detail::INVALID_UNICODE_LITERAL,
                format!("invalid unicode escape '\\{e}{hex}'"),
                Span::new(at, at + 2 + hex.len()),
            )
        };
        if hex.chars().count() != len || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let code = u32::from_str_radix(&hex, 16).map_err(|_| bad())?;
        out.push(char::from_u32(code).ok_or_else(bad)?);
        for _ in 0..len {
            chars.next();
        }
    }
    Ok(out)
}
