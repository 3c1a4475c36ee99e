//! openCypher TCK conformance runner (`cargo test --test tck`, `harness = false`).
//!
//! Reads the feature files at run time (never copied into the repository) and runs every
//! scenario, and every example row of every scenario outline, on a fresh
//! `Database::in_memory()`, each in a worker thread with a timeout and `catch_unwind`.
//!
//! Environment:
//! - `TCK_FEATURES=dir`: feature files (default `../shared/tck/features` beside the crate).
//!   When set, the expected-failures list is not used: the run only reports.
//! - `TCK_GRAPHS=dir`: named graphs `<dir>/<name>/<name>.cypher` (default
//!   `../shared/tck/graphs`).
//! - `TCK_FILTER=text`: run only cases whose `feature path :: scenario name :: row`
//!   contains `text`.
//! - `TCK_VERBOSE=1`: print every failure with its reason.
//! - `TCK_TIMEOUT=secs`: per-case timeout (default 10).
//! - `TCK_BLESS=1`: rewrite `tests/tck/expected-failures.txt` with the current failures.
//! - `TCK_WRITE_DOC=1`: rewrite `docs/conformance.md` (needs a full, unfiltered run).
//! - `TCK_SELFTEST_ONLY=1`: only run the runner's own self-checks.
//! - `TCK_CHECK_NOTATION=1`: only parse every expected value (result, parameter and
//!   procedure tables) of every case and report those that do not parse.
//!
//! The last line printed is always `N passed, N failed, N skipped`.

#[path = "tck/features.rs"]
mod features;
#[path = "tck/report.rs"]
mod report;
#[path = "tck/runner.rs"]
mod runner;
#[path = "tck/steps.rs"]
mod steps;
#[path = "tck/values.rs"]
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use features::{feature_files, load_feature, Case};
use report::Tally;
use runner::Status;
use steps::Env;

