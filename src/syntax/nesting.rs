//! A cheap scan run before pest: rejects inputs nested deeper than [`super::MAX_NESTING`] so
//! that the recursive-descent parser can never run out of stack.

use crate::ast::Span;
use crate::error::{detail, Error, Result};

use super::MAX_NESTING;

/// Fails when brackets or `CASE` expressions nest deeper than [`MAX_NESTING`]; returns the
/// deepest nesting otherwise. Strings, backticked names and comments are skipped; unbalanced
/// brackets are left to the grammar.
#[allow(
    clippy::indexing_slicing,
    reason = "every index is below `bytes.len()`: checked by the loop conditions, and `start - 1` only when `start > 0`"
)]
pub(super) fn check(text: &str) -> Result<usize> {
    let mut max = 0;
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut last_significant: u8 = b' ';
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' | b'"' | b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b {
                    if bytes[i] == b'\\' && b != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                if depth > MAX_NESTING {
                    return Err(too_deep(i));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &text[start..i];
                let preceded_by_word = start > 0 && {
                    let p = bytes[start - 1];
                    p.is_ascii_digit() || p >= 0x80
                };
                if !preceded_by_word && last_significant != b'.' {
                    if word.eq_ignore_ascii_case("CASE") {
                        depth += 1;
                        max = max.max(depth);
                        if depth > MAX_NESTING {
                            return Err(too_deep(start));
                        }
                    } else if word.eq_ignore_ascii_case("END") {
                        depth = depth.saturating_sub(1);
                    }
                }
                last_significant = b'a';
                continue;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            last_significant = b;
        }
        i += 1;
    }
    Ok(max)
}

fn too_deep(at: usize) -> Error {
    Error::syntax(
        detail::UNEXPECTED_SYNTAX,
        format!("query is too deeply nested (more than {MAX_NESTING} levels)"),
        Span::new(at, at + 1),
    )
}
