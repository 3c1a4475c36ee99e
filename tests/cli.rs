//! Drives the real `baobab` binary. Expected outputs live in `tests/cli/`.

use std::io::Write;
use std::process::{Command, Stdio};

mod common;

const UNWIND: &str = "UNWIND [1, 2.5, 'x', null, [1], {a: 1}] AS v RETURN v";

fn fixture(name: &str) -> String {
    format!("{}/tests/cli/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `baobab` with `args`, feeding `stdin` (empty when `None`; never a terminal).
fn baobab(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args(args)
        .env("XDG_DATA_HOME", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the baobab binary runs");
    {
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn ok(args: &[&str]) -> String {
    let run = baobab(args, None);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.stdout
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn jsonl_is_the_default_when_piped() {
    assert_eq!(ok(&["-e", UNWIND]), expected("unwind.jsonl"));
    assert_eq!(
        ok(&["--format", "jsonl", "-e", UNWIND]),
        expected("unwind.jsonl")
    );
}

#[test]
fn json_format() {
    assert_eq!(
        ok(&["--format", "json", "-e", UNWIND]),
        expected("unwind.json")
    );
    assert_eq!(
        ok(&["--format", "json", "-e", "UNWIND [] AS v RETURN v"]),
        "[]\n"
    );
}

#[test]
fn csv_and_tsv_write_temporal_values_as_text() {
    let q = "RETURN date('2024-01-02') AS d, duration('P1DT2H') AS p, localtime('10:00') AS t";
    assert_eq!(
        ok(&["--format", "csv", "-e", q]),
        "d,p,t\n2024-01-02,P1DT2H,10:00\n"
    );
    assert_eq!(
        ok(&["--format", "tsv", "-e", q]),
        "d\tp\tt\n2024-01-02\tP1DT2H\t10:00\n"
    );
}

#[test]
fn a_byte_order_mark_before_a_script_is_skipped() {
    // Removed when the test ends, passed or failed.
    let dir = common::temp_dir("cli", "bom");
    let script = dir.join("bom.cypher");
    std::fs::write(&script, "\u{feff}RETURN 1 AS x;\nRETURN 2 AS y;\n").unwrap();
    assert_eq!(
        ok(&["-f", script.to_str().unwrap()]),
        "{\"x\":1}\n{\"y\":2}\n"
    );
    let piped = baobab(&[], Some("\u{feff}RETURN 3 AS z;"));
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.stdout, "{\"z\":3}\n");
}

#[test]
fn csv_format() {
    assert_eq!(
        ok(&["--format", "csv", "-e", UNWIND]),
        expected("unwind.csv")
    );
    assert_eq!(
        ok(&[
            "--format",
            "csv",
            "-e",
            "RETURN '' AS e, 'a,b' AS `x y`, 1.0 AS f"
        ]),
        "e,x y,f\n\"\",\"a,b\",1.0\n"
    );
}

#[test]
fn tsv_format() {
    assert_eq!(
        ok(&["--format", "tsv", "-e", UNWIND]),
        expected("unwind.tsv")
    );
}

#[test]
fn table_format() {
    let out = ok(&["--format", "table", "-e", UNWIND]);
    for cell in ["v", "1", "2.5", "'x'", "null", "[1]", "{a: 1}"] {
        assert!(
            out.contains(&format!(" {cell} ")),
            "{cell} missing in\n{out}"
        );
    }
    assert!(out.contains("6 rows ("), "{out}");
    let quiet = ok(&["--format", "table", "-q", "-e", UNWIND]);
    assert!(!quiet.contains("rows"), "{quiet}");
}

#[test]
fn columns_keep_return_order_and_floats_keep_a_point() {
    assert_eq!(
        ok(&["-e", "RETURN 2 AS z, 1.0 AS a, 0.0 / 0.0 AS n"]),
        "{\"z\":2,\"a\":1.0,\"n\":\"NaN\"}\n"
    );
}

#[test]
fn writes_print_a_summary_in_table_mode_only() {
    let create = "CREATE (:A {x: 1}), (:B)";
    let out = ok(&["--format", "table", "-e", create]);
    assert!(out.starts_with("Created 2 nodes"), "{out}");
    assert_eq!(ok(&["-e", create]), "");
    assert_eq!(ok(&["--format", "csv", "-e", create]), "");
    assert_eq!(ok(&["--format", "table", "-q", "-e", create]), "");
    // Schema statements say what they changed too.
    let index = "CREATE INDEX IF NOT EXISTS FOR (n:A) ON (n.x)";
    let out = ok(&["--format", "table", "-e", index, "-e", index]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Added 1 index"), "{out}");
    assert!(lines[1].starts_with("No changes"), "{out}");
}

#[test]
fn entities_have_one_json_shape() {
    let out = ok(&[
        "-e",
        "CREATE (Mali:Country {name: 'Mali'})-[:MEMBER_OF {since: 2023}]->(AES:Organization)",
        "-e",
        "MATCH p = (c:Country)-[r]->(o) RETURN c, r, p",
    ]);
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let c = &row["c"];
    assert_eq!(c["labels"], serde_json::json!(["Country"]));
    assert_eq!(c["key"], "Mali");
    assert_eq!(c["properties"]["name"], "Mali");
    let r = &row["r"];
    assert_eq!(r["type"], "MEMBER_OF");
    assert_eq!(r["start"], c["id"]);
    assert_eq!(r["properties"]["since"], 2023);
    assert_eq!(row["p"]["nodes"][0], *c);
    assert_eq!(row["p"]["relationships"][0], *r);
    assert_eq!(row["p"]["nodes"].as_array().unwrap().len(), 2);
}

#[test]
fn table_draws_entities_in_cypher_notation() {
    let out = ok(&[
        "--format",
        "table",
        "-q",
        "-e",
        "CREATE (Mali:Country {name: 'Mali'})-[:MEMBER_OF {since: 2023}]->(AES:Organization)",
        "-e",
        "MATCH p = (o:Organization)<-[r]-(c) RETURN c, r, p",
    ]);
    assert!(out.contains("(Mali:Country {name: 'Mali'})"), "{out}");
    assert!(out.contains("[:MEMBER_OF {since: 2023}]"), "{out}");
    assert!(
        out.contains(
            "(AES:Organization)<-[:MEMBER_OF {since: 2023}]-(Mali:Country {name: 'Mali'})"
        ),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Sources, order, parameters

#[test]
fn stdin_is_read_when_piped() {
    let run = baobab(&[], Some("RETURN 1 AS a;\nRETURN 'b;' AS b"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "{\"a\":1}\n{\"b\":\"b;\"}\n");
    let run = baobab(&["-f", "-"], Some("RETURN 2 AS a;"));
    assert_eq!(run.stdout, "{\"a\":2}\n");
}

#[test]
fn execute_and_files_run_in_command_line_order() {
    let two = fixture("two.cypher");
    assert_eq!(
        ok(&["-e", "RETURN 0 AS n", "-f", &two, "-e", "RETURN 3 AS n"]),
        "{\"n\":0}\n{\"n\":1}\n{\"s\":\"a;b\"}\n{\"n\":3}\n"
    );
    assert_eq!(
        ok(&["-f", &two, "-e", "RETURN 3 AS n"]),
        "{\"n\":1}\n{\"s\":\"a;b\"}\n{\"n\":3}\n"
    );
}

#[test]
fn params() {
    assert_eq!(
        ok(&[
            "--param",
            "n=41",
            "--param",
            "m={k: [1, -2.5], s: 'it\\'s'}",
            "--param",
            "$z => null",
            "-e",
            "RETURN $n + 1 AS x, $m.k AS k, $z AS z",
        ]),
        "{\"x\":42,\"k\":[1,-2.5],\"z\":null}\n"
    );
}

#[test]
fn bad_params_are_usage_errors() {
    for bad in ["n", "n=", "n=rand()", "n=1 + 2", "n=x", "1a=1"] {
        let run = baobab(&["--param", bad, "-e", "RETURN 1"], None);
        assert_eq!(run.code, 2, "--param {bad}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: --param"), "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn timing() {
    let run = baobab(&["--timing", "-e", "RETURN 1 AS a; RETURN 2 AS b"], None);
    assert_eq!(run.code, 0);
    let times: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("-- time: "))
        .collect();
    assert_eq!(times.len(), 2, "{}", run.stderr);
    assert!(times.iter().all(|l| l.ends_with(" ms")));
}

#[test]
fn transactions_in_scripts() {
    assert_eq!(
        ok(&[
            "-e",
            "BEGIN; CREATE (:T); ROLLBACK; MATCH (n:T) RETURN count(n) AS c"
        ]),
        "{\"c\":0}\n"
    );
    assert_eq!(
        ok(&[
            "-e",
            "BEGIN; CREATE (:T); COMMIT; MATCH (n:T) RETURN count(n) AS c"
        ]),
        "{\"c\":1}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Failures and exit codes

#[test]
fn a_failing_statement_names_file_line_and_column() {
    let file = fixture("error_line3.cypher");
    let run = baobab(&["-f", &file], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "{\"name\":\"Mali\"}\n");
    let mut lines = run.stderr.lines();
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&format!("error: {file}:3:26: SyntaxError")),
        "{}",
        run.stderr
    );
    assert_eq!(lines.next(), Some("MATCH (c:Country) RETURN d.name;"));
    assert_eq!(lines.next(), Some("                         ^"));
}

#[test]
fn keep_going_runs_the_rest_and_still_fails() {
    let file = fixture("error_line3.cypher");
    let run = baobab(&["--keep-going", "-f", &file], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "{\"name\":\"Mali\"}\n{\"after\":\"never\"}\n");
    assert!(run.stderr.contains(":3:26: "), "{}", run.stderr);
}

#[test]
fn stop_at_first_failure_across_sources() {
    let run = baobab(&["-e", "RETURN nope", "-e", "RETURN 1 AS a"], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: -e#1:1:8: "),
        "{}",
        run.stderr
    );
}

#[test]
fn errors_in_later_statements_of_one_line_point_at_the_column() {
    let run = baobab(&["-e", "RETURN 1 AS a; RETURN 1 +"], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "{\"a\":1}\n");
    assert!(run.stderr.starts_with("error: -e#1:1:"), "{}", run.stderr);
    let column: usize = run.stderr.split(':').nth(3).unwrap().parse().unwrap();
    assert!(column >= 16, "{}", run.stderr);
}

#[test]
fn success_exits_zero() {
    assert_eq!(baobab(&["-e", "RETURN 1"], None).code, 0);
    assert_eq!(baobab(&[], Some("")).code, 0);
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &["--no-such-option"][..],
        &["--format", "xml", "-e", "RETURN 1"],
        &["-f", "/no/such/file.cypher"],
        &["-e"],
    ] {
        let run = baobab(args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_query_or_a_misspelt_command_where_the_database_goes_creates_nothing() {
    let dir = common::temp_dir("cli", "mistaken");
    for (arg, says) in [
        ("MATCH (n) RETURN n", "run a query with -e"),
        ("exprot", "did you mean `export`?"),
        ("dupm", "did you mean `dump`?"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_baobab"))
            .arg(arg)
            .current_dir(&*dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{arg}: {stderr}");
        assert!(stderr.contains(says), "{arg}: {stderr}");
        assert_eq!(
            std::fs::read_dir(&*dir).unwrap().count(),
            0,
            "{arg}: no file"
        );
    }
    // A path that says it is one is a new database.
    let out = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args(["./exprot", "-e", "RETURN 1 AS x"])
        .current_dir(&*dir)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"x\":1}\n");
    assert!(dir.join("exprot").exists());
}

#[test]
fn memory_in_place_of_the_database_is_an_in_memory_database() {
    let dir = common::temp_dir("cli", "memory");
    let out = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args([
            ":memory:",
            "-e",
            "CREATE (:A) RETURN 1 AS x",
            "-e",
            "MATCH (a:A) RETURN count(a) AS n",
        ])
        .current_dir(&*dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"x\":1}\n{\"n\":1}\n"
    );
    assert_eq!(std::fs::read_dir(&*dir).unwrap().count(), 0, "no file");
    // So it is for the subcommands.
    let out = Command::new(env!("CARGO_BIN_EXE_baobab"))
        .args([
            "dump",
            ":memory:",
            "-f",
            &format!("{}/datasets/aes.cypher", env!("CARGO_MANIFEST_DIR")),
        ])
        .current_dir(&*dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("'Mali'"));
    assert_eq!(std::fs::read_dir(&*dir).unwrap().count(), 0, "no file");
}

#[test]
fn explain_prints_its_plan_once_where_plans_go() {
    let query = "EXPLAIN MATCH (n) RETURN n";
    for format in ["jsonl", "json", "csv"] {
        let run = baobab(&["--format", format, "-e", query], None);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{format}: no rows");
        assert_eq!(
            run.stderr.matches("AllNodesScan").count(),
            1,
            "{format}: {}",
            run.stderr
        );
    }
    let run = baobab(&["--format", "table", "-e", query], None);
    assert_eq!(
        run.stdout.matches("AllNodesScan").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("1 row"), "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

#[test]
fn import_counts_read_as_words() {
    let dir = common::temp_dir("cli", "import-words");
    let nodes = dir.join("nodes.csv");
    std::fs::write(&nodes, "id:ID,name\n1,Mali\n2,Niger,extra\n").unwrap();
    let run = baobab(
        &[
            "import",
            "--skip-bad-rows",
            "--nodes",
            nodes.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("imported 1 node, 0 relationships, 2 properties"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("skipped 1 bad row:"), "{}", run.stderr);
}

/// Runs `baobab` with `args` on `script` piped in, and checks its exit code and stdout.
fn outputs(args: &[&str], script: &str, code: i32, stdout: &str) {
    let run = baobab(args, Some(script));
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (code, stdout),
        "{}",
        run.stderr
    );
}

#[test]
fn scripts_run_shell_commands_where_a_statement_could_start() {
    let script =
        "// parameters first\n:param x => 1\nRETURN $x AS x;\n:format csv\nRETURN 2 AS y;\n";
    outputs(&[], script, 0, "{\"x\":1}\ny\n2\n");
    // A failed command fails the script: it stops there, or goes on with --keep-going.
    let script = ":param nonsense\nRETURN 1 AS a;\n";
    let run = baobab(&[], Some(script));
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert!(
        run.stderr.contains("error: expected NAME=VALUE"),
        "{}",
        run.stderr
    );
    outputs(&["--keep-going"], script, 1, "{\"a\":1}\n");
    // :quit ends the script there, successfully; :open belongs to the shell.
    outputs(
        &[],
        "RETURN 1 AS a;\n:quit\nRETURN 2 AS b;\n",
        0,
        "{\"a\":1}\n",
    );
    let run = baobab(&[], Some(":open other.db\n"));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("interactive shell only"),
        "{}",
        run.stderr
    );
    // A comment after a command is no statement; a quote in a command is not Cypher's.
    outputs(
        &[],
        "RETURN 1 AS a;\n:param s => \"it's\"\n// end\n",
        0,
        "{\"a\":1}\n",
    );
    outputs(
        &[],
        ":param s => \"it's\"\nRETURN $s AS s;\n",
        0,
        "{\"s\":\"it's\"}\n",
    );
    // A colon inside a statement is Cypher.
    outputs(
        &[],
        "CREATE (n\n:A) RETURN labels(n) AS l;\n",
        0,
        "{\"l\":[\"A\"]}\n",
    );
}

#[test]
fn an_error_in_a_long_line_shows_the_part_around_it() {
    let items = vec!["1"; 20_000].join(", ");
    let query = format!("RETURN [{items}] AS l, y");
    let run = baobab(&["-e", &query], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.len() < 1_000, "{} bytes", run.stderr.len());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].contains(&format!(":1:{}:", query.len())),
        "{}",
        lines[0]
    );
    let (shown, carets) = (lines[1], lines[2]);
    assert!(
        shown.starts_with('…') && shown.ends_with("AS l, y"),
        "{shown}"
    );
    // The caret stands under the `y`, counted in characters.
    assert_eq!(carets.trim_start().len(), 1, "{carets}");
    assert_eq!(
        carets.chars().count(),
        shown.chars().count(),
        "{shown}\n{carets}"
    );
    // A short line is shown whole.
    let run = baobab(&["-e", "RETURN 1 AS l, y"], None);
    assert!(
        run.stderr
            .contains("\nRETURN 1 AS l, y\n               ^\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failed_import_into_a_new_database_leaves_no_database() {
    let dir = common::temp_dir("cli", "import-failed");
    let nodes = dir.join("nodes.csv");
    std::fs::write(&nodes, "id:ID,name\n1,Mali\n1,Niger\n").unwrap();
    let (db, nodes) = (dir.join("g.db"), nodes.to_str().unwrap());
    let run = baobab(&["import", "--nodes", nodes, db.to_str().unwrap()], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("used by two nodes"), "{}", run.stderr);
    assert!(!db.exists() && !dir.join("g.db-wal").exists());
    // A database that was there stays, with its data.
    ok(&[
        db.to_str().unwrap(),
        "-e",
        "CREATE (:Country {name: 'Chad'})",
    ]);
    let run = baobab(&["import", "--nodes", nodes, db.to_str().unwrap()], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let names = ok(&[
        db.to_str().unwrap(),
        "-e",
        "MATCH (c) RETURN c.name AS name",
    ]);
    assert_eq!(names, "{\"name\":\"Chad\"}\n");
}

#[test]
fn file_databases_keep_their_data_between_runs() {
    let dir = common::temp_dir("cli", "db");
    let db = dir.join("aes.baobab");
    let db = db.to_str().unwrap();
    let aes = format!("{}/datasets/aes.cypher", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(baobab(&[db, "-q", "-f", &aes], None).code, 0);
    let out = ok(&[
        db,
        "-e",
        "MATCH (c:Country)-[:MEMBER_OF]->(AES) RETURN c.name ORDER BY c.name",
    ]);
    assert_eq!(
        out,
        "{\"c.name\":\"Burkina Faso\"}\n{\"c.name\":\"Mali\"}\n{\"c.name\":\"Niger\"}\n"
    );
    // Read-only: queries run, writes are refused and change nothing.
    let refused = baobab(&[db, "--read-only", "-e", "CREATE (:X)"], None);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("read-only"), "{}", refused.stderr);
    let count = ok(&[db, "--read-only", "-e", "MATCH (x:X) RETURN count(x) AS n"]);
    assert_eq!(count, "{\"n\":0}\n");
    // Not a database: a clear usage error naming the file.
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "hello").unwrap();
    let bad = baobab(&[notes.to_str().unwrap(), "-e", "RETURN 1"], None);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("notes.txt"), "{}", bad.stderr);
    // A script given where the database goes: the error says how to run it, and the
    // failed open leaves nothing beside it.
    let script = dir.join("aes.cypher");
    std::fs::copy(&aes, &script).unwrap();
    let bad = baobab(&[script.to_str().unwrap()], None);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("Corruption"), "{}", bad.stderr);
    assert!(bad.stderr.contains("use -f"), "{}", bad.stderr);
    assert!(!dir.join("aes.cypher-wal").exists());
    assert!(!dir.join("notes.txt-wal").exists());
    // No such hint for a file that is not text.
    let binary = dir.join("binary.db");
    std::fs::write(
        &binary,
        [0u8, 1, 2, 3, 255, 254, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9],
    )
    .unwrap();
    let bad = baobab(&[binary.to_str().unwrap(), "-e", "RETURN 1"], None);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(!bad.stderr.contains("use -f"), "{}", bad.stderr);
    assert!(!dir.join("binary.db-wal").exists());
    // A dump or export written over the database it reads is refused, and the database
    // still opens with the same data.
    let count = "MATCH (c:Country) RETURN count(c) AS n";
    let counted = ok(&[db, "--read-only", "-e", count]);
    assert_ne!(counted, "{\"n\":0}\n");
    for args in [
        vec!["dump", db, "-o", db],
        vec!["export", db, "--format", "jsonl", "-o", db],
    ] {
        let refused = baobab(&args, None);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("would destroy it"),
            "{}",
            refused.stderr
        );
    }
    assert_eq!(ok(&[db, "--read-only", "-e", count]), counted);
}

// ---------------------------------------------------------------------------------------------
// Limits

#[test]
fn timeout_stops_a_long_statement() {
    let endless = "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*)";
    let run = baobab(
        &["--timeout", "0.05", "-e", endless, "-e", "RETURN 1 AS x"],
        None,
    );
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("Timeout"), "stderr: {}", run.stderr);
    // Without --keep-going the run stops there.
    assert_eq!(run.stdout, "");
    for bad in ["0", "-1", "soon"] {
        let run = baobab(&["--timeout", bad, "-e", "RETURN 1"], None);
        assert_eq!(run.code, 2, "--timeout {bad}: {}", run.stderr);
    }
}

fn transfer_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("baobab-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn dump_of_a_script_loads_back_to_the_same_dump() {
    let dir = transfer_dir("dump");
    let aes = format!("{}/datasets/aes.cypher", env!("CARGO_MANIFEST_DIR"));
    let first = ok(&["dump", "-f", &aes]);
    assert!(first.contains("CREATE (Mali:Country"), "{first}");
    let path = dir.join("aes-dump.cypher");
    std::fs::write(&path, &first).unwrap();
    let second = ok(&["dump", "-f", path.to_str().unwrap()]);
    assert_eq!(second, first);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_csv_import_into_a_file_then_dump_and_export_it() {
    let dir = transfer_dir("import");
    let aes = format!("{}/datasets/aes.cypher", env!("CARGO_MANIFEST_DIR"));
    let csv = dir.join("csv");
    let out = baobab(
        &[
            "export",
            "-f",
            &aes,
            "--format",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("baobab import DB_FILE --nodes"),
        "{}",
        out.stderr
    );
    let db = dir.join("aes.baobab");
    let db = db.to_str().unwrap();
    let nodes = csv.join("nodes_1.csv");
    let rels = csv.join("relationships_1.csv");
    let imported = baobab(
        &[
            "import",
            db,
            "--nodes",
            nodes.to_str().unwrap(),
            "--relationships",
            rels.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    assert!(
        imported
            .stderr
            .contains("imported 29 nodes, 67 relationships"),
        "{}",
        imported.stderr
    );
    // The file database holds the graph: the same dump as the script gives.
    assert_eq!(ok(&["dump", db]), ok(&["dump", "-f", &aes]));
    let jsonl = ok(&[
        "export",
        db,
        "--format",
        "jsonl",
        "--query",
        "MATCH (AES) RETURN AES",
    ]);
    assert_eq!(jsonl.lines().count(), 1, "{jsonl}");
    assert!(jsonl.contains("\"key\":\"AES\""), "{jsonl}");
    // A bad row: exit 1 with file and line, the database unchanged.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, ":ID,n:int\nx,1\ny,two\n").unwrap();
    let failed = baobab(&["import", db, "--nodes", bad.to_str().unwrap()], None);
    assert_eq!(failed.code, 1);
    assert!(failed.stderr.contains("bad.csv:3:"), "{}", failed.stderr);
    assert_eq!(
        ok(&[db, "-e", "MATCH (n) RETURN count(n) AS n"]),
        "{\"n\":29}\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn load_csv_in_a_script_reads_beside_the_script() {
    let dir = transfer_dir("load-csv");
    std::fs::write(
        dir.join("cities.csv"),
        "name,pop\nBamako,\"2,8\"\nNiamey,1\n",
    )
    .unwrap();
    let script = dir.join("load.cypher");
    std::fs::write(
        &script,
        "LOAD CSV WITH HEADERS FROM 'cities.csv' AS row CREATE (:City {name: row.name, pop: row.pop});\n\
         MATCH (c:City) RETURN c.name, c.pop ORDER BY c.name;\n",
    )
    .unwrap();
    let out = ok(&["-f", script.to_str().unwrap()]);
    assert_eq!(
        out,
        "{\"c.name\":\"Bamako\",\"c.pop\":\"2,8\"}\n{\"c.name\":\"Niamey\",\"c.pop\":\"1\"}\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
