//! The interactive shell: multi-line input ending with `;`, `:commands`, persistent history
//! and tab completion.

use baobab::value::quote_name;
use std::path::PathBuf;
use std::time::Instant;

use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use super::format::{plural, Format};
use super::{literal, split, Session, Source};

const PROMPT: &str = "baobab> ";
const CONTINUATION: &str = "    ...> ";

const HELP: &str = "\
Enter Cypher statements ending with `;` (they may span several lines).
Commands (run on Enter, no `;` needed):
  :help                     this text
  :quit, :exit              leave (Ctrl-D works too)
  :format FMT               output format: table, csv, tsv, json, jsonl
  :timing on|off            print the time of each statement to stderr
  :param NAME => VALUE      set $NAME to a Cypher literal
  :params                   list the parameters
  :schema                   labels, relationship types and property keys with counts
  :read FILE                run a script file
  :explain QUERY            show the plan of QUERY without running it
  :profile QUERY            run QUERY and show its plan with row counts and times
  :dump FILE                write a Cypher script that recreates the database
  :export FMT FILE [QUERY]  export the database (or what QUERY returns): jsonl, csv
                            (FILE is a folder), graphml, dot
  :open FILE                close this database (checkpointing a file) and open FILE
  :save [FILE]              checkpoint this file database, or write a copy to FILE
Ctrl-C cancels the running statement or clears the current input; Tab completes keywords,
functions, labels, relationship types and property keys.";

const COMMANDS: &[&str] = &[
    ":help", ":quit", ":exit", ":format", ":timing", ":param", ":params", ":read", ":explain",
    ":profile", ":schema", ":dump", ":export", ":open", ":save",
];

const KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "ASCENDING",
    "BEGIN",
    "BY",
    "CALL",
    "CASE",
    "CHECKPOINT",
    "COLLECT",
    "COMMIT",
    "CONSTRAINT",
    "CONTAINS",
    "COUNT",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "DROP",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FOR",
    "IF",
    "IN",
    "INDEX",
    "IS",
    "KEY",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "PROFILE",
    "REMOVE",
    "REQUIRE",
    "RETURN",
    "ROLLBACK",
    "SET",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNIQUE",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
    "YIELD",
];

/// Forms that read like function calls but are syntax, not library functions.
const SPECIAL_FORMS: &[&str] = &[
    "all",
    "allShortestPaths",
    "any",
    "exists",
    "none",
    "reduce",
    "shortestPath",
    "single",
];

/// Names read from the database for completion.
#[derive(Default)]
struct ShellHelper {
    /// No colours (`NO_COLOR` is set).
    plain: bool,
    labels: Vec<String>,
    types: Vec<String>,
    keys: Vec<String>,
}

impl ShellHelper {
    fn candidates(&self, line: &str, start: usize, prefix: &str) -> Vec<String> {
        let before = line[..start].trim_end_matches('`');
        let lower = prefix.to_lowercase();
        let matches = |name: &str| name.to_lowercase().starts_with(&lower);
        let mut out: Vec<String> = Vec::new();
        if line.trim_start().starts_with(':') && !line[..start].trim_start().contains(' ') {
            out.extend(
                COMMANDS
                    .iter()
                    .filter(|c| c[1..].starts_with(&lower))
                    .map(|c| c[1..].to_string()),
            );
        } else if before.ends_with(':') {
            out.extend(
                self.labels
                    .iter()
                    .chain(&self.types)
                    .filter(|n| matches(n))
                    .cloned(),
            );
        } else if before.ends_with('.') || before.ends_with('$') {
            out.extend(self.keys.iter().filter(|n| matches(n)).cloned());
        } else if !prefix.is_empty() {
            let upper = prefix.chars().next().is_some_and(char::is_uppercase);
            out.extend(KEYWORDS.iter().filter(|k| matches(k)).map(|k| {
                if upper {
                    k.to_string()
                } else {
                    k.to_lowercase()
                }
            }));
            out.extend(
                SPECIAL_FORMS
                    .iter()
                    .copied()
                    .chain(baobab::function_names())
                    .filter(|f| matches(f))
                    .map(|f| format!("{f}(")),
            );
            out.extend(
                self.labels
                    .iter()
                    .chain(&self.types)
                    .chain(&self.keys)
                    .filter(|n| matches(n))
                    .cloned(),
            );
        }
        out.sort();
        out.dedup();
        out
    }
}

