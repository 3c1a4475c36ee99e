//! Syntactic restrictions checked on the AST: a pattern used as an expression is only allowed
//! where a predicate is expected (openCypher reports other uses as `UnexpectedSyntax`).

use crate::ast::*;
use crate::error::{detail, Error, Result};

/// Checks every statement of a script.
pub(super) fn statement(s: &Statement) -> Result<()> {
    match &s.kind {
        StatementKind::Query(q) => query(q),
        StatementKind::Explain(inner) | StatementKind::Profile(inner) => statement(inner),
        _ => Ok(()),
    }
}

fn query(q: &Query) -> Result<()> {
    for sq in std::iter::once(&q.first).chain(q.unions.iter().map(|(_, s)| s)) {
        for c in &sq.clauses {
            clause(c)?;
        }
    }
    Ok(())
}

fn opt(e: &Option<Expr>, predicate: bool) -> Result<()> {
    e.as_ref().map_or(Ok(()), |e| expr(e, predicate))
}

fn pattern(p: &Pattern) -> Result<()> {
    p.parts.iter().try_for_each(|part| element(&part.element))
}

fn element(el: &PatternElement) -> Result<()> {
    let props = std::iter::once(&el.start.properties).chain(
        el.chain
            .iter()
            .flat_map(|(r, n)| [&r.properties, &n.properties]),
    );
    for p in props.flatten() {
        expr(p, false)?;
    }
    Ok(())
}

fn set_items(items: &[SetItem]) -> Result<()> {
    for item in items {
        match item {
            SetItem::Property { target, value, .. } => {
                expr(target, false)?;
                expr(value, false)?;
            }
            SetItem::Replace { value, .. } | SetItem::Merge { value, .. } => expr(value, false)?,
            SetItem::Labels { .. } => {}
        }
    }
    Ok(())
}

fn projection(p: &Projection) -> Result<()> {
    for item in &p.items {
        expr(&item.expr, false)?;
    }
    for s in &p.order_by {
        expr(&s.expr, false)?;
    }
    opt(&p.skip, false)?;
    opt(&p.limit, false)?;
    opt(&p.where_, true)
}

fn clause(c: &Clause) -> Result<()> {
    match c {
        Clause::Match(m) => {
            pattern(&m.pattern)?;
            opt(&m.where_, true)
        }
        Clause::Unwind(u) => expr(&u.expr, false),
        Clause::With(p) | Clause::Return(p) => projection(p),
        Clause::Create(c) => pattern(&c.pattern),
        Clause::Merge(m) => {
            element(&m.part.element)?;
            set_items(&m.on_create)?;
            set_items(&m.on_match)
        }
        Clause::Set(s) => set_items(&s.items),
        Clause::Remove(r) => r.items.iter().try_for_each(|i| match i {
            RemoveItem::Property { target, .. } => expr(target, false),
            RemoveItem::Labels { .. } => Ok(()),
        }),
        Clause::Delete(d) => d.exprs.iter().try_for_each(|e| expr(e, false)),
        Clause::Call(call) => {
            if let Some(args) = &call.args {
                args.iter().try_for_each(|e| expr(e, false))?;
            }
            opt(&call.where_, true)
        }
        Clause::CallSubquery(s) => query(&s.query),
        Clause::Foreach(f) => {
            expr(&f.list, false)?;
            f.clauses.iter().try_for_each(clause)
        }
        Clause::LoadCsv(l) => expr(&l.url, false),
    }
}

fn subquery(s: &SubqueryExpr) -> Result<()> {
    match s {
        SubqueryExpr::Pattern { pattern: p, where_ } => {
            pattern(p)?;
            opt(where_, true)
        }
        SubqueryExpr::Query(q) => query(q),
    }
}

/// `predicate`: whether `e` stands where a boolean condition is expected.
fn expr(e: &Expr, predicate: bool) -> Result<()> {
    let boxed = |b: &Option<Box<Expr>>, p: bool| b.as_ref().map_or(Ok(()), |e| expr(e, p));
    match &e.kind {
        ExprKind::PatternPredicate(el) => {
            if !predicate {
                return Err(Error::syntax(
                    detail::UNEXPECTED_SYNTAX,
                    "a pattern can only be used as a predicate here; use EXISTS { ... }, \
                     COUNT { ... } or a pattern comprehension",
                    e.span,
                ));
            }
            element(el)
        }
        ExprKind::Literal(_)
        | ExprKind::Parameter(_)
        | ExprKind::Variable(_)
        | ExprKind::CountStar => Ok(()),
        ExprKind::Unary(UnaryOp::Not, x) => expr(x, predicate),
        ExprKind::Binary(BinaryOp::And | BinaryOp::Or | BinaryOp::Xor, a, b) => {
            expr(a, predicate)?;
            expr(b, predicate)
        }
        ExprKind::FunctionCall { name, args, .. } => {
            let exists = name.eq_ignore_ascii_case("exists");
            args.iter().try_for_each(|a| expr(a, exists))
        }
        ExprKind::Property(x, _)
        | ExprKind::Unary(_, x)
        | ExprKind::IsNull(x, _)
        | ExprKind::HasLabels(x, _) => expr(x, false),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            expr(a, false)?;
            expr(b, false)
        }
        ExprKind::Slice(a, b, c) => {
            expr(a, false)?;
            boxed(b, false)?;
            boxed(c, false)
        }
        ExprKind::List(items) => items.iter().try_for_each(|x| expr(x, false)),
        ExprKind::Map(entries) => entries.iter().try_for_each(|(_, v)| expr(v, false)),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            boxed(operand, false)?;
            for (w, t) in whens {
                expr(w, operand.is_none())?;
                expr(t, false)?;
            }
            boxed(else_, false)
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            expr(list, false)?;
            boxed(filter, true)?;
            boxed(map, false)
        }
        ExprKind::PatternComprehension {
            pattern: p,
            filter,
            map,
            ..
        } => {
            element(p)?;
            boxed(filter, true)?;
            expr(map, false)
        }
        ExprKind::Quantified { list, filter, .. } => {
            expr(list, false)?;
            boxed(filter, true)
        }
        ExprKind::Reduce {
            init,
            list,
            expr: e,
            ..
        } => {
            expr(init, false)?;
            expr(list, false)?;
            expr(e, false)
        }
        ExprKind::Exists(s) | ExprKind::CountSubquery(s) | ExprKind::CollectSubquery(s) => {
            subquery(s)
        }
        ExprKind::MapProjection(b, items) => {
            expr(b, false)?;
            for item in items {
                if let MapProjectionItem::Literal(_, v) = item {
                    expr(v, false)?;
                }
            }
            Ok(())
        }
    }
}
