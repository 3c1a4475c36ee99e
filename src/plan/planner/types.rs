//! Static types: what an expression is known to hold before the query runs.
//!
//! A literal, a list or map literal, arithmetic on known numbers, a comparison, and a
//! variable bound to any of these (or by a pattern to a node, relationship or path) have a
//! type the planner knows. Where such a type makes an expression fail whatever the data,
//! the query is rejected at compile time, as openCypher asks: a property read of a number,
//! `IN` over a string, a node pattern over a variable holding a list, `labels()` of a path.
//! [`Ty::Any`] is "not known"; a check only fires on a type known to be wrong, so a query
//! that might succeed is never rejected.

use super::{err, Kind, Scope};
use crate::ast::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use crate::error::{detail, Error, ErrorKind, Result};

/// A static type. `Null` is the type of the `null` literal only; every other type also
/// admits null at run time (a comparison with null is null), which no check relies on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Ty {
    Any,
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
    Node,
    Rel,
    Path,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Any => "ANY",
            Ty::Null => "NULL",
            Ty::Bool => "BOOLEAN",
            Ty::Int => "INTEGER",
            Ty::Float => "FLOAT",
            Ty::String => "STRING",
            Ty::List => "LIST",
            Ty::Map => "MAP",
            Ty::Node => "NODE",
            Ty::Rel => "RELATIONSHIP",
            Ty::Path => "PATH",
        }
    }

    /// A value that is no map and no graph entity: it has no properties.
    fn is_plain(self) -> bool {
        matches!(self, Ty::Bool | Ty::Int | Ty::Float | Ty::String | Ty::List)
    }

    fn is_number(self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    /// A type arithmetic other than `+` never accepts (`+` joins strings and lists).
    fn no_arithmetic(self) -> bool {
        matches!(
            self,
            Ty::Bool | Ty::String | Ty::List | Ty::Map | Ty::Node | Ty::Rel | Ty::Path
        )
    }
}

/// What a variable of kind `k` holds.
pub(super) fn of_kind(k: Kind) -> Ty {
    match k {
        Kind::Node => Ty::Node,
        Kind::Rel => Ty::Rel,
        Kind::RelList => Ty::List,
        Kind::Path => Ty::Path,
        Kind::Value(t) => t,
    }
}

/// The kind of a variable bound to a value of type `t` by a projection or an UNWIND.
pub(super) fn value_kind(t: Ty) -> Kind {
    match t {
        // Only a pattern binds these kinds: a projected entity keeps its variable's kind.
        Ty::Node | Ty::Rel | Ty::Path => Kind::Value(Ty::Any),
        t => Kind::Value(t),
    }
}

/// Whether a variable of kind `k` can never hold a node (nor null).
pub(super) fn never_node(k: Kind) -> bool {
    match k {
        Kind::Node => false,
        Kind::Value(t) => matches!(
            t,
            Ty::Bool | Ty::Int | Ty::Float | Ty::String | Ty::List | Ty::Map
        ),
        Kind::Rel | Kind::RelList | Kind::Path => true,
    }
}

/// Whether a variable of kind `k` can never hold a relationship or a list of them.
pub(super) fn never_rel(k: Kind) -> bool {
    match k {
        Kind::Rel | Kind::RelList => false,
        Kind::Value(t) => matches!(t, Ty::Bool | Ty::Int | Ty::Float | Ty::String | Ty::Map),
        Kind::Node | Kind::Path => true,
    }
}

/// The static type of `e` in `scope`.
pub(super) fn type_of(e: &Expr, scope: &Scope) -> Ty {
    match &e.kind {
        ExprKind::Literal(l) => match l {
            Literal::Null => Ty::Null,
            Literal::Bool(_) => Ty::Bool,
            Literal::Integer(_) => Ty::Int,
            Literal::Float(_) => Ty::Float,
            Literal::String(_) => Ty::String,
        },
        ExprKind::Variable(v) => scope.get(v).map_or(Ty::Any, |v| of_kind(v.kind)),
        ExprKind::List(_) | ExprKind::ListComprehension { .. } => Ty::List,
        ExprKind::PatternComprehension { .. } => Ty::List,
        ExprKind::Map(_) => Ty::Map,
        ExprKind::IsNull(..) | ExprKind::HasLabels(..) => Ty::Bool,
        ExprKind::Quantified { .. } => Ty::Bool,
        ExprKind::Unary(UnaryOp::Not, _) => Ty::Bool,
        ExprKind::Unary(_, x) => match type_of(x, scope) {
            t @ (Ty::Int | Ty::Float) => t,
            _ => Ty::Any,
        },
        ExprKind::Binary(op, a, b) => binary_type(*op, type_of(a, scope), type_of(b, scope)),
        _ => Ty::Any,
    }
}