impl Completer for ShellHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let start = line[..pos]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(pos, |(i, _)| i);
        Ok((start, self.candidates(line, start, &line[start..pos])))
    }
}

/// Suggests the rest of the latest history entry that starts with the line typed so far
/// (accept it with the right arrow).
impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        rustyline::hint::HistoryHinter::new().hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> std::borrow::Cow<'l, str> {
        if self.plain {
            return std::borrow::Cow::Borrowed(line);
        }
        std::borrow::Cow::Owned(highlight(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> std::borrow::Cow<'h, str> {
        if self.plain {
            return std::borrow::Cow::Borrowed(hint);
        }
        std::borrow::Cow::Owned(format!("{DIM}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _forced: bool) -> bool {
        !self.plain
    }
}

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const PARAMETER: &str = "\x1b[35m";
const COMMAND: &str = "\x1b[1m";

/// `line` with ANSI colours: keywords, strings, numbers, parameters, comments and shell
/// commands. A lexer of its own, forgiving of unfinished input (an open quote colours to
/// the end of the line); it never changes the text, only wraps parts of it.
fn highlight(line: &str) -> String {
    if line.trim_start().starts_with(':') {
        return format!("{COMMAND}{line}{RESET}");
    }
    let mut out = String::with_capacity(line.len() + 16);
    let mut chars = line.char_indices().peekable();
    let wrap = |out: &mut String, colour: &str, text: &str| {
        out.push_str(colour);
        out.push_str(text);
        out.push_str(RESET);
    };
    while let Some((i, c)) = chars.next() {
        let end_of = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                      keep: &dyn Fn(char) -> bool| {
            while chars.peek().is_some_and(|(_, c)| keep(*c)) {
                chars.next();
            }
            chars.peek().map_or(line.len(), |(j, _)| *j)
        };
        match c {
            '\'' | '"' => {
                let mut escaped = false;
                let mut end = line.len();
                for (j, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        end = j + d.len_utf8();
                        break;
                    }
                }
                wrap(&mut out, STRING, line.get(i..end).unwrap_or_default());
            }
            '/' if chars.peek().is_some_and(|(_, d)| *d == '/') => {
                wrap(&mut out, DIM, line.get(i..).unwrap_or_default());
                break;
            }
            '$' => {
                let end = end_of(&mut chars, &|d| d.is_alphanumeric() || d == '_');
                wrap(&mut out, PARAMETER, line.get(i..end).unwrap_or_default());
            }
            c if c.is_ascii_digit() => {
                let end = end_of(&mut chars, &|d| d.is_ascii_alphanumeric() || d == '.');
                wrap(&mut out, NUMBER, line.get(i..end).unwrap_or_default());
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = end_of(&mut chars, &|d| d.is_alphanumeric() || d == '_');
                let word = line.get(i..end).unwrap_or_default();
                if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word)) {
                    wrap(&mut out, KEYWORD, word);
                } else {
                    out.push_str(word);
                }
            }
            '`' => {
                let end = end_of(&mut chars, &|d| d != '`');
                let end = if chars.next().is_some() { end + 1 } else { end };
                out.push_str(line.get(i..end).unwrap_or_default());
            }
            c => out.push(c),
        }
    }
    out
}
impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

/// `$XDG_DATA_HOME/baobab/history`, else `~/.local/share/baobab/history`.
fn history_path() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        })?;
    Some(data.join("baobab").join("history"))
}

fn refresh(helper: &mut ShellHelper, session: &Session<'_>) {
    // The open transaction holds the database; its names would be stale anyway.
    if session.in_transaction() {
        return;
    }
    if let Ok(schema) = session.db.schema() {
        helper.labels = schema.labels.into_iter().map(|(l, _)| l).collect();
        helper.types = schema
            .relationship_types
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        helper.keys = schema.property_keys;
    }
}

/// What a `:command` asks of the loop.
pub(super) enum Flow {
    Continue,
    Quit,
    Open(std::path::PathBuf),
}

/// How the REPL ended.
pub enum End {
    /// Leave with this exit code.
    Exit(i32),
    /// `:open FILE`: reopen the REPL on that database.
    Open(std::path::PathBuf),
}

