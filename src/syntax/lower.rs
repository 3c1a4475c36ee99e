//! Lowering of pest pairs into the AST. Never panics: an unexpected pair is an internal error.

use pest::iterators::{Pair, Pairs};

use super::{errors, literals, Rule, MAX_EXPRESSION_HEIGHT};
use crate::ast::*;
use crate::error::{detail, Error, Result};

type P<'i> = Pair<'i, Rule>;

fn span_of(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn unexpected(p: &P) -> Error {
    Error::internal(format!(
        "parser: unexpected {:?} at byte {}",
        p.as_rule(),
        p.as_span().start()
    ))
}

/// The only pair of `pairs`.
pub(super) fn single<'i>(pairs: &mut Pairs<'i, Rule>) -> Result<P<'i>> {
    pairs
        .next()
        .ok_or_else(|| Error::internal("parser: missing pair"))
}

/// A cursor over the children of a pair.
struct Children<'i> {
    inner: std::iter::Peekable<Pairs<'i, Rule>>,
    parent: Span,
}

impl<'i> Children<'i> {
    fn of(p: &P<'i>) -> Children<'i> {
        Children {
            inner: p.clone().into_inner().peekable(),
            parent: span_of(p),
        }
    }

    /// The next child, which must exist.
    fn next(&mut self) -> Result<P<'i>> {
        self.inner.next().ok_or_else(|| {
            Error::internal(format!(
                "parser: missing child at byte {}",
                self.parent.start
            ))
        })
    }

    /// The next child when it has rule `rule`.
    fn take_rule(&mut self, rule: Rule) -> Option<P<'i>> {
        if self.inner.peek().map(|p| p.as_rule()) == Some(rule) {
            self.inner.next()
        } else {
            None
        }
    }

    /// Whether the next child has rule `rule` (consumed when it does).
    fn flag(&mut self, rule: Rule) -> bool {
        self.take_rule(rule).is_some()
    }

    /// Skips keyword children.
    fn skip_keywords(&mut self) {
        while self
            .inner
            .peek()
            .is_some_and(|p| errors::keyword_text(p.as_rule()).is_some())
        {
            self.inner.next();
        }
    }

    fn peek_rule(&mut self) -> Option<Rule> {
        self.inner.peek().map(|p| p.as_rule())
    }
}

impl<'i> Iterator for Children<'i> {
    type Item = P<'i>;
    fn next(&mut self) -> Option<P<'i>> {
        self.inner.next()
    }
}

/// Children that are not keywords.
fn non_keywords<'i>(p: &P<'i>) -> impl Iterator<Item = P<'i>> {
    p.clone()
        .into_inner()
        .filter(|c| errors::keyword_text(c.as_rule()).is_none())
}

/// Height of an expression tree, computed without recursion.
fn height(e: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((e, h)) = stack.pop() {
        max = max.max(h);
        for_each_child(e, |c| stack.push((c, h + 1)));
    }
    max
}

fn for_each_child<'a>(e: &'a Expr, mut f: impl FnMut(&'a Expr)) {
    fn element<'a>(el: &'a PatternElement, f: &mut impl FnMut(&'a Expr)) {
        if let Some(p) = &el.start.properties {
            f(p);
        }
        for (r, n) in &el.chain {
            if let Some(p) = &r.properties {
                f(p);
            }
            if let Some(p) = &n.properties {
                f(p);
            }
        }
    }
    match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::Parameter(_)
        | ExprKind::Variable(_)
        | ExprKind::CountStar
        | ExprKind::Exists(_)
        | ExprKind::CountSubquery(_)
        | ExprKind::CollectSubquery(_) => {}
        ExprKind::Property(b, _)
        | ExprKind::Unary(_, b)
        | ExprKind::IsNull(b, _)
        | ExprKind::HasLabels(b, _) => f(b),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        ExprKind::Slice(a, b, c) => {
            f(a);
            b.iter().for_each(|x| f(x));
            c.iter().for_each(|x| f(x));
        }
        ExprKind::List(items) | ExprKind::FunctionCall { args: items, .. } => {
            items.iter().for_each(f)
        }
        ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| f(v)),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            operand.iter().for_each(|x| f(x));
            for (w, t) in whens {
                f(w);
                f(t);
            }
            else_.iter().for_each(|x| f(x));
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            f(list);
            filter.iter().for_each(|x| f(x));
            map.iter().for_each(|x| f(x));
        }
        ExprKind::PatternComprehension {
            pattern,
            filter,
            map,
            ..
        } => {
            element(pattern, &mut f);
            filter.iter().for_each(|x| f(x));
            f(map);
        }
        ExprKind::Quantified { list, filter, .. } => {
            f(list);
            filter.iter().for_each(|x| f(x));
        }
        ExprKind::Reduce {
            init, list, expr, ..
        } => {
            f(init);
            f(list);
            f(expr);
        }
        ExprKind::PatternPredicate(el) => element(el, &mut f),
        ExprKind::MapProjection(b, items) => {
            f(b);
            for item in items {
                if let MapProjectionItem::Literal(_, v) = item {
                    f(v);
                }
            }
        }
    }
}