fn binary_type(op: BinaryOp, a: Ty, b: Ty) -> Ty {
    use BinaryOp::*;
    match op {
        Or | Xor | And | Eq | Ne | Lt | Le | Gt | Ge | In | StartsWith | EndsWith | Contains
        | Regex => Ty::Bool,
        Add if a == Ty::List || b == Ty::List => Ty::List,
        Add if a == Ty::String && (b == Ty::String || b.is_number()) => Ty::String,
        Add if b == Ty::String && a.is_number() => Ty::String,
        Pow if a.is_number() && b.is_number() => Ty::Float,
        Add | Sub | Mul | Div | Mod => match (a, b) {
            (Ty::Int, Ty::Int) => Ty::Int,
            (a, b) if a.is_number() && b.is_number() => Ty::Float,
            _ => Ty::Any,
        },
        Pow => Ty::Any,
    }
}

/// The type every element of list `e` is known to have: the one type of all the items of
/// a list literal, when they have one.
pub(super) fn element_type(e: &Expr, scope: &Scope) -> Ty {
    let ExprKind::List(items) = &e.kind else {
        return Ty::Any;
    };
    let mut types = items.iter().map(|i| type_of(i, scope));
    match types.next() {
        Some(first) if types.all(|t| t == first) => first,
        _ => Ty::Any,
    }
}

/// An `InvalidArgumentType` error at `e` when its type is one `refused` names; `message`
/// gets the type's name.
fn refuse(
    e: &Expr,
    scope: &Scope,
    refused: impl Fn(Ty) -> bool,
    message: impl FnOnce(&str) -> String,
) -> Result<()> {
    let t = type_of(e, scope);
    if refused(t) {
        return Err(err(
            detail::INVALID_ARGUMENT_TYPE,
            message(t.name()),
            e.span,
        ));
    }
    Ok(())
}

/// `base.key`: a type error when `base` is a value without properties, a syntax error when
/// it is a path; otherwise the static type of `base`.
pub(super) fn check_property(base: &Expr, key: &str, scope: &Scope) -> Result<Ty> {
    match type_of(base, scope) {
        Ty::Path => Err(err(
            detail::INVALID_ARGUMENT_TYPE,
            format!("a path has no properties (reading `{key}`)"),
            base.span,
        )),
        t if t.is_plain() => Err(Error::new(
            ErrorKind::TypeError,
            format!("cannot read property `{key}` of a {}", t.name()),
        )
        .with_detail(detail::INVALID_ARGUMENT_TYPE)
        .with_span(base.span)),
        t => Ok(t),
    }
}

/// `a op b`: `IN` over a value that is no list, arithmetic (other than `+`) on a value that
/// is no number.
pub(super) fn check_binary(op: BinaryOp, a: &Expr, b: &Expr, scope: &Scope) -> Result<()> {
    match op {
        BinaryOp::In => refuse(
            b,
            scope,
            |t| !matches!(t, Ty::Any | Ty::Null | Ty::List),
            |t| format!("IN expects a LIST on its right, not a {t}"),
        ),
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
            for side in [a, b] {
                refuse(side, scope, Ty::no_arithmetic, |t| {
                    format!("arithmetic expects numbers, not a {t}")
                })?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether function `name` (lower case) never accepts a first argument of type `t`.
fn refuses(name: &str, t: Ty) -> bool {
    let value = t.is_plain() || t == Ty::Map;
    match name {
        "labels" => value || matches!(t, Ty::Rel | Ty::Path),
        "type" => value || matches!(t, Ty::Node | Ty::Path),
        "length" | "nodes" | "relationships" => matches!(t, Ty::Node | Ty::Rel),
        "size" => matches!(t, Ty::Node | Ty::Rel | Ty::Path),
        "properties" => t.is_plain(),
        _ => false,
    }
}

/// The first argument of function `name` (lower case), when its type is one the function
/// never accepts.
pub(super) fn check_argument(name: &str, args: &[Expr], scope: &Scope) -> Result<()> {
    match args.first() {
        Some(first) => refuse(
            first,
            scope,
            |t| refuses(name, t),
            |t| format!("{name}() does not take a {t}"),
        ),
        None => Ok(()),
    }
}

/// `DELETE e` where `e` is known to be a value that is no node, relationship or path.
pub(super) fn check_deleted(e: &Expr, scope: &Scope) -> Result<()> {
    refuse(
        e,
        scope,
        |t| matches!(t, Ty::Bool | Ty::Int | Ty::Float | Ty::String | Ty::Map),
        |t| format!("DELETE expects a node, relationship or path, not a {t}"),
    )
}

/// A WHERE, or an operand of `AND`, `OR`, `XOR` or `NOT`, known to be no boolean.
pub(super) fn check_predicate(e: &Expr, scope: &Scope) -> Result<()> {
    refuse(
        e,
        scope,
        |t| !matches!(t, Ty::Any | Ty::Null | Ty::Bool),
        |t| format!("a predicate must be a BOOLEAN, not a {t}"),
    )
}