/// `:save [FILE]`.
fn save_command(session: &mut Session<'_>, arg: &str) {
    if session.in_transaction() {
        return command_error(session, "COMMIT or ROLLBACK the open transaction first");
    }
    let outcome = if arg.is_empty() {
        match session.db.path() {
            Some(path) => session.db.checkpoint().map(|()| path),
            None => {
                return command_error(
                    session,
                    "this database is in memory: give a file, :save FILE",
                );
            }
        }
    } else {
        let path = std::path::PathBuf::from(arg);
        session.db.save_as(&path).map(|()| path)
    };
    match outcome {
        Ok(path) if !session.quiet => println!("saved to {}", path.display()),
        Ok(_) => {}
        Err(e) => command_error(session, e),
    }
}

/// Reports the error of a shell command, counted ([`Session::command_errors`]): a script
/// that runs the command fails on it.
fn command_error(session: &mut Session<'_>, message: impl std::fmt::Display) {
    eprintln!("error: {message}");
    session.command_errors += 1;
}

/// Runs shell command `line` (`:name arg`), in the REPL or a script.
pub(super) fn command(session: &mut Session<'_>, line: &str) -> Flow {
    let line = line.trim();
    let (name, arg) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let arg = arg.trim();
    let arg = arg.strip_suffix(';').unwrap_or(arg).trim_end();
    match name {
        ":help" | ":h" | ":?" => println!("{HELP}"),
        ":quit" | ":exit" | ":q" => return Flow::Quit,
        ":save" => save_command(session, arg),
        ":open" if arg.is_empty() => command_error(session, ":open needs a file"),
        ":open" if session.in_transaction() => {
            command_error(session, "COMMIT or ROLLBACK the open transaction first")
        }
        ":open" => return Flow::Open(std::path::PathBuf::from(arg)),
        ":format" => match Format::parse(arg) {
            Some(format) => session.format = format,
            None if arg.is_empty() => println!("format: {}", session.format.name()),
            None => command_error(
                session,
                format!("unknown format '{arg}' (table, csv, tsv, json, jsonl)"),
            ),
        },
        ":timing" => match arg {
            "on" => session.timing = true,
            "off" => session.timing = false,
            "" => println!("timing: {}", if session.timing { "on" } else { "off" }),
            _ => command_error(session, "expected :timing on|off"),
        },
        ":param" => match literal::parse_param(arg) {
            Ok((name, value)) => {
                session.params.insert(name, value);
            }
            Err(e) => command_error(session, e),
        },
        ":params" => {
            if session.params.is_empty() && !session.quiet {
                println!("No parameters");
            }
            for (name, value) in &session.params {
                println!("${name} => {value}");
            }
        }
        ":schema" => match schema_text(session) {
            Ok(text) => print!("{text}"),
            Err(e) => command_error(session, e),
        },
        ":read" => {
            if arg.is_empty() {
                command_error(session, "expected :read FILE");
            } else {
                match std::fs::read_to_string(arg) {
                    Ok(text) => {
                        let source = Source {
                            name: arg.to_string(),
                            text,
                        };
                        // Its own errors are printed; the command fails with it.
                        if session.run_source(&source).failed > 0 {
                            session.command_errors += 1;
                        }
                    }
                    Err(e) => command_error(session, format!("cannot read {arg}: {e}")),
                }
            }
        }
        ":explain" | ":profile" => {
            if arg.is_empty() {
                command_error(session, format!("expected {name} QUERY"));
            } else {
                let keyword = if name == ":explain" {
                    "EXPLAIN"
                } else {
                    "PROFILE"
                };
                let source = Source {
                    name: "<input>".to_string(),
                    text: format!("{keyword} {arg}"),
                };
                let started = Instant::now();
                match session.execute(&source.text) {
                    Ok(result) => {
                        let elapsed = started.elapsed();
                        if name == ":profile" {
                            session.print_result(&result, elapsed);
                        } else {
                            match &result.plan {
                                Some(plan) => println!("{}", plan.trim_end()),
                                None => command_error(session, "the database returned no plan"),
                            }
                        }
                    }
                    Err(error) => {
                        eprint!("{}", super::render_error(&error, &source, 0));
                        session.command_errors += 1;
                    }
                }
            }
        }
        _ => match super::transfer::repl_command(session, name, arg) {
            Some(Ok(())) => {}
            Some(Err(e)) => command_error(session, e),
            None => command_error(session, format!("unknown command {name} (try :help)")),
        },
    }
    Flow::Continue
}

