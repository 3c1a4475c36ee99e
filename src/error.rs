//! The public error type.
//!
//! Every failure that can reach a caller is an [`Error`]: a [`ErrorKind`] named like
//! openCypher's error classes, an optional detail code (`UndefinedVariable`,
//! `DeletedEntityAccess`, ...), a one-line message, the [`Phase`] in which it was raised and,
//! when the error can be tied to the query text, the byte [`Span`] and the line/column of the
//! offending token.

use std::fmt;

use crate::ast::Span;

/// The class of an error. Kinds are part of the contract: messages may change, kinds do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The query text is not valid Cypher, or is valid syntax with an invalid meaning that is
    /// detected before running (openCypher reports both as `SyntaxError`).
    SyntaxError,
    /// A semantic rule that can only be checked while running (e.g. `MergeReadOwnWrites`).
    SemanticError,
    /// A value of the wrong type was given to an operator or function.
    TypeError,
    /// A value of the right type but outside the accepted range.
    ArgumentError,
    /// Integer overflow, division by zero and similar arithmetic failures.
    ArithmeticError,
    /// An entity was used after it was deleted, or does not exist.
    EntityNotFound,
    /// A write would leave the graph violating a rule (e.g. deleting a node that still has
    /// relationships, a duplicate key or a unique-constraint violation).
    ConstraintVerificationFailed,
    /// A `$parameter` was used but not given.
    ParameterMissing,
    /// A procedure call failed or names no known procedure.
    ProcedureError,
    /// Transaction misuse (COMMIT without BEGIN, writes on a read-only database, ...).
    TransactionError,
    /// The query ran longer than its deadline.
    Timeout,
    /// The query was cancelled from another thread.
    Cancelled,
    /// The query exceeded a configured resource limit (rows, memory, depth).
    ResourceLimit,
    /// An operating-system I/O failure.
    Io,
    /// A file on disk is damaged or of an unknown format.
    Corruption,
    /// The database is locked by another process.
    Locked,
    /// A broken internal invariant: always a bug in Baobab.
    Internal,
}

impl ErrorKind {
    /// The openCypher-style name of this kind.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::SemanticError => "SemanticError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ArgumentError => "ArgumentError",
            ErrorKind::ArithmeticError => "ArithmeticError",
            ErrorKind::EntityNotFound => "EntityNotFound",
            ErrorKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorKind::ParameterMissing => "ParameterMissing",
            ErrorKind::ProcedureError => "ProcedureError",
            ErrorKind::TransactionError => "TransactionError",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::Cancelled => "Cancelled",
            ErrorKind::ResourceLimit => "ResourceLimit",
            ErrorKind::Io => "IoError",
            ErrorKind::Corruption => "Corruption",
            ErrorKind::Locked => "Locked",
            ErrorKind::Internal => "InternalError",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// When the error was raised: while compiling the query (parse, analysis, planning) or while
/// running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Compile,
    Runtime,
}

/// A line and column (both 1-based, column counted in characters) in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The line and column of byte `offset` in `text` (clamped to the text).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

