//! The `baobab` command: runs scripts from `-e`, `-f` and standard input, or starts the REPL.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use baobab::{
    CancelHandle, Database, Error, ErrorKind, ExecuteOptions, Params, Position, QueryResult,
    Transaction,
};

pub mod format;
pub mod generate;
pub mod literal;
pub mod progress;
pub mod repl;
pub mod split;
pub mod transfer;

use format::Format;

/// Exit code: a statement failed.
pub const EXIT_FAILED: i32 = 1;
/// Exit code: bad usage.
pub const EXIT_USAGE: i32 = 2;

/// Baobab: an embedded property-graph database with a Cypher dialect.
///
/// Runs the statements given with -e and -f (in command-line order), or the script on
/// standard input when it is not a terminal; otherwise starts an interactive shell.
#[derive(Debug, Parser)]
#[command(name = "baobab", version, args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Database file (omit for an in-memory database).
    #[arg(value_name = "DB_FILE")]
    pub db_file: Option<PathBuf>,

    /// Run QUERY (one or more statements separated by `;`). Repeatable.
    #[arg(short = 'e', long = "execute", value_name = "QUERY")]
    pub execute: Vec<String>,

    /// Run the script FILE (`-` for standard input). Repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// Output format [default: table when stdout is a terminal, jsonl otherwise].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Set the parameter $NAME to VALUE, a Cypher literal (number, 'string', true, null,
    /// list, map). Repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,

    /// Print `-- time: <ms> ms` to stderr after each statement.
    #[arg(long)]
    pub timing: bool,

    /// Continue after a failed statement (the exit code is still 1).
    #[arg(long)]
    pub keep_going: bool,

    /// No footers or notices.
    #[arg(short, long)]
    pub quiet: bool,

    /// Open the database read-only.
    #[arg(long)]
    pub read_only: bool,

    /// Stop any statement that runs longer than SECONDS (a decimal number).
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("'{text}' is not a positive number of seconds"))
}

/// Subcommands; without one, `baobab` runs scripts or the REPL.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a dataset as CSV files.
    Generate(generate::GenerateArgs),
    /// Bulk-import neo4j-admin CSV files (or JSON Lines) into DB_FILE.
    Import(transfer::ImportArgs),
    /// Write a Cypher script that recreates the database.
    Dump(transfer::SourceArgs),
    /// Export the database or a query result as JSON Lines, CSV, GraphML or DOT.
    Export(transfer::ExportArgs),
}

/// The name that stands for an in-memory database where a file is expected, as in sqlite3.
const IN_MEMORY: &str = ":memory:";

/// `path`, unless it names an in-memory database ([`IN_MEMORY`]).
fn file_path(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != IN_MEMORY)
}

/// The plan of an EXPLAIN's result: one column, `plan`, whose one row is the plan's text.
fn explained(result: &QueryResult) -> Option<&str> {
    let plan = result.plan.as_deref()?;
    let row = match (&result.columns[..], result.rows.len()) {
        ([column], 1) if column == "plan" => result.rows.first()?,
        _ => return None,
    };
    matches!(row, [baobab::Value::String(text)] if text.as_ref() == plan).then_some(plan)
}

/// Opens the database: in memory without a path or with `:memory:`.
pub fn open_database(path: Option<&Path>, read_only: bool) -> Result<Database, String> {
    let (path, opened) = match file_path(path) {
        None => return Ok(Database::in_memory()),
        Some(path) if read_only => (path, Database::open_read_only(path)),
        Some(path) => (path, Database::open(path)),
    };
    opened.map_err(|e| match e.kind {
        ErrorKind::Corruption if looks_like_text(path) => format!(
            "{e}\nnote: {} looks like a text file; to run it as a Cypher script, use -f {}",
            path.display(),
            path.display()
        ),
        _ => e.to_string(),
    })
}

/// Whether the file at `path` begins as text does: its first bytes are valid UTF-8 with no
/// control characters but line ends and tabs (a script given where a database goes).
fn looks_like_text(path: &Path) -> bool {
    let mut head = [0u8; 256];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    let head = head.get(..n).unwrap_or_default();
    // A character cut at the end of the sample is still text.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or("")
        }
        Err(_) => return false,
    };
    !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
}