/// Runs the REPL until `:quit`, Ctrl-D or `:open`.
pub fn run(session: &mut Session<'_>) -> End {
    let mut editor: Editor<ShellHelper, rustyline::history::DefaultHistory> = match Editor::new() {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("error: cannot start the shell: {e}");
            return End::Exit(super::EXIT_USAGE);
        }
    };
    // Ctrl-C at the prompt is read by the line editor (it clears the line); while a
    // statement runs the terminal sends SIGINT, which cancels the statement only.
    let cancel = session.cancel.clone();
    match ctrlc::set_handler(move || cancel.cancel()) {
        // Set by an earlier REPL of this process (before `:open`), on the same handle.
        Ok(()) | Err(ctrlc::Error::MultipleHandlers) => {}
        Err(e) => eprintln!("warning: Ctrl-C cannot cancel statements: {e}"),
    }
    let mut helper = ShellHelper {
        plain: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        ..ShellHelper::default()
    };
    refresh(&mut helper, session);
    editor.set_helper(Some(helper));

    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(path);
    }
    if !session.quiet {
        println!(
            "Baobab {} ({}). Statements end with `;`; :help for commands.",
            env!("CARGO_PKG_VERSION"),
            session
                .db
                .path()
                .map_or_else(|| "in memory".to_string(), |p| p.display().to_string())
        );
    }

    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        match editor.readline(prompt) {
            Ok(line) => {
                if buffer.is_empty() {
                    let trimmed = line.trim();
                    if trimmed.is_empty() {
                        continue;
                    }
                    if trimmed.starts_with(':') {
                        session.cancel.reset();
                        let _ = editor.add_history_entry(trimmed);
                        save(&mut editor, &history);
                        match command(session, trimmed) {
                            Flow::Continue => {}
                            Flow::Quit => break,
                            Flow::Open(path) => {
                                session.close();
                                return End::Open(path);
                            }
                        }
                        if trimmed.starts_with(":read") || trimmed.starts_with(":profile") {
                            if let Some(helper) = editor.helper_mut() {
                                refresh(helper, session);
                            }
                        }
                        continue;
                    }
                } else {
                    buffer.push('\n');
                }
                buffer.push_str(&line);
                if !split::is_complete(&buffer) {
                    continue;
                }
                let input = std::mem::take(&mut buffer);
                let _ = editor.add_history_entry(input.trim());
                save(&mut editor, &history);
                let source = Source {
                    name: "<input>".to_string(),
                    text: input,
                };
                session.cancel.reset();
                session.run_source(&source);
                if let Some(helper) = editor.helper_mut() {
                    refresh(helper, session);
                }
            }
            Err(ReadlineError::Interrupted) => buffer.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    session.close();
    End::Exit(0)
}

/// What `:schema` prints: labels and relationship types with their counts, property keys
/// with the number of nodes and relationships that hold them, then [`schema_extras`].
fn schema_text(session: &mut Session<'_>) -> Result<String, baobab::Error> {
    if session.in_transaction() {
        // The transaction holds the database until COMMIT or ROLLBACK.
        return Err(baobab::Error::new(
            baobab::ErrorKind::TransactionError,
            "a transaction is open; :schema works after COMMIT or ROLLBACK",
        ));
    }
    let schema = session.db.schema()?;
    let mut out = format!(
        "{}, {}\n",
        plural(schema.nodes as u64, "node", "nodes"),
        plural(schema.relationships as u64, "relationship", "relationships")
    );
    let section = |out: &mut String, title: &str, items: Vec<String>| {
        out.push_str(title);
        out.push('\n');
        if items.is_empty() {
            out.push_str("  (none)\n");
        }
        for item in items {
            out.push_str(&format!("  {item}\n"));
        }
    };
    let labels = schema
        .labels
        .iter()
        .map(|(l, n)| format!(":{} ({n})", quote_name(l)))
        .collect();
    section(&mut out, "Labels:", labels);
    let types = schema
        .relationship_types
        .iter()
        .map(|(t, n)| format!(":{} ({n})", quote_name(t)))
        .collect();
    section(&mut out, "Relationship types:", types);
    let mut keys = Vec::new();
    if !schema.property_keys.is_empty() {
        let on = |pattern: &str| -> Result<std::collections::BTreeMap<String, u64>, baobab::Error> {
            let query = format!("MATCH {pattern} UNWIND keys(x) AS k RETURN k, count(*) AS n");
            let result = session.db.execute(&query, &baobab::Params::new())?;
            Ok(result
                .rows
                .iter()
                .filter_map(|row| {
                    let count = u64::try_from(row.get(1)?.as_int()?).ok()?;
                    Some((row.first()?.as_str()?.to_string(), count))
                })
                .collect())
        };
        let nodes = on("(x)")?;
        let rels = on("()-[x]->()")?;
        for key in &schema.property_keys {
            let n = nodes.get(key).copied().unwrap_or(0);
            let r = rels.get(key).copied().unwrap_or(0);
            keys.push(format!(
                "{} ({}, {})",
                quote_name(key),
                plural(n, "node", "nodes"),
                plural(r, "relationship", "relationships")
            ));
        }
    }
    section(&mut out, "Property keys:", keys);
    for (title, items) in schema_extras(session) {
        section(&mut out, title, items);
    }
    Ok(out)
}

