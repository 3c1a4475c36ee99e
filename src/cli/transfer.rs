//! The `import`, `dump` and `export` subcommands, the REPL's `:dump` and `:export`, and
//! LOAD CSV's base folder for scripts. See `docs/import-export.md`.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args as ClapArgs;

use baobab::storage::wal_path;
use baobab::transfer::export::{self, ExportFormat};
use baobab::transfer::import::{CsvFiles, ImportOptions, ImportReport, Progress};
use baobab::transfer::GraphData;
use baobab::{Database, Params};

use super::format::{plural, Format};
use super::{quit_on_broken_pipe, Session, Source, EXIT_FAILED, EXIT_USAGE};

/// Where the graph to dump or export comes from.
#[derive(Debug, ClapArgs)]
pub struct SourceArgs {
    /// Database file, opened read-only (omit for an in-memory database built with -f).
    #[arg(value_name = "DB_FILE")]
    pub db_file: Option<PathBuf>,

    /// Run the script FILE first (into an in-memory database without DB_FILE). Repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// Write to PATH instead of standard output (a folder for `--format csv`).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, ClapArgs)]
pub struct ExportArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// jsonl, csv (neo4j-admin import files, needs -o FOLDER), graphml or dot.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: ExportFormat,

    /// Export only the nodes and relationships the rows of QUERY mention.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
}

#[derive(Debug, ClapArgs)]
pub struct ImportArgs {
    /// Database file to import into (created when missing; omit to check the files in
    /// memory without keeping anything).
    #[arg(value_name = "DB_FILE")]
    pub db_file: Option<PathBuf>,

    /// Node file(s): `[Label[:Label]=]FILE[,FILE...]`, header on the first line. Repeatable.
    #[arg(long, value_name = "[LABEL=]FILE")]
    pub nodes: Vec<String>,

    /// Relationship file(s): `[TYPE=]FILE[,FILE...]`. Repeatable.
    #[arg(long, value_name = "[TYPE=]FILE")]
    pub relationships: Vec<String>,

    /// JSON Lines file as `baobab export --format jsonl` writes it. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Vec<PathBuf>,

    /// Field delimiter of the CSV files.
    #[arg(long, default_value = ",", value_parser = parse_byte)]
    pub delimiter: u8,

    /// Delimiter of array elements and of labels in `:LABEL` fields.
    #[arg(long, default_value = ";", value_parser = parse_byte)]
    pub array_delimiter: u8,

    /// Skip rows that cannot be imported and report them, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// How named `:ID` columns are stored as properties: `string` or `integer`.
    #[arg(long, default_value = "string", value_parser = ["string", "integer"])]
    pub id_type: String,

    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("unknown format `{s}` (jsonl, csv, graphml, dot)"))
}

fn parse_byte(s: &str) -> Result<u8, String> {
    match s.as_bytes() {
        [b] => Ok(*b),
        _ if s == "\\t" || s == "TAB" => Ok(b'\t'),
        _ => Err(format!("`{s}` is not a single ASCII character")),
    }
}

/// The folder of a script file, for LOAD CSV's relative paths.
pub fn script_dir(path: &Path) -> Option<PathBuf> {
    let parent = path.parent()?;
    if parent.as_os_str().is_empty() {
        return std::env::current_dir().ok();
    }
    Some(parent.to_path_buf())
}

/// `baobab import`; returns the exit code.
pub fn run_import(args: &ImportArgs) -> i32 {
    exit_code(import(args))
}

/// `baobab dump`; returns the exit code.
pub fn run_dump(args: &SourceArgs) -> i32 {
    exit_code(with_source(args, |db, out| {
        db.dump(out).map_err(|e| e.to_string())
    }))
}

/// `baobab export`; returns the exit code.
pub fn run_export(args: &ExportArgs) -> i32 {
    exit_code(export_command(args))
}