/// Whether `a` and `b` name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Why a database path that does not exist yet is most likely a mistake, not a new
/// database: a query given without `-e`, or a misspelt subcommand. Opening it would create
/// a database by that name.
fn mistaken_database(path: &Path) -> Option<String> {
    if !matches!(path.try_exists(), Ok(false)) {
        return None;
    }
    let text = path.to_str()?;
    let first = text.split(|c: char| !c.is_ascii_alphabetic()).next()?;
    const CLAUSES: [&str; 11] = [
        "MATCH", "OPTIONAL", "CREATE", "MERGE", "RETURN", "WITH", "UNWIND", "CALL", "EXPLAIN",
        "PROFILE", "LOAD",
    ];
    let clause = CLAUSES.iter().any(|c| c.eq_ignore_ascii_case(first));
    if clause && text.len() > first.len() && text.contains(|c: char| c.is_whitespace() || c == '(')
    {
        return Some(format!(
            "no database `{text}`, and it reads as a query: run a query with -e \"{text}\""
        ));
    }
    let near = ["import", "dump", "export", "generate"]
        .into_iter()
        .find(|command| text != *command && strsim::levenshtein(text, command) <= 2)?;
    Some(format!(
        "no database `{text}`: did you mean `{near}`? (to create a database by that name, \
         give a path such as ./{text})"
    ))
}

/// A script to run and the name errors give it.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// The state shared by scripts and the REPL: database, open transaction, parameters and
/// output settings.
pub struct Session<'db> {
    pub db: &'db Database,
    tx: Option<Transaction<'db>>,
    pub params: Params,
    pub format: Format,
    pub timing: bool,
    pub keep_going: bool,
    pub quiet: bool,
    /// The time limit of each statement.
    pub timeout: Option<Duration>,
    /// Cancels the running statement (the REPL's Ctrl-C).
    pub cancel: CancelHandle,
    /// Shell commands (`:param`, `:read`, …) that failed so far.
    pub command_errors: usize,
}

/// How a run of statements went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub failed: usize,
    /// Stopped early at a failure (without --keep-going).
    pub stopped: bool,
    /// Stopped by `:quit`: nothing after it runs.
    pub quit: bool,
}

/// Transaction control handled by the shell itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxCommand {
    Begin,
    Commit,
    Rollback,
}

/// `BEGIN`, `COMMIT` or `ROLLBACK` alone (any case, comments and spaces ignored).
fn tx_command(text: &str) -> Option<TxCommand> {
    let mut word = String::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else if rest.is_empty() {
            break;
        } else if word.is_empty() {
            let end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            word = rest[..end].to_ascii_uppercase();
            rest = &rest[end..];
        } else {
            return None;
        }
    }
    match word.as_str() {
        "BEGIN" => Some(TxCommand::Begin),
        "COMMIT" => Some(TxCommand::Commit),
        "ROLLBACK" => Some(TxCommand::Rollback),
        _ => None,
    }
}

/// Writes to stdout; a closed pipe ends the program quietly.
pub fn emit(text: &str) {
    progress::suspend(|| write_stdout(text));
}

fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = result {
        quit_on_broken_pipe(&e);
        eprintln!("error: cannot write output: {e}");
        std::process::exit(EXIT_FAILED);
    }
}

