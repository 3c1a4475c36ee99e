//! Names as Cypher reads them: the grammar's identifier rule and backtick quoting. A leaf
//! module, shared by value printing (map keys), AST printing and the command line.

/// Writes a map key or other name as Cypher reads it: bare when it is an identifier,
/// in backticks (a backtick doubled) otherwise.
pub fn quote_name(name: &str) -> String {
    let mut chars = name.chars();
    // The grammar's identifiers: XID_START or `_`, then XID_CONTINUE.
    let plain = chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue);
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}
