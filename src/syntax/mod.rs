//! Text to AST: the pest grammar (`grammar/cypher.pest`) and the lowering of pest pairs into
//! [`crate::ast`]. pest types never leave this module.

use crate::ast::{Expr, Statement};
use crate::error::Result;

/// Parses a script: one or more statements separated by `;` (a trailing `;` is allowed).
/// Comments (`//`, `/* */`) are skipped. An empty script gives an empty list.
pub fn parse(text: &str) -> Result<Vec<Statement>> {
    let _ = text;
    todo!("parser")
}

/// Parses a single expression (used for `--param name=value` and test parameters).
pub fn parse_expression(text: &str) -> Result<Expr> {
    let _ = text;
    todo!("parser")
}