/// Ends the program quietly (exit code 0) when `e` says the reader of standard output has
/// gone (`baobab ... | head`).
fn quit_on_broken_pipe(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

impl<'db> Session<'db> {
    pub fn new(db: &'db Database, format: Format) -> Session<'db> {
        Session {
            db,
            tx: None,
            params: Params::new(),
            format,
            timing: false,
            keep_going: false,
            quiet: false,
            timeout: None,
            cancel: CancelHandle::new(),
            command_errors: 0,
        }
    }

    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    /// Runs shell command `text` from a script: whether it failed, or `None` for
    /// `:quit`. `:open` is for the interactive shell only.
    fn script_command(&mut self, text: &str) -> Option<Result<(), ()>> {
        let errors = self.command_errors;
        match repl::command(self, text) {
            repl::Flow::Continue => {}
            repl::Flow::Quit => return None,
            repl::Flow::Open(_) => {
                eprintln!("error: :open works in the interactive shell only");
                self.command_errors += 1;
            }
        }
        Some(if self.command_errors > errors {
            Err(())
        } else {
            Ok(())
        })
    }

    /// Runs one statement through the open transaction, or as its own transaction.
    pub fn execute(&mut self, text: &str) -> Result<QueryResult, Error> {
        let mut options = ExecuteOptions::new().cancel(self.cancel.clone());
        options.timeout = self.timeout;
        match &mut self.tx {
            Some(tx) => tx.execute_with(text, &self.params, &options),
            None => self.db.execute_with(text, &self.params, &options),
        }
    }

    /// Notices (transaction started, ...) are for people: table format only, not with -q.
    fn notice(&self, text: &str) {
        if !self.quiet && self.format == Format::Table {
            emit(&format!("{text}\n"));
        }
    }

    fn run_tx_command(&mut self, command: TxCommand) -> Result<(), Error> {
        match (command, self.tx.take()) {
            (TxCommand::Begin, None) => {
                self.tx = Some(self.db.begin()?);
                self.notice("Transaction started");
            }
            (TxCommand::Begin, Some(tx)) => {
                self.tx = Some(tx);
                return Err(Error::new(
                    baobab::ErrorKind::TransactionError,
                    "a transaction is already open",
                ));
            }
            (TxCommand::Commit, Some(tx)) => {
                tx.commit()?;
                self.notice("Committed");
            }
            (TxCommand::Rollback, Some(tx)) => {
                tx.rollback()?;
                self.notice("Rolled back");
            }
            (TxCommand::Commit | TxCommand::Rollback, None) => {
                return Err(Error::new(
                    baobab::ErrorKind::TransactionError,
                    "no transaction is open",
                ));
            }
        }
        Ok(())
    }

    /// Rolls back a transaction left open at the end of the input, with a warning.
    pub fn close(&mut self) {
        if let Some(tx) = self.tx.take() {
            eprintln!("warning: the open transaction was rolled back (no COMMIT)");
            if let Err(e) = tx.rollback() {
                eprintln!("error: {e}");
            }
        }
    }

    /// Runs every statement of `source`, stopping at the first failure unless keep_going.
    pub fn run_source(&mut self, source: &Source) -> Outcome {
        // A byte order mark (what some editors put first in a UTF-8 file) is not part of
        // the script.
        let unmarked;
        let source = match source.text.strip_prefix('\u{feff}') {
            Some(rest) => {
                unmarked = Source {
                    name: source.name.clone(),
                    text: rest.to_string(),
                };
                &unmarked
            }
            None => source,
        };
        let mut outcome = Outcome {
            failed: 0,
            stopped: false,
            quit: false,
        };
        let pieces = split::split(&source.text);
        let bar = progress::start(pieces.len(), self.quiet);
        for piece in pieces {
            // A shell command (a line of its own, see `split`) fails as a statement does.
            let result = if piece.text.starts_with(':') {
                match self.script_command(piece.text) {
                    Some(result) => result,
                    None => {
                        outcome.quit = true;
                        return outcome;
                    }
                }
            } else {
                self.run_statement(piece.text, source, piece.offset)
            };
            if let Some(bar) = &bar {
                bar.inc();
            }
            if result.is_err() {
                outcome.failed += 1;
                if !self.keep_going {
                    outcome.stopped = true;
                    break;
                }
            }
        }
        outcome
    }

    /// Runs one statement whose text starts at byte `offset` of `source`, printing its result
    /// or its error.
    pub fn run_statement(&mut self, text: &str, source: &Source, offset: usize) -> Result<(), ()> {
        let started = Instant::now();
        let result = match tx_command(text) {
            Some(command) => self.run_tx_command(command).map(|()| None),
            None => self.execute(text).map(Some),
        };
        let elapsed = started.elapsed();
        let outcome = match result {
            Ok(Some(result)) => {
                self.print_result(&result, elapsed);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(error) => {
                progress::suspend(|| eprint!("{}", render_error(&error, source, offset)));
                Err(())
            }
        };
        if self.timing {
            progress::suspend(|| eprintln!("-- time: {} ms", format::millis(elapsed)));
        }
        outcome
    }

    /// Prints a result in the session's format.
    pub fn print_result(&self, result: &QueryResult, elapsed: std::time::Duration) {
        // EXPLAIN: its one row is its plan, printed once, as a plan, where plans go.
        if let Some(plan) = explained(result) {
            match self.format {
                Format::Table => emit(&format!("{}\n", plan.trim_end())),
                _ => self.plan_to_stderr(result),
            }
            return;
        }
        let has_columns = !result.columns.is_empty();
        match self.format {
            Format::Table => {
                let mut out = String::new();
                if has_columns {
                    out.push_str(&format::table(result, None));
                    out.push('\n');
                }
                if !self.quiet {
                    let mut footer = Vec::new();
                    if has_columns {
                        footer.push(format!(
                            "{} ({} ms)",
                            format::rows_count(result.rows.len()),
                            format::millis(elapsed)
                        ));
                    }
                    match format::stats_summary(&result.stats) {
                        Some(summary) => footer.push(summary),
                        None if !has_columns && result.plan.is_none() => {
                            footer.push("No changes".to_string())
                        }
                        None => {}
                    }
                    if !footer.is_empty() {
                        if !has_columns {
                            footer.push(format!("({} ms)", format::millis(elapsed)));
                            out.push_str(&footer.join(" "));
                        } else {
                            out.push_str(&footer.join("; "));
                        }
                        out.push('\n');
                    }
                }
                if let Some(plan) = &result.plan {
                    out.push_str(plan.trim_end());
                    out.push('\n');
                }
                emit(&out);
            }
            Format::Csv | Format::Tsv => {
                if has_columns {
                    emit(&format::delimited(result, self.format == Format::Tsv));
                }
                self.plan_to_stderr(result);
            }
            Format::Jsonl => {
                if has_columns {
                    let mut out = String::new();
                    for row in &result.rows {
                        out.push_str(&format::json_row(&result.columns, row, result));
                        out.push('\n');
                    }
                    emit(&out);
                }
                self.plan_to_stderr(result);
            }
            Format::Json => {
                if has_columns {
                    let rows: Vec<String> = result
                        .rows
                        .iter()
                        .map(|row| format::json_row(&result.columns, row, result))
                        .collect();
                    if rows.is_empty() {
                        emit("[]\n");
                    } else {
                        emit(&format!("[\n{}\n]\n", rows.join(",\n")));
                    }
                }
                self.plan_to_stderr(result);
            }
        }
    }

    /// Machine formats keep stdout for rows: plans go to stderr.
    fn plan_to_stderr(&self, result: &QueryResult) {
        if let Some(plan) = &result.plan {
            eprintln!("{}", plan.trim_end());
        }
    }
}

/// `error: <file>:<line>:<col>: <Kind> (<Detail>): <message>`, the source line and a caret
/// under the column (as many as the span covers on that line). Positions in `error` are
/// relative to the statement, which starts at byte `offset` of `source`.
pub fn render_error(error: &Error, source: &Source, offset: usize) -> String {
    let text = source.text.as_str();
    let offset = offset.min(text.len());
    // Absolute byte offset and length of the error, when it can be placed.
    let (position, span_len) = match (error.span, error.position) {
        (Some(span), _) => {
            let start = (offset + span.start).min(text.len());
            let end = (offset + span.end).clamp(start, text.len());
            (Position::of_offset(text, start), Some((start, end)))
        }
        (None, Some(pos)) => {
            let base = Position::of_offset(text, offset);
            let position = Position {
                line: base.line + pos.line - 1,
                column: if pos.line == 1 {
                    base.column + pos.column - 1
                } else {
                    pos.column
                },
            };
            (position, None)
        }
        (None, None) => (Position::of_offset(text, offset), None),
    };
    let mut out = format!(
        "error: {}:{}:{}: {}",
        source.name, position.line, position.column, error.kind
    );
    if let Some(detail) = error.detail {
        out.push_str(&format!(" ({detail})"));
    }
    out.push_str(&format!(": {}\n", error.message));
    if let Some(line) = text.split('\n').nth(position.line - 1) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let carets = span_len.map_or(1, |(start, end)| {
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            text[start..end.min(line_end)].chars().count().max(1)
        });
        out.push_str(&excerpt(line, position.column - 1, carets));
    }
    out
}

/// Characters of a source line shown around an error at most (a script of one long line
/// would echo all of it, and as many spaces again).
const EXCERPT_CONTEXT: usize = 60;

/// Source `line` and, under it, `carets` carets from character `column` (from 0): the
/// whole line when it is short, else the part around the carets, cut ends marked `…`.
fn excerpt(line: &str, column: usize, carets: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    let carets = carets.min(2 * EXCERPT_CONTEXT);
    let (from, to) = if chars.len() <= 2 * EXCERPT_CONTEXT + carets {
        (0, chars.len())
    } else {
        (
            column.saturating_sub(EXCERPT_CONTEXT),
            chars.len().min(column + carets + EXCERPT_CONTEXT),
        )
    };
    let (head, tail) = (
        if from > 0 { "…" } else { "" },
        if to < chars.len() { "…" } else { "" },
    );
    let shown: String = chars.get(from..to).unwrap_or_default().iter().collect();
    let padding: String = chars
        .get(from..column.min(chars.len()))
        .unwrap_or_default()
        .iter()
        .map(|c| if *c == '\t' { '\t' } else { ' ' })
        .chain(head.chars().map(|_| ' '))
        .collect();
    format!("{head}{shown}{tail}\n{padding}{}\n", "^".repeat(carets))
}

/// One item to run, in command-line order.
enum Input {
    Execute(usize, String),
    File(PathBuf),
}

fn read_source(input: Input) -> Result<Source, String> {
    match input {
        Input::Execute(n, text) => Ok(Source {
            name: format!("-e#{n}"),
            text,
        }),
        Input::File(path) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(Source {
                name: "<stdin>".to_string(),
                text,
            })
        }
        Input::File(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Source {
                name: path.display().to_string(),
                text,
            })
        }
    }
}