/// Default per-case timeout.
const DEFAULT_TIMEOUT_SECS: f64 = 10.0;

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Prints the final line and returns the exit code.
fn finish(t: &Tally, ok: bool) -> ExitCode {
    println!(
        "{} passed, {} failed, {} skipped",
        t.passed, t.failed, t.skipped
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    // The runner's own checks first: a broken runner must not produce a misleading report.
    let mut self_failures = values::self_test();
    self_failures.extend(steps::self_test());
    if !self_failures.is_empty() {
        for f in &self_failures {
            eprintln!("runner self-check failed: {f}");
        }
        return finish(&Tally::default(), false);
    }
    if env_flag("TCK_SELFTEST_ONLY") {
        println!("runner self-checks passed");
        return finish(&Tally::default(), true);
    }

    let custom_features = std::env::var_os("TCK_FEATURES").map(PathBuf::from);
    let features_dir = custom_features
        .clone()
        .unwrap_or_else(|| manifest_dir().join("../shared/tck/features"));
    let graphs_dir = std::env::var_os("TCK_GRAPHS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/tck/graphs"));
    if !features_dir.is_dir() {
        println!(
            "TCK feature files not found at {}: nothing to run \
             (set TCK_FEATURES to a folder of .feature files)",
            features_dir.display()
        );
        return finish(&Tally::default(), true);
    }
    let filter = std::env::var("TCK_FILTER").ok().filter(|f| !f.is_empty());
    let verbose = env_flag("TCK_VERBOSE");
    let timeout = std::env::var("TCK_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    let timeout = Duration::from_secs_f64(timeout);

    // Load.
    let mut cases: Vec<Case> = Vec::new();
    for file in feature_files(&features_dir) {
        cases.extend(load_feature(&file, &features_dir));
    }
    let mut seen = BTreeSet::new();
    for c in &cases {
        if !seen.insert(c.id()) {
            eprintln!("warning: duplicate scenario id `{}`", c.id());
        }
    }
    let all_count = cases.len();
    if env_flag("TCK_CHECK_NOTATION") {
        return check_notation(&cases);
    }
    if let Some(f) = &filter {
        cases.retain(|c| c.id().contains(f.as_str()));
    }
    println!(
        "TCK: {} case(s) in {} (running {}{})",
        all_count,
        features_dir.display(),
        cases.len(),
        filter
            .as_ref()
            .map(|f| format!(", filter {f:?}"))
            .unwrap_or_default()
    );

    // Run.
    runner::install_quiet_panic_hook();
    let env = Env { graphs_dir };
    let started = Instant::now();
    let mut by_group: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_top: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let mut failing: BTreeSet<String> = BTreeSet::new();
    let mut passing: BTreeSet<String> = BTreeSet::new();
    let mut timeouts = 0usize;
    for case in &cases {
        let status = runner::run_case(case, &env, timeout);
        let mut t = Tally::default();
        match &status {
            Status::Passed => {
                t.passed = 1;
                passing.insert(case.id());
            }
            Status::Skipped => t.skipped = 1,
            Status::Failed(f) => {
                t.failed = 1;
                t.phase_only = usize::from(f.phase_only);
                if f.reason.starts_with("timed out") {
                    timeouts += 1;
                }
                failing.insert(case.id());
                if verbose {
                    println!(
                        "FAIL {}\n    {}",
                        case.id(),
                        f.reason.replace('\n', "\n    ")
                    );
                }
            }
        }
        by_group.entry(case.group()).or_default().add(&t);
        by_top.entry(case.top()).or_default().add(&t);
        total.add(&t);
    }

    // Summary.
    println!(
        "\nTCK summary ({:.1} s, phase checked: {}):",
        started.elapsed().as_secs_f64(),
        steps::CHECK_ERROR_PHASE
    );
    for (top, t) in &by_top {
        println!(
            "  {top:<20} {:>5} passed {:>5} failed {:>4} skipped  ({:.1}%)",
            t.passed,
            t.failed,
            t.skipped,
            t.percent()
        );
    }
    if let Some(t) = by_group.get(report::TEMPORAL) {
        let mut rest = total;
        rest.failed -= t.failed;
        rest.passed -= t.passed;
        rest.skipped -= t.skipped;
        println!(
            "  without temporal: {} passed of {} ({:.1}%); temporal: {} passed of {}",
            rest.passed,
            rest.passed + rest.failed,
            rest.percent(),
            t.passed,
            t.passed + t.failed
        );
    }
    if total.phase_only > 0 {
        println!(
            "  {} failure(s) only on the error phase (compile time vs runtime)",
            total.phase_only
        );
    }
    if timeouts > 0 {
        println!("  {timeouts} case(s) timed out (their threads were abandoned)");
    }

    let mut ok = true;

    // Expected failures (only for the project's own TCK copy).
    if custom_features.is_none() {
        ok &= check_expected_failures(&cases, &failing, &passing, filter.is_some());
    } else {
        println!("(TCK_FEATURES is set: the expected-failures list is not used)");
    }

    // Conformance document.
    if env_flag("TCK_WRITE_DOC") {
        if filter.is_some() || custom_features.is_some() {
            println!("TCK_WRITE_DOC ignored: it needs a full run on the project's TCK copy");
        } else {
            let path = manifest_dir().join("docs/conformance.md");
            let doc = report::conformance_doc(&by_group, steps::CHECK_ERROR_PHASE);
            let written = std::fs::create_dir_all(manifest_dir().join("docs"))
                .and_then(|()| std::fs::write(&path, doc));
            match written {
                Ok(()) => println!("wrote {}", path.display()),
                Err(e) => {
                    println!("cannot write {}: {e}", path.display());
                    ok = false;
                }
            }
        }
    }

    finish(&total, ok)
}

/// Compares the run with `tests/tck/expected-failures.txt`, or rewrites it with
/// `TCK_BLESS=1`. Returns whether the run is acceptable.
fn check_expected_failures(
    cases: &[Case],
    failing: &BTreeSet<String>,
    passing: &BTreeSet<String>,
    filtered: bool,
) -> bool {
    let path = manifest_dir().join("tests/tck/expected-failures.txt");
    let expected = report::read_expected(&path);
    if env_flag("TCK_BLESS") {
        let ran: BTreeSet<String> = cases.iter().map(Case::id).collect();
        // Keep the entries of cases this run did not execute (filtered runs).
        let mut list: BTreeSet<String> = expected
            .iter()
            .filter(|id| filtered && !ran.contains(*id))
            .cloned()
            .collect();
        list.extend(failing.iter().cloned());
        return match report::write_expected(&path, &list) {
            Ok(()) => {
                println!("blessed {} ({} entries)", path.display(), list.len());
                true
            }
            Err(e) => {
                println!("cannot write {}: {e}", path.display());
                false
            }
        };
    }
    let regressions: Vec<&String> = failing.difference(&expected).collect();
    let now_passing: Vec<&String> = passing.intersection(&expected).collect();
    for id in &regressions {
        println!("REGRESSION: {id}");
    }
    for id in &now_passing {
        println!("NOW PASSING — remove from the list: {id}");
    }
    if !filtered {
        let ran: BTreeSet<String> = cases.iter().map(Case::id).collect();
        let stale = expected.iter().filter(|id| !ran.contains(*id)).count();
        if stale > 0 {
            println!(
                "note: {stale} entr(y/ies) in {} name no scenario (re-bless to drop them)",
                display_rel(&path)
            );
        }
    }
    if !regressions.is_empty() || !now_passing.is_empty() {
        println!(
            "{} regression(s), {} now passing: fix them, or update the list with TCK_BLESS=1",
            regressions.len(),
            now_passing.len()
        );
        return false;
    }
    true
}

fn display_rel(p: &Path) -> String {
    p.strip_prefix(manifest_dir())
        .unwrap_or(p)
        .display()
        .to_string()
}

/// Parses every value cell of the cases' tables; reports the cells that do not parse.
fn check_notation(cases: &[Case]) -> ExitCode {
    let (mut cells, mut bad) = (0usize, 0usize);
    for case in cases {
        let Ok(steps) = &case.steps else { continue };
        for step in steps {
            let Some(table) = &step.table else { continue };
            let values: Vec<&String> = if step.text.starts_with("the result should be") {
                table.iter().skip(1).flatten().collect()
            } else if step.text.starts_with("parameters are") {
                table.iter().filter_map(|r| r.get(1)).collect()
            } else if step.text.starts_with("there exists a procedure") {
                table.iter().skip(1).flatten().collect()
            } else {
                continue;
            };
            for v in values {
                cells += 1;
                if let Err(e) = values::parse_value(v) {
                    bad += 1;
                    println!("{}: {v:?}: {e}", case.id());
                }
            }
        }
    }
    println!("{cells} expected value(s) checked, {bad} do not parse");
    finish(&Tally::default(), bad == 0)
}