/// Skips layers that only wrap a single child (`expression`, a chain with one operand,
/// parentheses) without recursing, so deep nesting costs little stack.
fn descend(p: P) -> P {
    let mut p = p;
    loop {
        let passthrough =
            super::is_expression_layer(p.as_rule()) || p.as_rule() == Rule::parenthesized;
        if !passthrough {
            return p;
        }
        let mut inner = p.clone().into_inner();
        match (inner.next(), inner.next()) {
            (Some(only), None) => p = only,
            _ => return p,
        }
    }
}

/// Lowers pest pairs of one text.
pub(super) struct Lowerer;

impl Lowerer {
    pub(super) fn new() -> Lowerer {
        Lowerer
    }

    pub(super) fn script(&self, p: P) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::statement => out.push(self.statement(c)?),
                Rule::EOI => {}
                _ => return Err(unexpected(&c)),
            }
        }
        Ok(out)
    }

    pub(super) fn expression_only(&self, p: P) -> Result<Expr> {
        let mut c = Children::of(&p);
        self.expr(c.next()?)
    }

    fn statement(&self, p: P) -> Result<Statement> {
        let span = span_of(&p);
        let mut c = Children::of(&p);
        let mut prefixes = Vec::new();
        while let Some(r) = c.peek_rule() {
            if r == Rule::kw_explain || r == Rule::kw_profile {
                prefixes.push(c.next()?);
            } else {
                break;
            }
        }
        if let Some(second) = prefixes.get(1) {
            return Err(Error::syntax(
                detail::UNEXPECTED_SYNTAX,
                "EXPLAIN and PROFILE may be given only once",
                span_of(second),
            ));
        }
        let inner = c.next()?;
        let inner_span = Span::new(inner.as_span().start(), span.end);
        let kind = match inner.as_rule() {
            Rule::kw_begin => StatementKind::Begin,
            Rule::kw_commit => StatementKind::Commit,
            Rule::kw_rollback => StatementKind::Rollback,
            Rule::kw_checkpoint => StatementKind::Checkpoint,
            Rule::show_indexes => StatementKind::ShowIndexes,
            Rule::show_constraints => StatementKind::ShowConstraints,
            Rule::create_index | Rule::create_constraint => {
                let index = inner.as_rule() == Rule::create_index;
                let mut name = None;
                let mut if_not_exists = false;
                let mut label = None;
                let mut properties = Vec::new();
                for x in non_keywords(&inner) {
                    match x.as_rule() {
                        Rule::schema_name => name = Some(self.name(x)?),
                        Rule::if_not_exists => if_not_exists = true,
                        Rule::schema_target => {
                            let mut t = Children::of(&x);
                            let _variable = t.next()?;
                            label = Some(self.name(t.next()?)?);
                        }
                        Rule::property_ref => {
                            let mut t = Children::of(&x);
                            let _variable = t.next()?;
                            properties.push(self.name(t.next()?)?);
                        }
                        _ => return Err(unexpected(&x)),
                    }
                }
                let label = label.ok_or_else(|| unexpected(&inner))?;
                if index {
                    StatementKind::CreateIndex {
                        name,
                        if_not_exists,
                        label,
                        properties,
                    }
                } else {
                    StatementKind::CreateConstraint {
                        name,
                        if_not_exists,
                        label,
                        properties,
                    }
                }
            }
            Rule::drop_index | Rule::drop_constraint => {
                let mut name = None;
                let mut if_exists = false;
                for x in non_keywords(&inner) {
                    match x.as_rule() {
                        Rule::schema_name => name = Some(self.name(x)?),
                        Rule::if_exists => if_exists = true,
                        _ => return Err(unexpected(&x)),
                    }
                }
                let name = name.ok_or_else(|| unexpected(&inner))?;
                if inner.as_rule() == Rule::drop_index {
                    StatementKind::DropIndex { name, if_exists }
                } else {
                    StatementKind::DropConstraint { name, if_exists }
                }
            }
            Rule::query => StatementKind::Query(self.query(inner, true)?),
            _ => return Err(unexpected(&inner)),
        };
        let mut statement = Statement {
            kind,
            span: inner_span,
        };
        if let Some(prefix) = prefixes.pop() {
            let boxed = Box::new(statement);
            statement = Statement {
                kind: if prefix.as_rule() == Rule::kw_explain {
                    StatementKind::Explain(boxed)
                } else {
                    StatementKind::Profile(boxed)
                },
                span,
            };
        }
        Ok(statement)
    }

    fn query(&self, p: P, top_level: bool) -> Result<Query> {
        let span = span_of(&p);
        let mut c = Children::of(&p);
        let first = self.single_query(c.next()?)?;
        let mut unions = Vec::new();
        for u in c {
            let mut uc = Children::of(&u);
            uc.flag(Rule::kw_union);
            let all = uc.flag(Rule::kw_all);
            unions.push((all, self.single_query(uc.next()?)?));
        }
        // `CALL proc YIELD *` is only allowed in a standalone call.
        let standalone = top_level && unions.is_empty() && first.clauses.len() == 1;
        for sq in std::iter::once(&first).chain(unions.iter().map(|(_, q)| q)) {
            for clause in &sq.clauses {
                if let Clause::Call(call) = clause {
                    if call.yield_star && !standalone {
                        return Err(Error::syntax(
                            detail::UNEXPECTED_SYNTAX,
                            "YIELD * is only allowed in a standalone procedure call",
                            call.span,
                        ));
                    }
                }
            }
        }
        Ok(Query {
            first,
            unions,
            span,
        })
    }

    fn single_query(&self, p: P) -> Result<SingleQuery> {
        let span = span_of(&p);
        let clauses = p
            .into_inner()
            .map(|c| self.clause(c))
            .collect::<Result<Vec<_>>>()?;
        Ok(SingleQuery { clauses, span })
    }

    fn clause(&self, p: P) -> Result<Clause> {
        let span = span_of(&p);
        let mut c = Children::of(&p);
        Ok(match p.as_rule() {
            Rule::match_clause => {
                let optional = c.flag(Rule::kw_optional);
                c.skip_keywords();
                let pattern = self.pattern(c.next()?)?;
                let where_ = self.opt_where(&mut c)?;
                Clause::Match(Match {
                    optional,
                    pattern,
                    where_,
                    span,
                })
            }
            Rule::unwind => {
                c.skip_keywords();
                let expr = self.expr(c.next()?)?;
                c.skip_keywords();
                let variable = self.name(c.next()?)?;
                Clause::Unwind(Unwind {
                    expr,
                    variable,
                    span,
                })
            }
            Rule::with => Clause::With(self.projection(c, span)?),
            Rule::return_clause => Clause::Return(self.projection(c, span)?),
            Rule::create => {
                c.skip_keywords();
                Clause::Create(Create {
                    pattern: self.pattern(c.next()?)?,
                    span,
                })
            }
            Rule::merge => {
                c.skip_keywords();
                let part = self.pattern_part(c.next()?)?;
                let mut on_create = Vec::new();
                let mut on_match = Vec::new();
                for action in c {
                    let mut a = Children::of(&action);
                    a.flag(Rule::kw_on);
                    let create = a.flag(Rule::kw_create);
                    a.skip_keywords();
                    let target = if create {
                        &mut on_create
                    } else {
                        &mut on_match
                    };
                    for item in a {
                        target.push(self.set_item(item)?);
                    }
                }
                Clause::Merge(Merge {
                    part,
                    on_create,
                    on_match,
                    span,
                })
            }
            Rule::set => {
                c.skip_keywords();
                let items = c.map(|i| self.set_item(i)).collect::<Result<_>>()?;
                Clause::Set(SetClause { items, span })
            }
            Rule::remove => {
                c.skip_keywords();
                let mut items = Vec::new();
                for item in c {
                    let item_span = span_of(&item);
                    let mut ic = Children::of(&item);
                    items.push(match item.as_rule() {
                        Rule::remove_labels => RemoveItem::Labels {
                            variable: self.name(ic.next()?)?,
                            labels: self.node_labels(ic.next()?)?,
                            span: item_span,
                        },
                        Rule::remove_property => {
                            let (target, key) = self.property_expression(ic.next()?)?;
                            RemoveItem::Property {
                                target,
                                key,
                                span: item_span,
                            }
                        }
                        _ => return Err(unexpected(&item)),
                    });
                }
                Clause::Remove(Remove { items, span })
            }
            Rule::delete => {
                let detach = c.flag(Rule::kw_detach);
                c.skip_keywords();
                let exprs = c.map(|e| self.expr(e)).collect::<Result<_>>()?;
                Clause::Delete(Delete {
                    detach,
                    exprs,
                    span,
                })
            }
            Rule::call => {
                c.skip_keywords();
                let procedure = non_keywords(&c.next()?)
                    .map(|n| self.name(n))
                    .collect::<Result<_>>()?;
                let args = match c.take_rule(Rule::call_args) {
                    Some(a) => Some(
                        a.into_inner()
                            .map(|e| self.expr(e))
                            .collect::<Result<_>>()?,
                    ),
                    None => None,
                };
                let mut yields = None;
                let mut yield_star = false;
                let mut where_ = None;
                if let Some(y) = c.take_rule(Rule::yield_clause) {
                    let mut items = Vec::new();
                    for x in non_keywords(&y) {
                        match x.as_rule() {
                            Rule::star => yield_star = true,
                            Rule::yield_item => {
                                let mut yc = Children::of(&x);
                                let field = self.name(yc.next()?)?;
                                yc.skip_keywords();
                                let alias = yc.next().ok().map(|a| self.name(a)).transpose()?;
                                items.push(YieldItem { field, alias });
                            }
                            Rule::where_clause => where_ = Some(self.where_clause(x)?),
                            _ => return Err(unexpected(&x)),
                        }
                    }
                    yields = Some(items);
                }
                Clause::Call(Call {
                    procedure,
                    args,
                    yields,
                    yield_star,
                    where_,
                    span,
                })
            }
            Rule::call_subquery => {
                c.skip_keywords();
                Clause::CallSubquery(CallSubquery {
                    query: self.query(c.next()?, false)?,
                    span,
                })
            }
            Rule::foreach => {
                c.skip_keywords();
                let variable = self.name(c.next()?)?;
                c.skip_keywords();
                let list = self.expr(c.next()?)?;
                let clauses = c.map(|x| self.clause(x)).collect::<Result<_>>()?;
                Clause::Foreach(Foreach {
                    variable,
                    list,
                    clauses,
                    span,
                })
            }
            Rule::load_csv => {
                c.skip_keywords();
                let with_headers = c.flag(Rule::with_headers);
                c.skip_keywords();
                let url = self.expr(c.next()?)?;
                c.skip_keywords();
                let variable = self.name(c.next()?)?;
                let field_terminator = match c.take_rule(Rule::field_terminator) {
                    Some(ft) => {
                        let tok = non_keywords(&ft).next().ok_or_else(|| unexpected(&ft))?;
                        Some(literals::string(tok.as_str(), span_of(&tok))?)
                    }
                    None => None,
                };
                Clause::LoadCsv(LoadCsv {
                    with_headers,
                    url,
                    variable,
                    field_terminator,
                    span,
                })
            }
            _ => return Err(unexpected(&p)),
        })
    }

    fn opt_where(&self, c: &mut Children) -> Result<Option<Expr>> {
        c.take_rule(Rule::where_clause)
            .map(|w| self.where_clause(w))
            .transpose()
    }

    fn where_clause(&self, p: P) -> Result<Expr> {
        let e = non_keywords(&p).next().ok_or_else(|| unexpected(&p))?;
        self.expr(e)
    }

    fn projection(&self, mut c: Children, span: Span) -> Result<Projection> {
        c.flag(Rule::kw_with);
        c.flag(Rule::kw_return);
        let distinct = c.flag(Rule::kw_distinct);
        let mut projection = Projection {
            distinct,
            star: false,
            items: Vec::new(),
            order_by: Vec::new(),
            skip: None,
            limit: None,
            where_: None,
            span,
        };
        for x in c {
            match x.as_rule() {
                Rule::projection_items => {
                    for item in x.into_inner() {
                        match item.as_rule() {
                            Rule::star => projection.star = true,
                            Rule::projection_item => {
                                let item_span = span_of(&item);
                                let mut ic = Children::of(&item);
                                let e = ic.next()?;
                                let text = e.as_str().trim().to_string();
                                let expr = self.expr(e)?;
                                ic.skip_keywords();
                                let alias = ic.next().ok().map(|a| self.name(a)).transpose()?;
                                projection.items.push(ProjectionItem {
                                    expr,
                                    alias,
                                    text,
                                    span: item_span,
                                });
                            }
                            _ => return Err(unexpected(&item)),
                        }
                    }
                }
                Rule::order_by => {
                    for s in non_keywords(&x) {
                        let sort_span = span_of(&s);
                        let mut sc = Children::of(&s);
                        let expr = self.expr(sc.next()?)?;
                        let descending =
                            matches!(sc.peek_rule(), Some(Rule::kw_desc | Rule::kw_descending));
                        projection.order_by.push(SortItem {
                            expr,
                            descending,
                            span: sort_span,
                        });
                    }
                }
                Rule::skip => projection.skip = Some(self.where_clause(x)?),
                Rule::limit => projection.limit = Some(self.where_clause(x)?),
                Rule::where_clause => projection.where_ = Some(self.where_clause(x)?),
                _ => return Err(unexpected(&x)),
            }
        }
        Ok(projection)
    }

    fn set_item(&self, p: P) -> Result<SetItem> {
        let span = span_of(&p);
        let mut c = Children::of(&p);
        Ok(match p.as_rule() {
            Rule::set_property => {
                let (target, key) = self.property_expression(c.next()?)?;
                SetItem::Property {
                    target,
                    key,
                    value: self.expr(c.next()?)?,
                    span,
                }
            }
            Rule::set_merge => SetItem::Merge {
                variable: self.name(c.next()?)?,
                value: self.expr(c.next()?)?,
                span,
            },
            Rule::set_replace => SetItem::Replace {
                variable: self.name(c.next()?)?,
                value: self.expr(c.next()?)?,
                span,
            },
            Rule::set_labels => SetItem::Labels {
                variable: self.name(c.next()?)?,
                labels: self.node_labels(c.next()?)?,
                span,
            },
            _ => return Err(unexpected(&p)),
        })
    }

    fn node_labels(&self, p: P) -> Result<Vec<Ident>> {
        p.into_inner().map(|n| self.name(n)).collect()
    }

    /// `atom.a.b.key` as (`atom.a.b`, `key`).
    fn property_expression(&self, p: P) -> Result<(Expr, Ident)> {
        let mut c = Children::of(&p);
        let mut target = self.expr(c.next()?)?;
        let lookups: Vec<P> = c.collect();
        let n = lookups.len();
        let mut key = None;
        for (i, l) in lookups.into_iter().enumerate() {
            let l_span = span_of(&l);
            let name = self.name(non_keywords(&l).next().ok_or_else(|| unexpected(&l))?)?;
            if i + 1 == n {
                key = Some(name);
            } else {
                let s = target.span.to(l_span);
                target = Expr::new(ExprKind::Property(Box::new(target), name), s);
            }
        }
        let key = key.ok_or_else(|| Error::internal("parser: property expression without key"))?;
        Ok((target, key))
    }

    // ------------------------------------------------------------------------------------
    // Patterns

    fn pattern(&self, p: P) -> Result<Pattern> {
        let span = span_of(&p);
        let parts = p
            .into_inner()
            .map(|x| self.pattern_part(x))
            .collect::<Result<_>>()?;
        Ok(Pattern { parts, span })
    }

    fn pattern_part(&self, p: P) -> Result<PatternPart> {
        let span = span_of(&p);
        let mut c = Children::of(&p);
        let variable = c
            .take_rule(Rule::variable)
            .map(|v| self.name(v))
            .transpose()?;
        let body = c.next()?;
        let (kind, element) = match body.as_rule() {
            Rule::pattern_element => (PathKind::Normal, self.pattern_element(body)?),
            Rule::shortest_path | Rule::all_shortest_paths => {
                let kind = if body.as_rule() == Rule::shortest_path {
                    PathKind::ShortestPath
                } else {
                    PathKind::AllShortestPaths
                };
                let el = non_keywords(&body)
                    .next()
                    .ok_or_else(|| unexpected(&body))?;
                (kind, self.pattern_element(el)?)
            }
            _ => return Err(unexpected(&body)),
        };
        Ok(PatternPart {
            variable,
            kind,
            element,
            span,
        })
    }

    /// `pattern_element` (possibly parenthesized) or `relationships_pattern`.
    fn pattern_element(&self, p: P) -> Result<PatternElement> {
        let mut p = p;
        // Unwrap `((a)-->(b))`.
        loop {
            let mut c = Children::of(&p);
            let first = c.next()?;
            if first.as_rule() == Rule::pattern_element {
                p = first;
            } else {
                break;
            }
        }
        let span = span_of(&p);
        let mut c = Children::of(&p);
        let start = self.node_pattern(c.next()?)?;
        let mut chain = Vec::new();
        while let Some(r) = c.inner.next() {
            let rel = self.rel_pattern(r)?;
            let node = self.node_pattern(c.next()?)?;
            chain.push((rel, node));
        }
        Ok(PatternElement { start, chain, span })
    }

    fn node_pattern(&self, p: P) -> Result<NodePattern> {
        if p.as_rule() != Rule::node_pattern {
            return Err(unexpected(&p));
        }
        let span = span_of(&p);
        let mut node = NodePattern {
            variable: None,
            labels: Vec::new(),
            properties: None,
            span,
        };
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::variable => node.variable = Some(self.name(x)?),
                Rule::label_expression => {
                    for alts in x.into_inner() {
                        node.labels.push(
                            alts.into_inner()
                                .map(|n| self.name(n))
                                .collect::<Result<_>>()?,
                        );
                    }
                }
                Rule::map_literal | Rule::parameter => {
                    node.properties = Some(Box::new(self.expr(x)?))
                }
                _ => return Err(unexpected(&x)),
            }
        }
        Ok(node)
    }

    fn rel_pattern(&self, p: P) -> Result<RelPattern> {
        if p.as_rule() != Rule::rel_pattern {
            return Err(unexpected(&p));
        }
        let span = span_of(&p);
        let mut left = false;
        let mut right = false;
        let mut rel = RelPattern {
            variable: None,
            direction: Direction::Both,
            types: Vec::new(),
            length: None,
            properties: None,
            span,
        };
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::left_arrow => left = true,
                Rule::right_arrow => right = true,
                Rule::rel_detail => {
                    for d in x.into_inner() {
                        match d.as_rule() {
                            Rule::variable => rel.variable = Some(self.name(d)?),
                            Rule::rel_types => {
                                rel.types = d
                                    .into_inner()
                                    .map(|n| self.name(n))
                                    .collect::<Result<_>>()?
                            }
                            Rule::range => rel.length = Some(self.range(d)?),
                            Rule::bad_range => {
                                return Err(Error::syntax(
                                    detail::INVALID_RELATIONSHIP_PATTERN,
                                    format!("invalid relationship length '{}'", d.as_str().trim()),
                                    span_of(&d),
                                ))
                            }
                            Rule::map_literal | Rule::parameter => {
                                rel.properties = Some(Box::new(self.expr(d)?))
                            }
                            _ => return Err(unexpected(&d)),
                        }
                    }
                }
                _ => return Err(unexpected(&x)),
            }
        }
        rel.direction = match (left, right) {
            (true, false) => Direction::Incoming,
            (false, true) => Direction::Outgoing,
            _ => Direction::Both,
        };
        Ok(rel)
    }

    fn range(&self, p: P) -> Result<LengthRange> {
        let mut min = None;
        let mut max = None;
        let mut dots = false;
        for x in p.into_inner() {
            let parse = |x: &P| -> Result<u64> {
                x.as_str().parse().map_err(|_| {
                    Error::syntax(
                        detail::INTEGER_OVERFLOW,
                        format!("path length {} is too large", x.as_str()),
                        span_of(x),
                    )
                })
            };
            match x.as_rule() {
                Rule::range_min => min = Some(parse(&x)?),
                Rule::range_max => max = Some(parse(&x)?),
                Rule::range_dots => dots = true,
                _ => return Err(unexpected(&x)),
            }
        }
        if !dots {
            max = min;
        }
        Ok(LengthRange { min, max })
    }

    // ------------------------------------------------------------------------------------
    // Expressions

    fn check_height(&self, e: &Expr) -> Result<()> {
        if height(e) > MAX_EXPRESSION_HEIGHT {
            return Err(Error::syntax(
                detail::UNEXPECTED_SYNTAX,
                format!(
                    "expression is too deeply nested (more than {MAX_EXPRESSION_HEIGHT} levels)"
                ),
                e.span,
            ));
        }
        Ok(())
    }

    fn binary(&self, op: BinaryOp, l: Expr, r: Expr) -> Expr {
        let span = l.span.to(r.span);
        Expr::new(ExprKind::Binary(op, Box::new(l), Box::new(r)), span)
    }

    fn expr(&self, p: P) -> Result<Expr> {
        let p = descend(p);
        match p.as_rule() {
            Rule::or_expr | Rule::xor_expr | Rule::and_expr => self.boolean_chain(p),
            Rule::not_expr => self.not_expr(p),
            Rule::comparison => self.comparison(p),
            Rule::predicate_expr => self.predicate(p),
            Rule::add_expr | Rule::mul_expr | Rule::pow_expr => self.arithmetic(p),
            Rule::unary_expr => self.unary(p),
            Rule::postfix_expr => self.postfix(p),
            _ => self.atom(p),
        }
    }

    fn boolean_chain(&self, p: P) -> Result<Expr> {
        let rule = p.as_rule();
        let op = match rule {
            Rule::or_expr => BinaryOp::Or,
            Rule::xor_expr => BinaryOp::Xor,
            _ => BinaryOp::And,
        };
        let mut acc: Option<Expr> = None;
        for x in non_keywords(&p) {
            let e = self.expr(x)?;
            acc = Some(match acc {
                None => e,
                Some(l) => {
                    let b = self.binary(op, l, e);
                    self.check_height(&b)?;
                    b
                }
            });
        }
        acc.ok_or_else(|| unexpected(&p))
    }

    fn not_expr(&self, p: P) -> Result<Expr> {
        let parts: Vec<P> = p.into_inner().collect();
        let (operand, nots) = parts.split_last().ok_or_else(|| Error::internal("not"))?;
        let mut e = self.expr(operand.clone())?;
        for n in nots.iter().rev() {
            let s = Span::new(n.as_span().start(), e.span.end);
            e = Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(e)), s);
            self.check_height(&e)?;
        }
        Ok(e)
    }

    fn comparison(&self, p: P) -> Result<Expr> {
        let mut c = Children::of(&p);
        let mut left = self.expr(c.next()?)?;
        let mut acc: Option<Expr> = None;
        while let Some(op) = c.inner.next() {
            let op = match op.as_str() {
                "=" => BinaryOp::Eq,
                "<>" | "!=" => BinaryOp::Ne,
                "<" => BinaryOp::Lt,
                "<=" => BinaryOp::Le,
                ">" => BinaryOp::Gt,
                ">=" => BinaryOp::Ge,
                _ => return Err(unexpected(&op)),
            };
            let right = self.expr(c.next()?)?;
            let cmp = self.binary(op, left, right.clone());
            left = right;
            acc = Some(match acc {
                None => cmp,
                Some(prev) => self.binary(BinaryOp::And, prev, cmp),
            });
            if let Some(a) = &acc {
                self.check_height(a)?;
            }
        }
        Ok(acc.unwrap_or(left))
    }

    fn predicate(&self, p: P) -> Result<Expr> {
        let mut c = Children::of(&p);
        let mut e = self.expr(c.next()?)?;
        for s in c {
            let s_span = span_of(&s);
            let whole = e.span.to(s_span);
            let op = match s.as_rule() {
                Rule::is_null_suffix | Rule::is_not_null_suffix => {
                    let not = s.as_rule() == Rule::is_not_null_suffix;
                    e = Expr::new(ExprKind::IsNull(Box::new(e), not), whole);
                    self.check_height(&e)?;
                    continue;
                }
                Rule::in_suffix => BinaryOp::In,
                Rule::starts_with_suffix => BinaryOp::StartsWith,
                Rule::ends_with_suffix => BinaryOp::EndsWith,
                Rule::contains_suffix => BinaryOp::Contains,
                Rule::regex_suffix => BinaryOp::Regex,
                _ => return Err(unexpected(&s)),
            };
            let rhs = non_keywords(&s).next().ok_or_else(|| unexpected(&s))?;
            let rhs = self.expr(rhs)?;
            e = self.binary(op, e, rhs);
            self.check_height(&e)?;
        }
        Ok(e)
    }

    fn arithmetic(&self, p: P) -> Result<Expr> {
        let mut c = Children::of(&p);
        let mut e = self.expr(c.next()?)?;
        while let Some(x) = c.inner.next() {
            let op = match (x.as_rule(), x.as_str()) {
                (Rule::add_op, "+") => BinaryOp::Add,
                (Rule::add_op, _) => BinaryOp::Sub,
                (Rule::mul_op, "*") => BinaryOp::Mul,
                (Rule::mul_op, "/") => BinaryOp::Div,
                (Rule::mul_op, _) => BinaryOp::Mod,
                _ => {
                    // `^` is not a pair: `x` is the right operand.
                    let r = self.expr(x)?;
                    e = self.binary(BinaryOp::Pow, e, r);
                    self.check_height(&e)?;
                    continue;
                }
            };
            let r = self.expr(c.next()?)?;
            e = self.binary(op, e, r);
            self.check_height(&e)?;
        }
        Ok(e)
    }

    fn unary(&self, p: P) -> Result<Expr> {
        let span = span_of(&p);
        let parts: Vec<P> = p.into_inner().collect();
        let (operand, ops) = parts
            .split_last()
            .ok_or_else(|| Error::internal("parser: empty unary"))?;
        let mut ops = ops.to_vec();
        // `-<number>` is a negative literal (so that i64::MIN can be written).
        let mut e = match (ops.last(), self.bare_number(operand)) {
            (Some(op), Some(num)) if op.as_str() == "-" => {
                let s = Span::new(op.as_span().start(), span.end);
                ops.pop();
                Expr::new(
                    ExprKind::Literal(literals::number(num.as_str(), true, s)?),
                    s,
                )
            }
            _ => self.expr(operand.clone())?,
        };
        for op in ops.iter().rev() {
            let u = if op.as_str() == "-" {
                UnaryOp::Minus
            } else {
                UnaryOp::Plus
            };
            let s = Span::new(op.as_span().start(), e.span.end);
            e = Expr::new(ExprKind::Unary(u, Box::new(e)), s);
            self.check_height(&e)?;
        }
        Ok(e)
    }

    fn postfix(&self, p: P) -> Result<Expr> {
        let mut c = Children::of(&p);
        let mut e = self.expr(c.next()?)?;
        for x in c {
            let s = e.span.to(span_of(&x));
            let kind = match x.as_rule() {
                Rule::property_lookup => {
                    let n = x
                        .into_inner()
                        .next()
                        .ok_or_else(|| Error::internal("parser: property lookup without name"))?;
                    ExprKind::Property(Box::new(e), self.name(n)?)
                }
                Rule::label_postfix => {
                    let labels = x
                        .into_inner()
                        .map(|n| self.name(n))
                        .collect::<Result<_>>()?;
                    ExprKind::HasLabels(Box::new(e), labels)
                }
                Rule::subscript => {
                    let mut sc = Children::of(&x);
                    let mut from = None;
                    let mut dots = false;
                    let mut to = None;
                    for y in sc.by_ref() {
                        match y.as_rule() {
                            Rule::range_dots => dots = true,
                            _ if dots => to = Some(Box::new(self.expr(y)?)),
                            _ => from = Some(Box::new(self.expr(y)?)),
                        }
                    }
                    if dots {
                        ExprKind::Slice(Box::new(e), from, to)
                    } else {
                        let i = from.ok_or_else(|| unexpected(&x))?;
                        ExprKind::Index(Box::new(e), i)
                    }
                }
                _ => return Err(unexpected(&x)),
            };
            e = Expr::new(kind, s);
            self.check_height(&e)?;
        }
        Ok(e)
    }

    /// The number token when `postfix` is a bare number with no postfix operators.
    fn bare_number<'i>(&self, postfix: &P<'i>) -> Option<P<'i>> {
        let mut inner = postfix.clone().into_inner();
        let first = inner.next()?;
        (first.as_rule() == Rule::number && inner.next().is_none()).then_some(first)
    }

    fn atom(&self, p: P) -> Result<Expr> {
        let span = span_of(&p);
        let kind = match p.as_rule() {
            Rule::kw_null => ExprKind::Literal(Literal::Null),
            Rule::kw_true => ExprKind::Literal(Literal::Bool(true)),
            Rule::kw_false => ExprKind::Literal(Literal::Bool(false)),
            Rule::number => ExprKind::Literal(literals::number(p.as_str(), false, span)?),
            Rule::string_literal => {
                ExprKind::Literal(Literal::String(literals::string(p.as_str(), span)?))
            }
            Rule::parameter => {
                let inner = p
                    .into_inner()
                    .next()
                    .ok_or_else(|| Error::internal("parser: parameter without name"))?;
                match inner.as_rule() {
                    Rule::parameter_name => {
                        let n = inner
                            .into_inner()
                            .next()
                            .ok_or_else(|| Error::internal("parser: parameter name"))?;
                        ExprKind::Parameter(self.name(n)?.name)
                    }
                    _ => ExprKind::Parameter(inner.as_str().to_string()),
                }
            }
            Rule::variable => ExprKind::Variable(self.name(p)?.name),
            Rule::list_literal => ExprKind::List(
                p.into_inner()
                    .map(|e| self.expr(e))
                    .collect::<Result<_>>()?,
            ),
            Rule::map_literal => {
                let mut entries = Vec::new();
                for entry in p.into_inner() {
                    let mut c = Children::of(&entry);
                    let key = self.name(c.next()?)?;
                    entries.push((key, self.expr(c.next()?)?));
                }
                ExprKind::Map(entries)
            }
            Rule::case_expr => {
                let mut operand = None;
                let mut whens = Vec::new();
                let mut else_ = None;
                for x in non_keywords(&p) {
                    match x.as_rule() {
                        Rule::case_when => {
                            let mut c = non_keywords(&x);
                            let w = c.next().ok_or_else(|| unexpected(&x))?;
                            let t = c.next().ok_or_else(|| unexpected(&x))?;
                            whens.push((self.expr(w)?, self.expr(t)?));
                        }
                        Rule::case_else => {
                            let e = non_keywords(&x).next().ok_or_else(|| unexpected(&x))?;
                            else_ = Some(Box::new(self.expr(e)?));
                        }
                        _ => operand = Some(Box::new(self.expr(x)?)),
                    }
                }
                ExprKind::Case {
                    operand,
                    whens,
                    else_,
                }
            }
            Rule::count_star => ExprKind::CountStar,
            Rule::exists_subquery | Rule::count_subquery | Rule::collect_subquery => {
                let body = non_keywords(&p).next().ok_or_else(|| unexpected(&p))?;
                let sub = match body.as_rule() {
                    Rule::subquery_pattern => {
                        let mut c = Children::of(&body);
                        let pattern = self.pattern(c.next()?)?;
                        let where_ = self.opt_where(&mut c)?;
                        SubqueryExpr::Pattern { pattern, where_ }
                    }
                    Rule::query => SubqueryExpr::Query(self.query(body, false)?),
                    _ => return Err(unexpected(&body)),
                };
                let sub = Box::new(sub);
                match p.as_rule() {
                    Rule::exists_subquery => ExprKind::Exists(sub),
                    Rule::count_subquery => ExprKind::CountSubquery(sub),
                    _ => ExprKind::CollectSubquery(sub),
                }
            }
            Rule::quantified => {
                let mut c = Children::of(&p);
                let quantifier = match c.next()?.as_rule() {
                    Rule::kw_all => Quantifier::All,
                    Rule::kw_any => Quantifier::Any,
                    Rule::kw_none => Quantifier::None,
                    _ => Quantifier::Single,
                };
                let variable = self.name(c.next()?)?;
                c.skip_keywords();
                let list = Box::new(self.expr(c.next()?)?);
                let filter = self.opt_where(&mut c)?.map(Box::new);
                ExprKind::Quantified {
                    quantifier,
                    variable,
                    list,
                    filter,
                }
            }
            Rule::reduce => {
                let mut c = non_keywords(&p);
                let mut next = || c.next().ok_or_else(|| unexpected(&p));
                let accumulator = self.name(next()?)?;
                let init = Box::new(self.expr(next()?)?);
                let variable = self.name(next()?)?;
                let list = Box::new(self.expr(next()?)?);
                let expr = Box::new(self.expr(next()?)?);
                ExprKind::Reduce {
                    accumulator,
                    init,
                    variable,
                    list,
                    expr,
                }
            }
            Rule::list_comprehension => {
                let mut c = Children::of(&p);
                let variable = self.name(c.next()?)?;
                c.skip_keywords();
                let list = Box::new(self.expr(c.next()?)?);
                let filter = self.opt_where(&mut c)?.map(Box::new);
                let map = c
                    .take_rule(Rule::comprehension_map)
                    .map(|m| self.expr(m))
                    .transpose()?
                    .map(Box::new);
                ExprKind::ListComprehension {
                    variable,
                    list,
                    filter,
                    map,
                }
            }
            Rule::pattern_comprehension => {
                let mut c = Children::of(&p);
                let variable = c
                    .take_rule(Rule::variable)
                    .map(|v| self.name(v))
                    .transpose()?;
                let pattern = self.pattern_element(c.next()?)?;
                let filter = self.opt_where(&mut c)?.map(Box::new);
                let map = Box::new(self.expr(c.next()?)?);
                ExprKind::PatternComprehension {
                    variable,
                    pattern,
                    filter,
                    map,
                }
            }
            Rule::relationships_pattern => ExprKind::PatternPredicate(self.pattern_element(p)?),
            Rule::function_call => {
                let mut c = Children::of(&p);
                let name_pair = c.next()?;
                let name = name_pair
                    .into_inner()
                    .map(|n| self.name(n).map(|i| i.name))
                    .collect::<Result<Vec<_>>>()?
                    .join(".");
                let distinct = c.flag(Rule::kw_distinct);
                let args = c.map(|e| self.expr(e)).collect::<Result<_>>()?;
                ExprKind::FunctionCall {
                    name,
                    distinct,
                    args,
                }
            }
            Rule::map_projection => {
                let mut c = Children::of(&p);
                let v = c.next()?;
                let base = Expr::new(ExprKind::Variable(self.name(v.clone())?.name), span_of(&v));
                let mut items = Vec::new();
                for x in c {
                    items.push(match x.as_rule() {
                        Rule::projection_all => MapProjectionItem::AllProperties,
                        Rule::projection_property => MapProjectionItem::Property(self.name(
                            x.into_inner().next().ok_or_else(|| {
                                Error::internal("parser: map projection property")
                            })?,
                        )?),
                        Rule::projection_literal => {
                            let mut lc = Children::of(&x);
                            let key = self.name(lc.next()?)?;
                            MapProjectionItem::Literal(key, self.expr(lc.next()?)?)
                        }
                        Rule::projection_variable => MapProjectionItem::Variable(self.name(
                            x.into_inner().next().ok_or_else(|| {
                                Error::internal("parser: map projection variable")
                            })?,
                        )?),
                        _ => return Err(unexpected(&x)),
                    });
                }
                ExprKind::MapProjection(Box::new(base), items)
            }
            _ => return Err(unexpected(&p)),
        };
        Ok(Expr::new(kind, span))
    }

    /// A name from `variable`, `symbolic_name`, `schema_name` or a name token.
    fn name(&self, p: P) -> Result<Ident> {
        let span = span_of(&p);
        match p.as_rule() {
            Rule::plain_name => Ok(Ident {
                name: p.as_str().to_string(),
                span,
            }),
            Rule::escaped_name => {
                let s = p.as_str();
                let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
                Ok(Ident {
                    name: inner.replace("``", "`"),
                    span,
                })
            }
            Rule::variable | Rule::symbolic_name | Rule::schema_name | Rule::parameter_name => {
                let inner = p
                    .clone()
                    .into_inner()
                    .next()
                    .ok_or_else(|| unexpected(&p))?;
                self.name(inner)
            }
            _ => Err(unexpected(&p)),
        }
    }
}
