//! Canonical Cypher text for the AST (filled in with the parser).
