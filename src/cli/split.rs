//! Splits a script into statements at `;`.
//!
//! A `;` ends a statement only outside string literals (`'...'`, `"..."`, with backslash
//! escapes), backticked names (`` `...` ``) and comments (`// ...` to the end of the line,
//! `/* ... */`). Each statement keeps its byte offset in the script so that errors, whose
//! positions are relative to the statement text, can be reported against the whole file.
//! A line starting with `:` where a statement could start is a shell command, a piece of
//! its own to the end of the line.

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The statement text without the terminating `;`, trimmed of surrounding whitespace.
    pub text: &'a str,
    /// Byte offset of `text` in the script.
    pub offset: usize,
    /// 1-based line of the first character of `text`.
    pub line: usize,
    /// Whether the statement was closed by a `;` (the last one of a script may not be).
    pub terminated: bool,
}

/// What the splitter was inside of when the text ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndState {
    /// Ordinary code, or a `//` comment (ended by the end of the text).
    Code,
    /// An unterminated string literal, backticked name or block comment.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Quoted(u8),
    Backtick,
    LineComment,
    BlockComment,
}

/// The statements of `script` plus the state at its end.
///
/// Pieces that hold nothing but whitespace and comments are dropped.
pub fn split_with_state(script: &str) -> (Vec<Piece<'_>>, EndState) {
    let bytes = script.as_bytes();
    let mut pieces = Vec::new();
    let mut state = State::Code;
    let mut start = 0; // start of the current piece
    let mut has_code = false; // the current piece holds something besides comments/space
    let mut i = 0;

    // Lines are counted incrementally: pieces come in order.
    let (mut counted_to, mut counted_line) = (0, 1);
    let mut push = |from: usize, to: usize, terminated: bool, has_code: bool| {
        if !has_code {
            return;
        }
        let raw = &script[from..to];
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        let offset = from + lead;
        counted_line += script[counted_to..offset]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        counted_to = offset;
        let line = counted_line;
        pieces.push(Piece {
            text,
            offset,
            line,
            terminated,
        });
    };

    while i < bytes.len() {
        let b = bytes[i];
        match state {
            State::Code => match b {
                // A shell command (`:param x => 1`) where a statement could start: the
                // line is a piece of its own, its quotes and slashes not read as Cypher's.
                b':' if !has_code => {
                    let end = script[i..].find('\n').map_or(bytes.len(), |n| i + n);
                    push(i, end, true, true);
                    start = end;
                    i = end;
                    continue;
                }
                b';' => {
                    push(start, i, true, has_code);
                    start = i + 1;
                    has_code = false;
                }
                b'\'' | b'"' => {
                    state = State::Quoted(b);
                    has_code = true;
                }
                b'`' => {
                    state = State::Backtick;
                    has_code = true;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    state = State::LineComment;
                    i += 1;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    state = State::BlockComment;
                    i += 1;
                }
                b if b.is_ascii_whitespace() => {}
                _ => has_code = true,
            },
            State::Quoted(q) => {
                if b == b'\\' {
                    // Skip the escaped byte.
                    i += 1;
                } else if b == q {
                    state = State::Code;
                }
            }
            State::Backtick => {
                // A doubled backtick inside a name closes and reopens: same result.
                if b == b'`' {
                    state = State::Code;
                }
            }
            State::LineComment => {
                if b == b'\n' {
                    state = State::Code;
                }
            }
            State::BlockComment => {
                if b == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    state = State::Code;
                    i += 1;
                }
            }
        }
        i += 1;
    }
    push(start, bytes.len(), false, has_code);
    let end = match state {
        State::Code | State::LineComment => EndState::Code,
        State::Quoted(_) | State::Backtick | State::BlockComment => EndState::Open,
    };
    (pieces, end)
}

/// The statements of `script`.
pub fn split(script: &str) -> Vec<Piece<'_>> {
    split_with_state(script).0
}

