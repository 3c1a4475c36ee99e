//! The REPL as a person uses it: the real binary in a pseudo-terminal (rexpect). Every wait
//! is bounded by the session timeout, so a hang fails the test instead of blocking the run.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

mod common;
use common::TempDir;

const PROMPT: &str = "baobab> ";
/// Longest wait for any expected output.
const TIMEOUT_MS: u64 = 20_000;

/// A fresh data folder, so history starts empty and stays out of the user's; removed when
/// the test ends, passed or failed.
fn data_dir(name: &str) -> TempDir {
    common::temp_dir("repl", name)
}

fn shell(data: &Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baobab"));
    command.env("XDG_DATA_HOME", data).env("TERM", "xterm");
    let mut p = spawn_command(command, Some(TIMEOUT_MS)).expect("the shell starts");
    p.exp_string(PROMPT).expect("a prompt");
    p
}

/// A table cell holding `text` as the output shows it. rexpect reads bytes as Latin-1, so
/// the border `│` (E2 94 82) arrives as three characters; the border also keeps the echo of
/// the typed line from matching.
fn cell(text: &str) -> String {
    format!("\u{94}\u{82} {text} ")
}

/// Sends `line` and waits for `expected` in the output, then for the next prompt.
#[track_caller]
fn run(p: &mut PtySession, line: &str, expected: &str) {
    p.send_line(line).unwrap();
    p.exp_string(expected)
        .unwrap_or_else(|e| panic!("{line}: no {expected:?}: {e}"));
    p.exp_string(PROMPT).unwrap();
}

/// Checks that the shell's database holds `n` countries.
#[track_caller]
fn countries(p: &mut PtySession, n: &str) {
    run(p, "MATCH (c:Country) RETURN count(c) AS n;", &cell(n));
}

/// `:open`s a file of `dir` that is not a database, and waits for the error. (It waits for
/// what only the command's own output holds: the typed line, echoed as it is typed, holds
/// the path and the prompt.)
fn open_not_a_database(p: &mut PtySession, dir: &Path) {
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "not a database").unwrap();
    run(
        p,
        &format!(":open {}", notes.display()),
        "looks like a text file",
    );
}

