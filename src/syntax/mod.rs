//! Text to AST: the pest grammar (`grammar/cypher.pest`) and the lowering of pest pairs into
//! [`crate::ast`]. pest types never leave this module.

mod checks;
mod errors;
mod literals;
mod lower;
mod nesting;
#[cfg(test)]
mod tests;

use pest::Parser;

use crate::ast::{Expr, Statement};
use crate::error::Result;

/// The generated parser lives in a private module so that its `Rule` enum stays internal.
mod grammar {
    /// The pest parser generated from `grammar/cypher.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/cypher.pest"]
    pub(super) struct CypherParser;
}

use grammar::{CypherParser, Rule};

/// The layers of the expression grammar (one per precedence level, and the map of a
/// comprehension): each wraps the next and, with a single operand, holds nothing else.
fn is_expression_layer(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expression
            | Rule::comprehension_map
            | Rule::or_expr
            | Rule::xor_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::predicate_expr
            | Rule::add_expr
            | Rule::mul_expr
            | Rule::pow_expr
            | Rule::unary_expr
            | Rule::postfix_expr
    )
}

/// The deepest nesting of brackets (`(`, `[`, `{`) and `CASE` expressions accepted.
pub const MAX_NESTING: usize = 256;

/// The tallest expression tree accepted (long operator chains such as `1 + 1 + ... + 1`
/// build tall trees without any brackets).
pub const MAX_EXPRESSION_HEIGHT: usize = 1000;

/// Parses a script: one or more statements separated by `;` (a trailing `;` is allowed).
/// Comments (`//`, `/* */`) are skipped. An empty script gives an empty list.
pub fn parse(text: &str) -> Result<Vec<Statement>> {
    let depth = nesting::check(text)?;
    with_stack_for(depth, || parse_script(text))
}

fn parse_script(text: &str) -> Result<Vec<Statement>> {
    let mut pairs = CypherParser::parse(Rule::script, text)
        .map_err(|e| errors::convert(text, Rule::script, e))?;
    let script = lower::single(&mut pairs)?;
    let statements = lower::Lowerer::new().script(script)?;
    statements.iter().try_for_each(checks::statement)?;
    Ok(statements)
}

/// Parses a single expression (used for `--param name=value` and test parameters).
pub fn parse_expression(text: &str) -> Result<Expr> {
    let depth = nesting::check(text)?;
    with_stack_for(depth, || parse_expr_only(text))
}

fn parse_expr_only(text: &str) -> Result<Expr> {
    let mut pairs = CypherParser::parse(Rule::expression_only, text)
        .map_err(|e| errors::convert(text, Rule::expression_only, e))?;
    let entry = lower::single(&mut pairs)?;
    lower::Lowerer::new().expression_only(entry)
}

/// Nesting up to this depth is parsed on the caller's stack.
const SHALLOW_NESTING: usize = 24;

/// Runs `f` directly for shallow inputs, and on a helper thread with a stack big enough for
/// [`MAX_NESTING`] levels otherwise (recursive descent needs several kilobytes per level).
fn with_stack_for<T: Send>(depth: usize, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    if depth <= SHALLOW_NESTING {
        return f();
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("baobab-parser".into())
            .stack_size(256 << 20)
            .spawn_scoped(scope, f)
            .map_err(|e| {
                crate::error::Error::internal(format!("cannot start parser thread: {e}"))
            })?;
        handle
            .join()
            .unwrap_or_else(|_| Err(crate::error::Error::internal("parser thread panicked")))
    })
}
