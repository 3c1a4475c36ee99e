//! The abstract syntax tree: plain data with a [`Span`] on every node.
//!
//! `ast` knows nothing of pest; `syntax` lowers pest pairs into these types and `semantic`
//! reads them. `Display` (in `display.rs`) prints canonical Cypher that parses back to the
//! same tree.

mod display;

/// A byte range `start..end` in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A name as written (backticks removed) with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One statement of a script (statements are separated by `;`).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    Query(Query),
    /// `EXPLAIN <statement>`: show the plan, run nothing.
    Explain(Box<Statement>),
    /// `PROFILE <statement>`: run and show the plan with rows and time per operator.
    Profile(Box<Statement>),
    Begin,
    Commit,
    Rollback,
    Checkpoint,
    /// `CREATE INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.p1, n.p2)`
    CreateIndex {
        name: Option<Ident>,
        if_not_exists: bool,
        label: Ident,
        properties: Vec<Ident>,
    },
    /// `DROP INDEX name [IF EXISTS]`
    DropIndex {
        name: Ident,
        if_exists: bool,
    },
    /// `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.p IS UNIQUE`
    /// (`REQUIRE (n.a, n.b) IS UNIQUE` for several properties).
    CreateConstraint {
        name: Option<Ident>,
        if_not_exists: bool,
        label: Ident,
        properties: Vec<Ident>,
    },
    /// `DROP CONSTRAINT name [IF EXISTS]`
    DropConstraint {
        name: Ident,
        if_exists: bool,
    },
    ShowIndexes,
    ShowConstraints,
}

/// A query: one or more single queries combined with `UNION` / `UNION ALL`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub first: SingleQuery,
    /// Each following part with `true` for `UNION ALL`, `false` for `UNION`.
    pub unions: Vec<(bool, SingleQuery)>,
    pub span: Span,
}

/// A sequence of clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Match(Match),
    Unwind(Unwind),
    With(Projection),
    Return(Projection),
    Create(Create),
    Merge(Merge),
    Set(SetClause),
    Remove(Remove),
    Delete(Delete),
    Call(Call),
    /// `CALL { subquery }`
    CallSubquery(CallSubquery),
    Foreach(Foreach),
    LoadCsv(LoadCsv),
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Match(c) => c.span,
            Clause::Unwind(c) => c.span,
            Clause::With(c) | Clause::Return(c) => c.span,
            Clause::Create(c) => c.span,
            Clause::Merge(c) => c.span,
            Clause::Set(c) => c.span,
            Clause::Remove(c) => c.span,
            Clause::Delete(c) => c.span,
            Clause::Call(c) => c.span,
            Clause::CallSubquery(c) => c.span,
            Clause::Foreach(c) => c.span,
            Clause::LoadCsv(c) => c.span,
        }
    }
}

/// `[OPTIONAL] MATCH pattern [WHERE expr]`
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub optional: bool,
    pub pattern: Pattern,
    pub where_: Option<Expr>,
    pub span: Span,
}

/// `UNWIND expr AS var`
#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    pub expr: Expr,
    pub variable: Ident,
    pub span: Span,
}

/// The body of `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `*` was written (with or without further items).
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    /// Only for `WITH`.
    pub where_: Option<Expr>,
    pub span: Span,
}

/// `expr [AS alias]`
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<Ident>,
    /// The expression exactly as written in the query (used as the column name when there is
    /// no alias, as openCypher requires).
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
    pub span: Span,
}

/// `CREATE pattern`
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub pattern: Pattern,
    pub span: Span,
}

/// `MERGE part [ON CREATE SET ...] [ON MATCH SET ...]`
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub part: PatternPart,
    pub on_create: Vec<SetItem>,
    pub on_match: Vec<SetItem>,
    pub span: Span,
}

/// `SET item, item, ...`
#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    pub items: Vec<SetItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.prop = expr` (the target is any property expression, e.g. `n.a`, `(n).a`)
    Property {
        target: Expr,
        key: Ident,
        value: Expr,
        span: Span,
    },
    /// `n = map` (replace all properties)
    Replace {
        variable: Ident,
        value: Expr,
        span: Span,
    },
    /// `n += map` (merge properties)
    Merge {
        variable: Ident,
        value: Expr,
        span: Span,
    },
    /// `n:A:B`
    Labels {
        variable: Ident,
        labels: Vec<Ident>,
        span: Span,
    },
}

/// `REMOVE item, ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Remove {
    pub items: Vec<RemoveItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    /// `n.prop`
    Property {
        target: Expr,
        key: Ident,
        span: Span,
    },
    /// `n:A:B`
    Labels {
        variable: Ident,
        labels: Vec<Ident>,
        span: Span,
    },
}

/// `[DETACH] DELETE expr, ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub detach: bool,
    pub exprs: Vec<Expr>,
    pub span: Span,
}