/// Detail codes used with [`Error::detail`], named as the openCypher TCK names them.
pub mod detail {
    pub const UNEXPECTED_SYNTAX: &str = "UnexpectedSyntax";
    pub const UNDEFINED_VARIABLE: &str = "UndefinedVariable";
    pub const VARIABLE_ALREADY_BOUND: &str = "VariableAlreadyBound";
    pub const VARIABLE_TYPE_CONFLICT: &str = "VariableTypeConflict";
    pub const INVALID_AGGREGATION: &str = "InvalidAggregation";
    pub const NESTED_AGGREGATION: &str = "NestedAggregation";
    pub const AMBIGUOUS_AGGREGATION: &str = "AmbiguousAggregationExpression";
    pub const INVALID_ARGUMENT_TYPE: &str = "InvalidArgumentType";
    pub const INVALID_ARGUMENT_VALUE: &str = "InvalidArgumentValue";
    pub const INVALID_NUMBER_LITERAL: &str = "InvalidNumberLiteral";
    pub const INVALID_UNICODE_LITERAL: &str = "InvalidUnicodeLiteral";
    pub const INTEGER_OVERFLOW: &str = "IntegerOverflow";
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    pub const FLOATING_POINT_OVERFLOW: &str = "FloatingPointOverflow";
    pub const NON_CONSTANT_EXPRESSION: &str = "NonConstantExpression";
    pub const NEGATIVE_INTEGER_ARGUMENT: &str = "NegativeIntegerArgument";
    pub const NUMBER_OUT_OF_RANGE: &str = "NumberOutOfRange";
    pub const DELETED_ENTITY_ACCESS: &str = "DeletedEntityAccess";
    pub const MAP_ELEMENT_ACCESS_BY_NON_STRING: &str = "MapElementAccessByNonString";
    pub const REQUIRES_DIRECTED_RELATIONSHIP: &str = "RequiresDirectedRelationship";
    pub const NO_SINGLE_RELATIONSHIP_TYPE: &str = "NoSingleRelationshipType";
    pub const INVALID_RELATIONSHIP_PATTERN: &str = "InvalidRelationshipPattern";
    pub const INVALID_PARAMETER_USE: &str = "InvalidParameterUse";
    pub const INVALID_DELETE: &str = "InvalidDelete";
    pub const UNKNOWN_FUNCTION: &str = "UnknownFunction";
    pub const RELATIONSHIP_UNIQUENESS_VIOLATION: &str = "RelationshipUniquenessViolation";
    pub const NO_VARIABLES_IN_SCOPE: &str = "NoVariablesInScope";
    pub const INVALID_CLAUSE_COMPOSITION: &str = "InvalidClauseComposition";
    pub const DIFFERENT_COLUMNS_IN_UNION: &str = "DifferentColumnsInUnion";
    pub const CREATING_VAR_LENGTH: &str = "CreatingVarLength";
    pub const COLUMN_NAME_CONFLICT: &str = "ColumnNameConflict";
    pub const MERGE_READ_OWN_WRITES: &str = "MergeReadOwnWrites";
    pub const DELETE_CONNECTED_NODE: &str = "DeleteConnectedNode";
    pub const DIVISION_BY_ZERO: &str = "DivisionByZero";
    pub const DUPLICATE_KEY: &str = "DuplicateKey";
    pub const UNKNOWN_PROCEDURE: &str = "ProcedureNotFound";
    pub const UNIQUE_CONSTRAINT_VIOLATION: &str = "UniqueConstraintViolation";
    pub const SCHEMA_RULE_EXISTS: &str = "EquivalentSchemaRuleAlreadyExists";
    pub const SCHEMA_RULE_MISSING: &str = "SchemaRuleNotFound";
}

/// A Baobab error: kind, optional detail code, message, phase and where in the query it was
/// raised.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Error {
    pub kind: ErrorKind,
    pub detail: Option<&'static str>,
    pub message: String,
    pub phase: Phase,
    /// Byte range in the query text, when known.
    pub span: Option<Span>,
    /// Line and column of `span.start`, filled in by the API once the query text is known.
    pub position: Option<Position>,
}

impl Error {
    /// A new error of `kind` raised at compile time.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            detail: None,
            message: message.into(),
            phase: Phase::Compile,
            span: None,
            position: None,
        }
    }

    /// A `SyntaxError` with a detail code, at compile time.
    pub fn syntax(detail: &'static str, message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::SyntaxError, message)
            .with_detail(detail)
            .with_span(span)
    }

    /// An error raised while running a query.
    pub fn runtime(kind: ErrorKind, detail: &'static str, message: impl Into<String>) -> Error {
        Error::new(kind, message).with_detail(detail).at_runtime()
    }

    /// A broken invariant: a bug in Baobab, reported rather than panicking.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message).at_runtime()
    }

    pub fn with_detail(mut self, detail: &'static str) -> Error {
        self.detail = Some(detail);
        self
    }

    pub fn with_span(mut self, span: Span) -> Error {
        self.span = Some(span);
        self
    }

    /// Sets the span only when none is known yet.
    pub fn or_span(mut self, span: Span) -> Error {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    pub fn at_runtime(mut self) -> Error {
        self.phase = Phase::Runtime;
        self
    }

    /// Fills in the line/column from the query text the span refers to.
    pub fn locate(mut self, text: &str) -> Error {
        if let Some(span) = self.span {
            self.position = Some(Position::of_offset(text, span.start));
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(detail) = self.detail {
            write!(f, " ({detail})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(pos) = self.position {
            write!(f, " at line {}, column {}", pos.line, pos.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "MATCH (n)\nRETURN é, m";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        let m = text.find('m').unwrap();
        assert_eq!(
            Position::of_offset(text, m),
            Position {
                line: 2,
                column: 11
            }
        );
        assert_eq!(Position::of_offset(text, 999).line, 2);
    }
}