/// Whether REPL input is ready to run: every statement in it ends with `;` and no string or
/// comment is left open. Input with no statement at all is not complete.
pub fn is_complete(input: &str) -> bool {
    let (pieces, end) = split_with_state(input);
    end == EndState::Code && !pieces.is_empty() && pieces.iter().all(|p| p.terminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<&str> {
        split(script).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn splits_at_semicolons() {
        assert_eq!(texts("RETURN 1; RETURN 2"), ["RETURN 1", "RETURN 2"]);
        assert_eq!(texts("RETURN 1;"), ["RETURN 1"]);
        assert_eq!(texts(""), Vec::<&str>::new());
        assert_eq!(texts(" ;; ;\n"), Vec::<&str>::new());
    }

    #[test]
    fn ignores_semicolons_in_strings_names_and_comments() {
        assert_eq!(
            texts("RETURN 'a;b', \"c;d\", 1 AS `e;f`; RETURN 2"),
            ["RETURN 'a;b', \"c;d\", 1 AS `e;f`", "RETURN 2"]
        );
        assert_eq!(
            texts("RETURN 'it\\'s; fine'; RETURN \"\\\";\""),
            ["RETURN 'it\\'s; fine'", "RETURN \"\\\";\""]
        );
        assert_eq!(
            texts("RETURN 1 // a; b\n; /* c; d */ RETURN 2;"),
            ["RETURN 1 // a; b", "/* c; d */ RETURN 2"]
        );
        assert_eq!(
            texts("RETURN 1 AS `a``;b`; X"),
            ["RETURN 1 AS `a``;b`", "X"]
        );
    }

    #[test]
    fn comment_only_pieces_are_dropped() {
        assert_eq!(texts("RETURN 1; // done\n/* end */"), ["RETURN 1"]);
        assert_eq!(texts("// only a comment"), Vec::<&str>::new());
    }

    #[test]
    fn a_colon_where_a_statement_could_start_makes_a_command_line() {
        // Its quotes and slashes are the command's; a `;` may end it.
        assert_eq!(
            texts("// setup\n:read it's.cypher\nRETURN 1;\n:param s => '/*';\nRETURN 2"),
            [
                ":read it's.cypher",
                "RETURN 1",
                ":param s => '/*';",
                "RETURN 2"
            ]
        );
        assert_eq!(texts("/* a */ :format csv\n// end\n"), [":format csv"]);
        // Inside a statement a colon is Cypher's.
        assert_eq!(texts("MATCH (n\n:A) RETURN n"), ["MATCH (n\n:A) RETURN n"]);
        // A command is complete at its line's end (for the REPL's buffer).
        assert!(is_complete(":params"));
    }

    #[test]
    fn slashes_that_are_not_comments() {
        assert_eq!(
            texts("RETURN 4 / 2; RETURN 1"),
            ["RETURN 4 / 2", "RETURN 1"]
        );
    }

    #[test]
    fn offsets_and_lines() {
        let script = "CREATE (a);\n\n  MATCH (n)\n  RETURN n;\nRETURN 'é'; RETURN 3";
        let pieces = split(script);
        assert_eq!(pieces.len(), 4);
        assert_eq!((pieces[0].offset, pieces[0].line), (0, 1));
        assert_eq!(pieces[1].text, "MATCH (n)\n  RETURN n");
        assert_eq!(&script[pieces[1].offset..][..5], "MATCH");
        assert_eq!(pieces[1].line, 3);
        assert_eq!(pieces[2].line, 5);
        assert_eq!(pieces[3].line, 5);
        assert_eq!(&script[pieces[3].offset..], "RETURN 3");
        assert!(pieces[2].terminated);
        assert!(!pieces[3].terminated);
    }

    #[test]
    fn multi_line_strings_count_lines() {
        let pieces = split("RETURN 'a\nb';\nRETURN 2;");
        assert_eq!(pieces[1].line, 3);
    }

    #[test]
    fn completeness_for_the_repl() {
        assert!(is_complete("RETURN 1;"));
        assert!(is_complete("RETURN 1; // trailing"));
        assert!(is_complete("MATCH (n)\nRETURN n;\n"));
        assert!(!is_complete("MATCH (n)"));
        assert!(!is_complete("RETURN 'a;"));
        assert!(!is_complete("RETURN 1; /* open"));
        assert!(!is_complete("RETURN 1; RETURN 2"));
        assert!(!is_complete(""));
        assert!(!is_complete("// just a comment"));
    }
}