/// `CALL ns.proc(args) [YIELD a [AS b], ... [WHERE expr]]`; `args` is `None` for the
/// implicit form without parentheses.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub procedure: Vec<Ident>,
    pub args: Option<Vec<Expr>>,
    /// `None`: no YIELD; `Some(vec![])` never occurs except for `YIELD *` (see `yield_star`).
    pub yields: Option<Vec<YieldItem>>,
    pub yield_star: bool,
    pub where_: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YieldItem {
    pub field: Ident,
    pub alias: Option<Ident>,
}

/// `CALL { query }`
#[derive(Debug, Clone, PartialEq)]
pub struct CallSubquery {
    pub query: Query,
    pub span: Span,
}

/// `FOREACH (var IN list | clause ...)`
#[derive(Debug, Clone, PartialEq)]
pub struct Foreach {
    pub variable: Ident,
    pub list: Expr,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

/// `LOAD CSV [WITH HEADERS] FROM url AS var [FIELDTERMINATOR 'c']`
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCsv {
    pub with_headers: bool,
    pub url: Expr,
    pub variable: Ident,
    pub field_terminator: Option<String>,
    pub span: Span,
}

/// A comma-separated list of pattern parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub parts: Vec<PatternPart>,
    pub span: Span,
}

/// `[p =] element` or `[p =] shortestPath(element)`
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub variable: Option<Ident>,
    pub kind: PathKind,
    pub element: PatternElement,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    Normal,
    ShortestPath,
    AllShortestPaths,
}

/// `(a)-[r]->(b)<-[s]-(c)`: a start node and a chain of (relationship, node) steps.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    pub start: NodePattern,
    pub chain: Vec<(RelPattern, NodePattern)>,
    pub span: Span,
}

impl PatternElement {
    /// The node patterns, in written order.
    pub fn nodes(&self) -> impl Iterator<Item = &NodePattern> {
        std::iter::once(&self.start).chain(self.chain.iter().map(|(_, n)| n))
    }
}

/// `(var:A:B {props})`
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub variable: Option<Ident>,
    /// Conjunction of disjunctions: `:A:B` is `[[A], [B]]`, `:A|B` is `[[A, B]]`.
    pub labels: Vec<Vec<Ident>>,
    /// A map literal or a parameter.
    pub properties: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `-->`
    Outgoing,
    /// `<--`
    Incoming,
    /// `--` (or `<-->`)
    Both,
}

/// `-[var:T|U *1..3 {props}]->`
#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub variable: Option<Ident>,
    pub direction: Direction,
    /// Alternatives: `:T|U` is `[T, U]`; empty means any type.
    pub types: Vec<Ident>,
    /// `None`: exactly one hop. `Some(range)`: variable length.
    pub length: Option<LengthRange>,
    pub properties: Option<Box<Expr>>,
    pub span: Span,
}

/// `*` (both `None`), `*2` (both `Some(2)`), `*1..3`, `*..5`, `*2..`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthRange {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Minus,
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    /// `=~`
    Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

/// An item of a map projection `n{.name, .*, key: expr, var}`.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.name`
    Property(Ident),
    /// `.*`
    AllProperties,
    /// `key: expr`
    Literal(Ident, Expr),
    /// `var` (the variable's value under its own name)
    Variable(Ident),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `$name` (also `$0` for numbered parameters, kept as the string "0").
    Parameter(String),
    Variable(String),
    /// `expr.key`
    Property(Box<Expr>, Ident),
    /// `expr[index]` (lists by integer, maps by string)
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]` with either bound optional
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    List(Vec<Expr>),
    Map(Vec<(Ident, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    /// Binary operators. Chained comparisons `a < b <= c` are lowered by the parser into
    /// `a < b AND b <= c`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr IS NULL` (`false`) / `expr IS NOT NULL` (`true`)
    IsNull(Box<Expr>, bool),
    /// `expr:A:B` in a predicate (all labels required).
    HasLabels(Box<Expr>, Vec<Ident>),
    /// `name(args)`, `ns.name(DISTINCT args)`; `name` holds the namespace joined with `.`.
    FunctionCall {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | expr]`
    ListComprehension {
        variable: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | expr]`
    PatternComprehension {
        variable: Option<Ident>,
        pattern: PatternElement,
        filter: Option<Box<Expr>>,
        map: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and friends
    Quantified {
        quantifier: Quantifier,
        variable: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`
    Reduce {
        accumulator: Ident,
        init: Box<Expr>,
        variable: Ident,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// A pattern used as a predicate: `WHERE (a)-[:T]->()`.
    PatternPredicate(PatternElement),
    /// `EXISTS { pattern [WHERE expr] }` or `EXISTS { query }`
    Exists(Box<SubqueryExpr>),
    /// `COUNT { ... }`
    CountSubquery(Box<SubqueryExpr>),
    /// `COLLECT { query }`
    CollectSubquery(Box<SubqueryExpr>),
    /// `n{.name, key: expr}`
    MapProjection(Box<Expr>, Vec<MapProjectionItem>),
}

/// The body of `EXISTS { }`, `COUNT { }` and `COLLECT { }`.
#[derive(Debug, Clone, PartialEq)]
pub enum SubqueryExpr {
    Pattern {
        pattern: Pattern,
        where_: Option<Expr>,
    },
    Query(Query),
}
