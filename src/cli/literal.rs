//! `--param NAME=VALUE`: the value is a Cypher constant (literals, lists, maps, unary minus
//! and plus), parsed with the library's expression parser and folded into a [`Value`].

use std::collections::BTreeMap;

use baobab::ast::{Expr, ExprKind, Literal, UnaryOp};
use baobab::Value;

/// Converts a constant expression into a value; anything that is not a constant is an error
/// naming what was found.
pub fn expr_to_value(expr: &Expr) -> Result<Value, String> {
    match &expr.kind {
        ExprKind::Literal(lit) => Ok(literal(lit)),
        ExprKind::List(items) => items
            .iter()
            .map(expr_to_value)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
        ExprKind::Map(entries) => {
            let mut map = BTreeMap::new();
            for (key, value) in entries {
                map.insert(key.name.clone(), expr_to_value(value)?);
            }
            Ok(Value::Map(map))
        }
        ExprKind::Unary(UnaryOp::Plus, inner) => match expr_to_value(inner)? {
            v @ (Value::Int(_) | Value::Float(_)) => Ok(v),
            other => Err(format!("cannot apply unary plus to {}", other.type_name())),
        },
        ExprKind::Unary(UnaryOp::Minus, inner) => match expr_to_value(inner)? {
            Value::Int(i) => i
                .checked_neg()
                .map(Value::Int)
                .ok_or_else(|| "integer overflow".to_string()),
            Value::Float(f) => Ok(Value::Float(-f)),
            other => Err(format!("cannot negate {}", other.type_name())),
        },
        other => Err(format!("not a constant: {}", describe(other))),
    }
}

fn literal(lit: &Literal) -> Value {
    match lit {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Integer(i) => Value::Int(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::String(s) => Value::String(s.as_str().into()),
    }
}

fn describe(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Parameter(_) => "a parameter",
        ExprKind::Variable(_) => "a variable (quote strings: 'text')",
        ExprKind::FunctionCall { .. } | ExprKind::CountStar => "a function call",
        ExprKind::Binary(..) => "an operator expression",
        ExprKind::Unary(UnaryOp::Not, _) => "a NOT expression",
        _ => "an expression that is not a literal, list or map",
    }
}

/// Splits `NAME=VALUE` (the `=` may be written `=>`, a leading `$` on the name is allowed).
pub fn split_assignment(text: &str) -> Result<(String, &str), String> {
    let Some(eq) = text.find('=') else {
        return Err(format!("expected NAME=VALUE, got '{text}'"));
    };
    let name = text[..eq].trim();
    let name = name.strip_prefix('$').unwrap_or(name);
    let rest = &text[eq + 1..];
    let value = rest.strip_prefix('>').unwrap_or(rest).trim();
    let valid_name = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && (name.chars().all(|c| c.is_ascii_digit())
            || !name.starts_with(|c: char| c.is_ascii_digit()));
    if !valid_name {
        return Err(format!("invalid parameter name '{name}'"));
    }
    if value.is_empty() {
        return Err(format!("missing value for parameter '{name}'"));
    }
    Ok((name.to_string(), value))
}

/// Parses `NAME=VALUE` into a parameter name and value.
pub fn parse_param(text: &str) -> Result<(String, Value), String> {
    let (name, value_text) = split_assignment(text)?;
    let expr = baobab::syntax::parse_expression(value_text)
        .map_err(|e| format!("invalid value for parameter '{name}': {}", e.message))?;
    let value =
        expr_to_value(&expr).map_err(|e| format!("invalid value for parameter '{name}': {e}"))?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use baobab::ast::{BinaryOp, Ident, Span};

    fn e(kind: ExprKind) -> Expr {
        Expr::new(kind, Span::default())
    }
    fn lit(l: Literal) -> Expr {
        e(ExprKind::Literal(l))
    }
    fn ident(name: &str) -> Ident {
        Ident {
            name: name.to_string(),
            span: Span::default(),
        }
    }

    #[test]
    fn literals() {
        assert_eq!(expr_to_value(&lit(Literal::Null)), Ok(Value::Null));
        assert_eq!(
            expr_to_value(&lit(Literal::Bool(true))),
            Ok(Value::Bool(true))
        );
        assert_eq!(expr_to_value(&lit(Literal::Integer(7))), Ok(Value::Int(7)));
        assert_eq!(
            expr_to_value(&lit(Literal::Float(2.5))),
            Ok(Value::Float(2.5))
        );
        assert_eq!(
            expr_to_value(&lit(Literal::String("Mali".into()))),
            Ok(Value::from("Mali"))
        );
    }

    #[test]
    fn lists_maps_and_signs() {
        let neg = |x: Expr| e(ExprKind::Unary(UnaryOp::Minus, Box::new(x)));
        let list = e(ExprKind::List(vec![
            lit(Literal::Integer(1)),
            neg(lit(Literal::Float(0.5))),
            e(ExprKind::Map(vec![(
                ident("a"),
                neg(lit(Literal::Integer(3))),
            )])),
        ]));
        let mut map = BTreeMap::new();
        map.insert("a".to_string(), Value::Int(-3));
        assert_eq!(
            expr_to_value(&list),
            Ok(Value::List(vec![
                Value::Int(1),
                Value::Float(-0.5),
                Value::Map(map)
            ]))
        );
        assert_eq!(
            expr_to_value(&e(ExprKind::Unary(
                UnaryOp::Plus,
                Box::new(lit(Literal::Integer(4)))
            ))),
            Ok(Value::Int(4))
        );
        assert_eq!(
            expr_to_value(&neg(lit(Literal::Integer(i64::MIN)))),
            Err("integer overflow".to_string())
        );
        assert!(expr_to_value(&neg(lit(Literal::String("x".into())))).is_err());
    }

    #[test]
    fn non_constants_are_rejected() {
        let add = e(ExprKind::Binary(
            BinaryOp::Add,
            Box::new(lit(Literal::Integer(1))),
            Box::new(lit(Literal::Integer(2))),
        ));
        assert!(expr_to_value(&add).unwrap_err().contains("operator"));
        let var = e(ExprKind::Variable("Mali".into()));
        assert!(expr_to_value(&var).unwrap_err().contains("variable"));
        let nested = e(ExprKind::List(vec![e(ExprKind::Parameter("p".into()))]));
        assert!(expr_to_value(&nested).unwrap_err().contains("parameter"));
        let call = e(ExprKind::FunctionCall {
            name: "rand".into(),
            distinct: false,
            args: vec![],
        });
        assert!(expr_to_value(&call).is_err());
    }

    #[test]
    fn assignments() {
        assert_eq!(split_assignment("n=1"), Ok(("n".to_string(), "1")));
        assert_eq!(
            split_assignment("$n = 'a=b'"),
            Ok(("n".to_string(), "'a=b'"))
        );
        assert_eq!(
            split_assignment("n => [1, 2]"),
            Ok(("n".to_string(), "[1, 2]"))
        );
        assert_eq!(split_assignment("0=1"), Ok(("0".to_string(), "1")));
        assert!(split_assignment("n").is_err());
        assert!(split_assignment("=1").is_err());
        assert!(split_assignment("a b=1").is_err());
        assert!(split_assignment("n=").is_err());
        assert!(split_assignment("1a=1").is_err());
    }
}