/// Further `:schema` sections: indexes and constraints (a title and one line per item),
/// read with `SHOW INDEXES` and `SHOW CONSTRAINTS`.
fn schema_extras(session: &Session<'_>) -> Vec<(&'static str, Vec<String>)> {
    let describe = |query: &str| -> Vec<String> {
        let Ok(r) = session.db.execute(query, &baobab::Params::new()) else {
            return Vec::new();
        };
        let col = |name: &str| r.columns.iter().position(|c| c == name);
        let text = |row: &[baobab::Value], name: &str| -> String {
            match col(name).and_then(|i| row.get(i)) {
                Some(baobab::Value::String(s)) => s.to_string(),
                Some(baobab::Value::List(items)) => items
                    .iter()
                    .map(|v| v.as_str().unwrap_or("?").to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            }
        };
        r.rows
            .iter()
            .map(|row| {
                format!(
                    "{} {} ON :{}({})",
                    text(row, "name"),
                    text(row, "type"),
                    text(row, "labelsOrTypes"),
                    text(row, "properties")
                )
            })
            .collect()
    };
    vec![
        ("Indexes", describe("SHOW INDEXES")),
        ("Constraints", describe("SHOW CONSTRAINTS")),
    ]
}

fn save(
    editor: &mut Editor<ShellHelper, rustyline::history::DefaultHistory>,
    path: &Option<PathBuf>,
) {
    if let Some(path) = path {
        let _ = editor.save_history(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ShellHelper {
        ShellHelper {
            plain: true,
            labels: vec!["Country".into()],
            types: vec!["MEMBER_OF".into()],
            keys: vec!["name".into(), "since".into()],
        }
    }

    #[test]
    fn completes_keywords_functions_and_names() {
        let h = helper();
        assert_eq!(h.candidates("MAT", 0, "MAT"), ["MATCH"]);
        assert_eq!(h.candidates("ret", 0, "ret"), ["return"]);
        assert_eq!(h.candidates("rev", 0, "rev"), ["reverse("]);
        assert_eq!(h.candidates("MATCH (n:Co", 9, "Co"), ["Country"]);
        assert_eq!(
            h.candidates("MATCH ()-[:", 11, ""),
            ["Country", "MEMBER_OF"]
        );
        assert_eq!(h.candidates("RETURN n.na", 9, "na"), ["name"]);
        assert_eq!(h.candidates(":for", 1, "for"), ["format"]);
        assert_eq!(h.candidates(":pa", 1, "pa"), ["param", "params"]);
    }

    #[test]
    fn highlighting_colours_tokens_and_keeps_the_text() {
        let strip = |s: &str| {
            let mut out = String::new();
            let mut in_escape = false;
            for c in s.chars() {
                match (in_escape, c) {
                    (false, '\x1b') => in_escape = true,
                    (true, 'm') => in_escape = false,
                    (true, _) => {}
                    (false, c) => out.push(c),
                }
            }
            out
        };
        for line in [
            "MATCH (c:Country {name: 'Mali'}) WHERE c.pop > 1.5e6 RETURN c // note",
            "return 'open string",
            "RETURN $p, `odd name`, \"a\\\"b\" AS x;",
            ":schema",
            "",
        ] {
            assert_eq!(strip(&highlight(line)), line);
        }
        let h = highlight("match (n) return 'x', 42, $p");
        assert!(h.contains(&format!("{KEYWORD}match{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{STRING}'x'{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{NUMBER}42{RESET}")), "{h:?}");
        assert!(h.contains(&format!("{PARAMETER}$p{RESET}")), "{h:?}");
        assert!(!h.contains(&format!("{KEYWORD}n{RESET}")), "{h:?}");
    }

    #[test]
    fn history_follows_xdg() {
        // Only checks the shape; the environment is shared with other tests.
        if let Some(path) = history_path() {
            assert!(path.ends_with("baobab/history"));
        }
    }
}
