//! Conversion of pest failures into Baobab syntax errors with readable expectations.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use crate::ast::Span;
use crate::error::{detail, Error};

/// The keyword a `kw_*` rule matches, `None` for other rules.
pub(super) fn keyword_text(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::kw_all => "ALL",
        Rule::kw_allshortestpaths => "ALLSHORTESTPATHS",
        Rule::kw_and => "AND",
        Rule::kw_any => "ANY",
        Rule::kw_as => "AS",
        Rule::kw_asc => "ASC",
        Rule::kw_ascending => "ASCENDING",
        Rule::kw_begin => "BEGIN",
        Rule::kw_by => "BY",
        Rule::kw_call => "CALL",
        Rule::kw_case => "CASE",
        Rule::kw_checkpoint => "CHECKPOINT",
        Rule::kw_collect => "COLLECT",
        Rule::kw_commit => "COMMIT",
        Rule::kw_constraint => "CONSTRAINT",
        Rule::kw_constraints => "CONSTRAINTS",
        Rule::kw_contains => "CONTAINS",
        Rule::kw_count => "COUNT",
        Rule::kw_create => "CREATE",
        Rule::kw_csv => "CSV",
        Rule::kw_delete => "DELETE",
        Rule::kw_desc => "DESC",
        Rule::kw_descending => "DESCENDING",
        Rule::kw_detach => "DETACH",
        Rule::kw_distinct => "DISTINCT",
        Rule::kw_drop => "DROP",
        Rule::kw_else => "ELSE",
        Rule::kw_end => "END",
        Rule::kw_ends => "ENDS",
        Rule::kw_exists => "EXISTS",
        Rule::kw_explain => "EXPLAIN",
        Rule::kw_false => "FALSE",
        Rule::kw_fieldterminator => "FIELDTERMINATOR",
        Rule::kw_for => "FOR",
        Rule::kw_foreach => "FOREACH",
        Rule::kw_from => "FROM",
        Rule::kw_headers => "HEADERS",
        Rule::kw_if => "IF",
        Rule::kw_in => "IN",
        Rule::kw_index => "INDEX",
        Rule::kw_indexes => "INDEXES",
        Rule::kw_is => "IS",
        Rule::kw_limit => "LIMIT",
        Rule::kw_load => "LOAD",
        Rule::kw_match => "MATCH",
        Rule::kw_merge => "MERGE",
        Rule::kw_none => "NONE",
        Rule::kw_not => "NOT",
        Rule::kw_null => "NULL",
        Rule::kw_on => "ON",
        Rule::kw_optional => "OPTIONAL",
        Rule::kw_or => "OR",
        Rule::kw_order => "ORDER",
        Rule::kw_profile => "PROFILE",
        Rule::kw_reduce => "REDUCE",
        Rule::kw_remove => "REMOVE",
        Rule::kw_require => "REQUIRE",
        Rule::kw_return => "RETURN",
        Rule::kw_rollback => "ROLLBACK",
        Rule::kw_set => "SET",
        Rule::kw_shortestpath => "SHORTESTPATH",
        Rule::kw_show => "SHOW",
        Rule::kw_single => "SINGLE",
        Rule::kw_skip => "SKIP",
        Rule::kw_starts => "STARTS",
        Rule::kw_then => "THEN",
        Rule::kw_true => "TRUE",
        Rule::kw_union => "UNION",
        Rule::kw_unique => "UNIQUE",
        Rule::kw_unwind => "UNWIND",
        Rule::kw_when => "WHEN",
        Rule::kw_where => "WHERE",
        Rule::kw_with => "WITH",
        Rule::kw_xor => "XOR",
        Rule::kw_yield => "YIELD",
        _ => return None,
    })
}

/// A readable name for a rule in an "expected" list, `None` to leave it out.
fn rule_name(rule: Rule) -> Option<&'static str> {
    if let Some(k) = keyword_text(rule) {
        return Some(k);
    }
    Some(match rule {
        Rule::statement | Rule::query | Rule::single_query => "a statement",
        Rule::EOI => "end of input",
        r if super::is_expression_layer(r) => "an expression",
        Rule::comparison_op => "a comparison operator",
        Rule::add_op => "'+' or '-'",
        Rule::mul_op => "'*', '/' or '%'",
        Rule::unary_op => "'+' or '-'",
        Rule::variable | Rule::plain_name | Rule::escaped_name => "an identifier",
        Rule::symbolic_name | Rule::schema_name => "a name",
        Rule::number => "a number",
        Rule::string_literal => "a string",
        Rule::parameter => "a parameter",
        Rule::list_literal => "a list",
        Rule::map_literal => "a map",
        Rule::pattern | Rule::pattern_part | Rule::pattern_element => "a pattern",
        Rule::node_pattern => "a node pattern",
        Rule::rel_pattern => "a relationship pattern",
        Rule::label_expression | Rule::node_labels | Rule::label_postfix => "a label",
        Rule::rel_types => "a relationship type",
        Rule::range => "'*'",
        Rule::range_min | Rule::range_max => "an integer",
        Rule::range_dots => "'..'",
        Rule::where_clause => "WHERE",
        Rule::order_by => "ORDER BY",
        Rule::skip => "SKIP",
        Rule::limit => "LIMIT",
        Rule::star => "'*'",
        Rule::property_lookup => "'.'",
        Rule::subscript => "'['",
        Rule::left_arrow => "'<'",
        Rule::right_arrow => "'>'",
        Rule::union => "UNION",
        Rule::projection_item | Rule::projection_items => "an expression",
        Rule::property_expression | Rule::property_ref => "a property",
        Rule::if_not_exists | Rule::if_exists => "IF",
        Rule::merge_action => "ON",
        Rule::yield_clause => "YIELD",
        Rule::call_args => "'('",
        Rule::in_suffix => "IN",
        Rule::starts_with_suffix => "STARTS WITH",
        Rule::ends_with_suffix => "ENDS WITH",
        Rule::contains_suffix => "CONTAINS",
        Rule::regex_suffix => "'=~'",
        Rule::is_null_suffix | Rule::is_not_null_suffix => "IS",
        _ => return None,
    })
}