/// A session on `db` with the command line's settings.
fn session<'db>(args: &Args, db: &'db Database, format: Format, params: Params) -> Session<'db> {
    let mut session = Session::new(db, format);
    session.params = params;
    session.timing = args.timing;
    session.keep_going = args.keep_going;
    session.quiet = args.quiet;
    session.timeout = args.timeout;
    session
}

/// The REPL, reopened on another database after each `:open`; the session's settings
/// carry over.
fn interact(args: &Args, format: Format, params: Params) -> i32 {
    let mut path = file_path(args.db_file.as_deref()).map(Path::to_path_buf);
    let (mut format, mut params, mut timing) = (format, params, args.timing);
    let cancel = CancelHandle::new();
    let mut db = match open_database(path.as_deref(), args.read_only) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    loop {
        let mut session = session(args, &db, format, std::mem::take(&mut params));
        session.timing = timing;
        session.cancel = cancel.clone();
        match repl::run(&mut session) {
            repl::End::Exit(code) => return code,
            repl::End::Open(next) => {
                (format, timing) = (session.format, session.timing);
                params = std::mem::take(&mut session.params);
                drop(session);
                if path.as_deref().is_some_and(|p| same_file(p, &next)) {
                    continue;
                }
                // The next database is opened before this one is closed: when it cannot be
                // opened, the shell stays here, with everything an in-memory database holds.
                match open_database(Some(&next), args.read_only) {
                    Ok(opened) => {
                        let left = std::mem::replace(&mut db, opened);
                        if let Err(e) = left.close() {
                            eprintln!("error: closing the database: {e}");
                        }
                        path = file_path(Some(&next)).map(Path::to_path_buf);
                    }
                    Err(e) => eprintln!("error: {e}"),
                }
            }
        }
    }
}