fn quit(mut p: PtySession) {
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn a_statement_runs_and_prints_a_table() {
    let dir = data_dir("table");
    let mut p = shell(&dir);
    run(&mut p, "RETURN 6 * 7 AS answer;", &cell("42"));
    quit(p);
}

#[test]
fn a_statement_may_span_lines() {
    let dir = data_dir("multiline");
    let mut p = shell(&dir);
    // The continuation prompt on a new line: the editor redraws the prompt with each key
    // typed, so a bare "...> " may match the second line's echo before the line is taken.
    // The third line, sent then, once never showed (a CI run of stop 26).
    let next_line = "\n[^\n]*\\.\\.\\.> ";
    p.send_line("UNWIND [1, 2, 3] AS x").unwrap();
    p.exp_regex(next_line).unwrap();
    p.send_line("RETURN sum(x)").unwrap();
    p.exp_regex(next_line).unwrap();
    run(&mut p, "  * 100 AS total;", &cell("600"));
    quit(p);
}

#[test]
fn tab_completes_a_label_of_the_database() {
    let dir = data_dir("complete");
    let mut p = shell(&dir);
    run(
        &mut p,
        "CREATE (:Country {name: 'Mali'});",
        "Created 1 node",
    );
    p.send("MATCH (c:Coun").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("Country").unwrap();
    // Only the completed label makes this a valid query that finds the node.
    run(&mut p, ") RETURN c.name AS name;", &cell("'Mali'"));
    quit(p);
}

#[test]
fn history_is_recalled_after_a_restart() {
    let dir = data_dir("history");
    let mut p = shell(&dir);
    // The table cell, not the words: they are in the echo of the typed line too, and
    // Ctrl-D sent before the statement has run can arrive while the terminal is out of raw
    // mode and be lost.
    run(
        &mut p,
        "RETURN 'from the first session' AS said;",
        &cell("'from the first session'"),
    );
    // Ctrl-D leaves cleanly (and, unlike `:quit`, adds nothing to the history).
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let mut p = shell(&dir);
    // Up arrow, then Enter: the last statement of the previous session runs again.
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    run(&mut p, "", &cell("'from the first session'"));
    quit(p);
}

#[test]
fn ctrl_c_cancels_the_running_query_and_the_session_goes_on() {
    let dir = data_dir("cancel");
    let mut p = shell(&dir);
    run(&mut p, "CREATE (:Kept);", "Created 1 node");
    // 10^10 rows: it only ends when cancelled.
    p.send_line("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*);")
        .unwrap();
    // Ctrl-C typed while the line editor still reads would only clear the next line: wait
    // until it has handed the statement over (it turns bracketed paste off on return) and
    // restored the terminal.
    p.exp_string("\x1b[?2004l").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("Cancelled").unwrap();
    p.exp_string(PROMPT).unwrap();
    run(
        &mut p,
        "MATCH (n:Kept) RETURN count(n) AS kept;",
        &cell("1"),
    );
    quit(p);
}

#[test]
fn ctrl_c_clears_the_line_being_typed() {
    let dir = data_dir("clear");
    let mut p = shell(&dir);
    p.send("RETURN 'never run'").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    // The fresh prompt, on a new line: a bare prompt also matches the echo of the line
    // being typed, and a line sent before the editor reads again was once lost (stop 27).
    p.exp_regex("\n[^\n]*baobab> ").unwrap();
    // Had the first line survived, this would be a syntax error, not a one-cell table.
    run(&mut p, "RETURN 'after' AS x;", &cell("'after'"));
    quit(p);
}

#[test]
fn schema_lists_labels_types_and_keys_with_counts() {
    let dir = data_dir("schema");
    let mut p = shell(&dir);
    run(
        &mut p,
        "CREATE (:Country {name: 'Mali'})-[:MEMBER_OF {since: 2023}]->(:Org {name: 'AES'});",
        "Created 2 nodes",
    );
    // Waiting for the statement's own output: the prompt alone also shows while the line
    // is echoed, and `:schema` sent then could be lost.
    run(
        &mut p,
        "CREATE INDEX country_name FOR (c:Country) ON (c.name);",
        "Added 1 index",
    );
    p.send_line(":schema").unwrap();
    for expected in [
        "2 nodes, 1 relationship",
        ":Country (1)",
        ":Org (1)",
        ":MEMBER_OF (1)",
        "name (2 nodes, 0 relationships)",
        "since (0 nodes, 1 relationship)",
        "country_name RANGE ON :Country(name)",
    ] {
        p.exp_string(expected)
            .unwrap_or_else(|e| panic!("no {expected:?}: {e}"));
    }
    p.exp_string(PROMPT).unwrap();
    quit(p);
}

#[test]
fn an_error_shows_the_line_and_a_caret() {
    let dir = data_dir("caret");
    let mut p = shell(&dir);
    p.send_line("MATCH (n) RETURN m;").unwrap();
    p.exp_string("UndefinedVariable").unwrap();
    p.exp_string("MATCH (n) RETURN m;").unwrap();
    p.exp_regex(r"\r?\n {17}\^").unwrap();
    p.exp_string(PROMPT).unwrap();
    quit(p);
}

#[test]
fn a_failed_open_keeps_the_session_and_dump_spares_the_database() {
    let dir = data_dir("open-fails");
    let mut p = shell(&dir);
    run(
        &mut p,
        "CREATE (:Country {name: 'Niger'});",
        "Created 1 node",
    );
    // In memory: a file that cannot be opened leaves the session and its data as they were.
    open_not_a_database(&mut p, &dir);
    countries(&mut p, "1");
    // On a file: :dump and :export refuse to write over its own files.
    let file = dir.join("sahel.baobab");
    let file = file.to_str().unwrap();
    run(&mut p, &format!(":save {file}"), "saved to");
    run(&mut p, &format!(":open {file}"), &format!("({file})"));
    run(&mut p, &format!(":dump {file}"), "would destroy it");
    run(
        &mut p,
        &format!(":export jsonl {file}-wal"),
        "would destroy it",
    );
    // Inside a transaction :dump is refused before it makes its file.
    let other = dir.join("other.cypher");
    run(&mut p, "BEGIN;", "Transaction started");
    run(
        &mut p,
        &format!(":dump {}", other.display()),
        "COMMIT or ROLLBACK",
    );
    run(&mut p, "ROLLBACK;", "Rolled back");
    assert!(!other.exists());
    countries(&mut p, "1");
    quit(p);
    let out = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args([
            file,
            "--read-only",
            "-e",
            "MATCH (c:Country) RETURN c.name AS name",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"name\":\"Niger\"}\n"
    );
}

#[test]
fn save_writes_a_file_and_open_switches_to_it() {
    let dir = data_dir("open-save");
    let file = dir.join("sahel.baobab");
    let file = file.to_str().unwrap();
    let mut p = shell(&dir);
    run(
        &mut p,
        "CREATE (:Country {name: 'Niger'});",
        "Created 1 node",
    );
    run(&mut p, &format!(":save {file}"), "saved to");
    // The copy is a database of its own: changes here do not reach it.
    run(
        &mut p,
        "CREATE (:Country {name: 'Mali'});",
        "Created 1 node",
    );
    // The banner names the database; the echo of the typed line holds the path too.
    run(&mut p, &format!(":open {file}"), &format!("({file})"));
    countries(&mut p, "1");
    run(
        &mut p,
        "CREATE (:Country {name: 'Burkina Faso'});",
        "Created 1 node",
    );
    run(&mut p, ":save", "saved to");
    // A file that is not a database: an error, and the shell stays on the current one.
    open_not_a_database(&mut p, &dir);
    countries(&mut p, "2");
    quit(p);
    // What was saved is in the file.
    let out = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args([
            file,
            "--read-only",
            "-e",
            "MATCH (c:Country) RETURN count(c) AS n",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"n\":2}\n");
}