/// The token at `pos` for the "unexpected ..." part of a message, with its byte length.
fn token_at(text: &str, pos: usize) -> (String, usize) {
    let Some(rest) = text.get(pos..) else {
        return ("end of input".into(), 0);
    };
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return ("end of input".into(), 0);
    };
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token = &rest[..len];
    let shown: String = token.chars().take(40).collect();
    (format!("'{shown}'"), len)
}

/// Converts a pest failure into a `SyntaxError` (`UnexpectedSyntax`) at the failing position.
pub(super) fn convert(text: &str, entry: Rule, err: pest::error::Error<Rule>) -> Error {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if let Some(e) = unterminated(text, pos) {
        return e;
    }
    let (token, len) = token_at(text, pos);
    let span = Span::new(pos, pos + len);
    let message = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = Vec::new();
            for r in positives {
                if let Some(n) = rule_name(*r) {
                    if !expected.contains(&n) {
                        expected.push(n);
                    }
                }
            }
            for t in punctuation_expected(text, entry) {
                if !expected.contains(&t) {
                    expected.push(t);
                }
            }
            if expected.is_empty() {
                format!("unexpected {token}")
            } else {
                format!("unexpected {token}; expected {}", join_expected(&expected))
            }
        }
        ErrorVariant::CustomError { message } => {
            format!("unexpected {token}: {message}")
        }
    };
    Error::syntax(detail::UNEXPECTED_SYNTAX, message, span)
}

/// The error of a string or backquoted name opened at `pos` and never closed: the parse
/// fails at its opening quote, where "unexpected '''" would not say why.
fn unterminated(text: &str, pos: usize) -> Option<Error> {
    let quote = text.get(pos..)?.chars().next()?;
    let what = match quote {
        '\'' | '"' => "string",
        '`' => "name",
        _ => return None,
    };
    let mut rest = text.get(pos + 1..)?.chars();
    while let Some(c) = rest.next() {
        match c {
            // An escaped character, in a string (a name doubles its backquotes).
            '\\' if what == "string" => {
                rest.next();
            }
            c if c == quote => return None,
            _ => {}
        }
    }
    Some(Error::syntax(
        detail::UNEXPECTED_SYNTAX,
        format!("unterminated {what}: the {quote} here is never closed"),
        Span::new(pos, pos + 1),
    ))
}

fn join_expected(names: &[&str]) -> String {
    match names {
        [one] => one.to_string(),
        _ => format!("one of {}", names.join(", ")),
    }
}

/// Punctuation the grammar would have accepted at the failure point (pest only lists rules
/// in its error, so the parse is repeated with attempt tracking on).
fn punctuation_expected(text: &str, entry: Rule) -> Vec<&'static str> {
    use pest::Parser;
    const PUNCTUATION: &[&str] = &[
        "(", ")", "[", "]", "{", "}", ",", ";", ":", "|", "=", "..", "-", "+=", "$",
    ];
    const KEYWORDS: &[&str] = &[
        "MATCH",
        "OPTIONAL",
        "RETURN",
        "WITH",
        "UNWIND",
        "CREATE",
        "MERGE",
        "SET",
        "REMOVE",
        "DELETE",
        "DETACH",
        "CALL",
        "FOREACH",
        "LOAD",
        "UNION",
        "WHERE",
        "ORDER",
        "SKIP",
        "LIMIT",
        "AS",
        "EXPLAIN",
        "PROFILE",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "CHECKPOINT",
        "DROP",
        "SHOW",
        "YIELD",
        "ON",
        "DISTINCT",
        "THEN",
        "WHEN",
        "ELSE",
        "END",
        "IN",
        "BY",
    ];
    pest::set_error_detail(true);
    let result = super::CypherParser::parse(entry, text);
    pest::set_error_detail(false);
    let Err(err) = result else {
        return Vec::new();
    };
    let Some(attempts) = err.parse_attempts() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for token in attempts.expected_tokens() {
        let token = token.to_string();
        if !token.is_empty() && token.chars().all(|c| c.is_ascii_uppercase()) {
            let keyword: &'static str = KEYWORDS
                .iter()
                .find(|k| **k == token)
                .copied()
                .unwrap_or("");
            if !keyword.is_empty() && !out.contains(&keyword) {
                out.push(keyword);
            }
            continue;
        }
        {
            if let Some(p) = PUNCTUATION.iter().find(|p| **p == token) {
                let quoted: &'static str = match *p {
                    "(" => "'('",
                    ")" => "')'",
                    "[" => "'['",
                    "]" => "']'",
                    "{" => "'{'",
                    "}" => "'}'",
                    "," => "','",
                    ";" => "';'",
                    ":" => "':'",
                    "|" => "'|'",
                    "=" => "'='",
                    ".." => "'..'",
                    "-" => "'-'",
                    "+=" => "'+='",
                    _ => "'$'",
                };
                if !out.contains(&quoted) {
                    out.push(quoted);
                }
            }
        }
    }
    out
}