fn exit_code(outcome: Result<(), Failure>) -> i32 {
    match outcome {
        Ok(()) => 0,
        Err(Failure::Usage(e)) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
        Err(Failure::Failed(e)) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

enum Failure {
    Usage(String),
    Failed(String),
}

impl From<String> for Failure {
    fn from(e: String) -> Failure {
        Failure::Failed(e)
    }
}

fn open_writable(path: Option<&Path>) -> Result<Database, Failure> {
    match super::file_path(path) {
        None => Ok(Database::in_memory()),
        Some(p) => Database::open(p).map_err(|e| Failure::Usage(e.to_string())),
    }
}

/// Opens the source database and runs its scripts.
fn open_source(args: &SourceArgs) -> Result<Database, Failure> {
    let db = match super::file_path(args.db_file.as_deref()) {
        None => Database::in_memory(),
        Some(p) if args.file.is_empty() => {
            Database::open_read_only(p).map_err(|e| Failure::Usage(e.to_string()))?
        }
        Some(p) => Database::open(p).map_err(|e| Failure::Usage(e.to_string()))?,
    };
    for path in &args.file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        db.set_csv_base(script_dir(path));
        let mut session = Session::new(&db, Format::Jsonl);
        session.quiet = true;
        let source = Source {
            name: path.display().to_string(),
            text,
        };
        let outcome = session.run_source(&source);
        session.close();
        if outcome.failed > 0 {
            return Err(Failure::Failed(format!("{} failed", path.display())));
        }
    }
    Ok(db)
}

/// An error when writing `out` would overwrite the database `db` (or its log): the
/// output is opened, and emptied, before anything is read from the database.
fn overwrites_database(out: &Path, db: Option<&Path>) -> Result<(), String> {
    let Some(db) = db else {
        return Ok(());
    };
    // A file that does not exist yet is not the database.
    for file in [db.to_path_buf(), wal_path(db)] {
        if super::same_file(out, &file) {
            return Err(format!(
                "{} is a file of the database being read; writing there would destroy it",
                file.display()
            ));
        }
    }
    Ok(())
}

/// Creates (or empties) the REPL's output file `path`, unless it is a file of the open
/// database `db`.
fn create_output(path: &str, db: Option<&Path>) -> Result<File, String> {
    overwrites_database(Path::new(path), db)?;
    File::create(path).map_err(|e| format!("cannot write {path}: {e}"))
}

/// Runs `write` on the source database with the output file or standard output.
fn with_source(
    args: &SourceArgs,
    write: impl FnOnce(&Database, &mut dyn Write) -> Result<(), String>,
) -> Result<(), Failure> {
    if let Some(path) = &args.output {
        overwrites_database(path, args.db_file.as_deref()).map_err(Failure::Usage)?;
    }
    let db = open_source(args)?;
    match &args.output {
        Some(path) => {
            let file = File::create(path)
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
            let mut out = BufWriter::new(file);
            write(&db, &mut out)?;
            out.flush().map_err(|e| e.to_string())?;
        }
        None => {
            let mut out = BufWriter::new(QuietPipe(std::io::stdout().lock()));
            write(&db, &mut out)?;
            out.flush().map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Standard output where a closed pipe (`baobab dump DB | head`) ends the program quietly.
struct QuietPipe<W: Write>(W);

impl<W: Write> Write for QuietPipe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).inspect_err(quit_on_broken_pipe)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().inspect_err(quit_on_broken_pipe)
    }
}

/// The graph to export: the whole database, or what `query`'s rows mention.
fn graph_of(db: &Database, query: Option<&str>) -> Result<GraphData, String> {
    match query {
        None => db.snapshot().map_err(|e| e.to_string()),
        Some(q) => db
            .execute(q, &Params::new())
            .map(|r| GraphData::from_result(&r))
            .map_err(|e| e.to_string()),
    }
}

fn export_command(args: &ExportArgs) -> Result<(), Failure> {
    if args.format == ExportFormat::Csv {
        let Some(dir) = &args.source.output else {
            return Err(Failure::Usage(
                "--format csv writes several files: give a folder with -o".into(),
            ));
        };
        let db = open_source(&args.source)?;
        let data = graph_of(&db, args.query.as_deref())?;
        let files = export::write_csv(dir, &data).map_err(|e| e.to_string())?;
        let list = |paths: &[PathBuf], flag: &str| -> String {
            paths
                .iter()
                .map(|p| format!(" {flag} {}", p.display()))
                .collect()
        };
        eprintln!(
            "wrote {} node and {} relationship files; load them with:\n  baobab import DB_FILE{}{}",
            files.nodes.len(),
            files.relationships.len(),
            list(&files.nodes, "--nodes"),
            list(&files.relationships, "--relationships")
        );
        return Ok(());
    }
    with_source(&args.source, |db, out| {
        let data = graph_of(db, args.query.as_deref())?;
        export::write(args.format, out, &data).map_err(|e| e.to_string())
    })
}

fn import(args: &ImportArgs) -> Result<(), Failure> {
    if args.nodes.is_empty() && args.relationships.is_empty() && args.jsonl.is_empty() {
        return Err(Failure::Usage(
            "nothing to import: give --nodes, --relationships or --jsonl".into(),
        ));
    }
    // A database this import creates is taken back when the import fails: a failed
    // import leaves the folder as it was, not an empty database named as the wanted one.
    let absent = |p: &Path| matches!(p.try_exists(), Ok(false));
    let created = super::file_path(args.db_file.as_deref()).filter(|p| absent(p));
    let log_created = created.is_some_and(|p| absent(&wal_path(p)));
    let db = open_writable(args.db_file.as_deref())?;
    let outcome = import_into(&db, args);
    if let (Err(_), Some(path)) = (&outcome, created) {
        drop(db);
        // Best effort: the import's error is the one to report. The log first: a log
        // left without its snapshot would make the next open an error.
        if log_created {
            let _ = std::fs::remove_file(wal_path(path));
        }
        let _ = std::fs::remove_file(path);
    }
    outcome
}

/// Imports the files `args` names into `db` and checkpoints it.
fn import_into(db: &Database, args: &ImportArgs) -> Result<(), Failure> {
    let options = ImportOptions {
        nodes: args.nodes.iter().map(|a| CsvFiles::parse(a)).collect(),
        relationships: args
            .relationships
            .iter()
            .map(|a| CsvFiles::parse(a))
            .collect(),
        delimiter: args.delimiter,
        array_delimiter: args.array_delimiter,
        skip_bad_rows: args.skip_bad_rows,
        integer_ids: args.id_type == "integer",
    };
    let started = Instant::now();
    let bar = progress_bar(args.quiet);
    let mut report = ImportReport::default();
    if !options.nodes.is_empty() || !options.relationships.is_empty() {
        let mut update = |p: &Progress| {
            if let Some(bar) = &bar {
                bar.set_length(p.total_bytes);
                bar.set_position(p.bytes);
                bar.set_message(format!(
                    "{} nodes, {} relationships",
                    p.nodes, p.relationships
                ));
            }
        };
        report = db
            .import_csv(&options, &mut update)
            .map_err(|e| e.to_string())?;
    }
    for path in &args.jsonl {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        let r = db
            .import_jsonl(BufReader::new(file), &name, args.skip_bad_rows)
            .map_err(|e| e.to_string())?;
        report.nodes += r.nodes;
        report.relationships += r.relationships;
        report.properties += r.properties;
        report.bad_rows += r.bad_rows;
        report.first_bad_rows.extend(r.first_bad_rows);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    db.checkpoint().map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!(
        "imported {}, {}, {} in {:.2} s ({:.0} relationships/s)",
        plural(report.nodes, "node", "nodes"),
        plural(report.relationships, "relationship", "relationships"),
        plural(report.properties, "property", "properties"),
        secs,
        report.relationships as f64 / secs
    );
    if report.bad_rows > 0 {
        eprintln!(
            "skipped {}:",
            plural(report.bad_rows, "bad row", "bad rows")
        );
        for b in &report.first_bad_rows {
            eprintln!("  {}:{}: {}", b.file, b.line, b.message);
        }
        if report.bad_rows > report.first_bad_rows.len() as u64 {
            eprintln!("  ...");
        }
    }
    Ok(())
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({elapsed})")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The REPL's `:dump FILE` and `:export FORMAT FILE [QUERY]`; `None` for other commands.
pub fn repl_command(session: &Session<'_>, name: &str, arg: &str) -> Option<Result<(), String>> {
    let result = match name {
        ":dump" => {
            if arg.is_empty() {
                Err("expected :dump FILE".to_string())
            } else if session.in_transaction() {
                // Checked before the file is made: the dump would fail on it, empty.
                Err("COMMIT or ROLLBACK the open transaction first".to_string())
            } else {
                create_output(arg, session.db.path().as_deref()).and_then(|f| {
                    let mut out = BufWriter::new(f);
                    session.db.dump(&mut out).map_err(|e| e.to_string())?;
                    out.flush().map_err(|e| e.to_string())
                })
            }
        }
        ":export" => repl_export(session, arg),
        _ => return None,
    };
    if result.is_ok() && !session.quiet {
        println!("Written");
    }
    Some(result)
}

fn repl_export(session: &Session<'_>, arg: &str) -> Result<(), String> {
    let mut parts = arg.splitn(3, char::is_whitespace);
    let (Some(format), Some(path)) = (parts.next(), parts.next()) else {
        return Err("expected :export FORMAT FILE [QUERY]".into());
    };
    let format = parse_format(format)?;
    let query = parts.next().map(str::trim).filter(|q| !q.is_empty());
    let data = graph_of(session.db, query)?;
    if format == ExportFormat::Csv {
        return export::write_csv(Path::new(path), &data)
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    let file = create_output(path, session.db.path().as_deref())?;
    let mut out = BufWriter::new(file);
    export::write(format, &mut out, &data).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repl_dump_and_export_write_files() {
        let dir = std::env::temp_dir().join(format!("baobab-repl-transfer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Database::in_memory();
        db.execute(
            "CREATE (Mali:Country {name: 'Mali'})-[:IN]->(:Region {name: 'Sahel'})",
            &Params::new(),
        )
        .unwrap();
        let mut session = Session::new(&db, Format::Jsonl);
        session.quiet = true;
        let dump = dir.join("d.cypher");
        assert!(repl_command(&session, ":dump", dump.to_str().unwrap()).is_some());
        let text = std::fs::read_to_string(&dump).unwrap();
        assert!(
            text.contains("CREATE (Mali:Country {name: 'Mali'})"),
            "{text}"
        );
        let dot = dir.join("g.dot");
        let arg = format!("dot {} MATCH (c:Country) RETURN c", dot.display());
        assert!(repl_command(&session, ":export", &arg).is_some());
        let text = std::fs::read_to_string(&dot).unwrap();
        assert!(text.contains("Mali") && !text.contains("Sahel"), "{text}");
        assert!(repl_command(&session, ":read", "x").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