/// Runs the command and returns its exit code.
pub fn run() -> i32 {
    let matches = Args::command().get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    if let Some(command) = args.command {
        return match command {
            Command::Generate(generate) => generate::run(generate),
            Command::Import(args) => transfer::run_import(&args),
            Command::Dump(args) => transfer::run_dump(&args),
            Command::Export(args) => transfer::run_export(&args),
        };
    }

    if let Some(e) = args.db_file.as_deref().and_then(mistaken_database) {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }

    // -e and -f in the order they were given.
    let mut inputs: Vec<(usize, Input)> = Vec::new();
    if let Some(indices) = matches.indices_of("execute") {
        for (n, (index, text)) in indices.zip(&args.execute).enumerate() {
            inputs.push((index, Input::Execute(n + 1, text.clone())));
        }
    }
    if let Some(indices) = matches.indices_of("file") {
        for (index, path) in indices.zip(&args.file) {
            inputs.push((index, Input::File(path.clone())));
        }
    }
    inputs.sort_by_key(|(index, _)| *index);

    let mut params = Params::new();
    for param in &args.params {
        match literal::parse_param(param) {
            Ok((name, value)) => {
                params.insert(name, value);
            }
            Err(e) => {
                eprintln!("error: --param {param}: {e}");
                return EXIT_USAGE;
            }
        }
    }

    let interactive = inputs.is_empty() && std::io::stdin().is_terminal();
    // Read every script before running anything: a missing file is a usage error.
    let mut sources = Vec::new();
    if inputs.is_empty() && !interactive {
        inputs.push((0, Input::File(PathBuf::from("-"))));
    }
    for (_, input) in inputs {
        // LOAD CSV in a script file resolves relative paths against the script's folder.
        let base = match &input {
            Input::File(path) if path.as_os_str() != "-" => transfer::script_dir(path),
            _ => None,
        };
        match read_source(input) {
            Ok(source) => sources.push((source, base)),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }

    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    if interactive {
        return interact(&args, format, params);
    }
    let db = match open_database(args.db_file.as_deref(), args.read_only) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut session = session(&args, &db, format, params);

    let mut failed = false;
    for (source, base) in &sources {
        db.set_csv_base(base.clone());
        let outcome = session.run_source(source);
        failed |= outcome.failed > 0;
        if outcome.stopped || outcome.quit {
            break;
        }
    }
    session.close();
    if failed {
        EXIT_FAILED
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baobab::ast::Span;
    use baobab::ErrorKind;

    fn source(text: &str) -> Source {
        Source {
            name: "q.cypher".to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn transaction_commands() {
        assert_eq!(tx_command("BEGIN"), Some(TxCommand::Begin));
        assert_eq!(tx_command(" commit /* now */"), Some(TxCommand::Commit));
        assert_eq!(tx_command("// x\nRollback"), Some(TxCommand::Rollback));
        assert_eq!(tx_command("BEGIN RETURN 1"), None);
        assert_eq!(tx_command("RETURN 1"), None);
        assert_eq!(tx_command("COMMITTED"), None);
    }

    #[test]
    fn errors_point_into_the_file() {
        let src = source("RETURN 1;\nRETURN 2;\nMATCH (n) RETURN m;\n");
        let offset = src.text.find("MATCH").unwrap();
        let error = Error::syntax(
            "UndefinedVariable",
            "Variable `m` not defined",
            Span::new(17, 18),
        );
        assert_eq!(
            render_error(&error, &src, offset),
            "error: q.cypher:3:18: SyntaxError (UndefinedVariable): Variable `m` not defined\n\
             MATCH (n) RETURN m;\n                 ^\n"
        );
    }

    #[test]
    fn span_carets_and_relative_positions() {
        let src = source("RETURN 1;  RETURN\n\tfoo(1);");
        let offset = src.text.find("RETURN\n").unwrap();
        let error =
            Error::new(ErrorKind::SyntaxError, "Unknown function").with_span(Span::new(8, 11));
        assert_eq!(
            render_error(&error, &src, offset),
            "error: q.cypher:2:2: SyntaxError: Unknown function\n\tfoo(1);\n\t^^^\n"
        );
        // Only a relative position: shifted by the statement start on its first line.
        let mut error = Error::new(ErrorKind::TypeError, "bad");
        error.position = Some(Position { line: 1, column: 3 });
        assert!(render_error(&error, &src, offset)
            .starts_with("error: q.cypher:1:14: TypeError: bad\n"));
        // Nothing known: the statement start.
        let error = Error::new(ErrorKind::ArithmeticError, "/ by zero").at_runtime();
        assert!(render_error(&error, &src, offset).starts_with("error: q.cypher:1:12: "));
    }
}
