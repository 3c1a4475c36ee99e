//! Hash joins: a later part of a MATCH that is a lone node, tied to what came before only by
//! an equality in the WHERE (`MATCH (a:A), (b:B) WHERE a.x = b.y`), is planned on its own
//! and joined by hashing, instead of being rescanned for every row on the left.
//!
//! Taken only when the node's side is independent of every earlier row (its property map
//! uses literals and parameters only) and no index seek could serve the equality (a seek per
//! left row is cheaper than building a table). The equality stays as a filter above the join,
//! so the hash only narrows candidates.

use super::*;

/// The free variables of `e` (for the simple expression kinds seeks and joins accept);
/// `None` for anything else.
fn simple_vars<'e>(e: &'e Expr, out: &mut Vec<&'e str>) -> Option<()> {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Parameter(_) => Some(()),
        ExprKind::Variable(v) => {
            out.push(v);
            Some(())
        }
        ExprKind::Property(b, _) | ExprKind::Unary(_, b) => simple_vars(b, out),
        ExprKind::Binary(_, a, b) => {
            simple_vars(a, out)?;
            simple_vars(b, out)
        }
        ExprKind::List(items) => items.iter().try_for_each(|i| simple_vars(i, out)),
        _ => None,
    }
}

fn side(e: &Expr) -> Option<Vec<&str>> {
    let mut vars = Vec::new();
    simple_vars(e, &mut vars)?;
    Some(vars)
}

/// The build side of a hash join.
pub(super) struct JoinSide {
    pub plan: Plan,
    pub slot: Slot,
    pub left_key: CExpr,
    pub right_key: CExpr,
}

impl Planner<'_> {
    /// Plans `part` as the build side of a hash join when the conditions above hold.
    pub(super) fn hash_join_side(
        &mut self,
        part: &PatternPart,
        scope: &mut Scope,
    ) -> Result<Option<JoinSide>> {
        let n = &part.element.start;
        if part.kind != PathKind::Normal
            || part.variable.is_some()
            || !part.element.chain.is_empty()
            || lone_key(n).is_some()
            || n.labels.is_empty()
        {
            return Ok(None);
        }
        let Some(var) = n.variable.as_ref().map(|v| v.name.as_str()) else {
            return Ok(None);
        };
        if scope.get(var).is_some() {
            return Ok(None);
        }
        if let Some(p) = &n.properties {
            let mut vars = Vec::new();
            if simple_vars(p, &mut vars).is_none() && !matches!(p.kind, ExprKind::Map(_)) {
                return Ok(None);
            }
            if let ExprKind::Map(entries) = &p.kind {
                for (_, v) in entries {
                    if simple_vars(v, &mut vars).is_none() {
                        return Ok(None);
                    }
                }
            }
            if !vars.is_empty() {
                return Ok(None);
            }
        }
        if self.seek_choice(n, &self.hints, scope).is_some() {
            return Ok(None);
        }
        // An equality with this node's variable alone on one side and earlier ones alone on
        // the other.
        let hints = self.hints.clone();
        let eq = hints.iter().find_map(|h| {
            let ExprKind::Binary(BinaryOp::Eq, a, b) = &h.kind else {
                return None;
            };
            let (va, vb) = (side(a)?, side(b)?);
            let mine = |vs: &[&str]| !vs.is_empty() && vs.iter().all(|v| *v == var);
            let earlier = |vs: &[&str]| {
                !vs.is_empty() && vs.iter().all(|v| *v != var && scope.get(v).is_some())
            };
            if mine(&va) && earlier(&vb) {
                Some((b.as_ref().clone(), a.as_ref().clone()))
            } else if mine(&vb) && earlier(&va) {
                Some((a.as_ref().clone(), b.as_ref().clone()))
            } else {
                None
            }
        });
        let Some((left, right)) = eq else {
            return Ok(None);
        };
        let left_key = self.expr(&left, scope)?;
        let (plan, slot) = self.start_node(Plan::Argument, n, scope)?;
        let right_key = self.expr(&right, scope)?;
        Ok(Some(JoinSide {
            plan,
            slot,
            left_key,
            right_key,
        }))
    }
}
