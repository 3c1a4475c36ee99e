//! Loading feature files into runnable cases: one [`Case`] per scenario, or per example row
//! of a scenario outline, with placeholders substituted and table cells unescaped.

use std::path::{Path, PathBuf};

/// One step, ready to run.
#[derive(Debug, Clone)]
pub struct Step {
    /// `Given`, `When`, `Then`, `And`, ...
    pub keyword: String,
    /// The step text after the keyword.
    pub text: String,
    pub docstring: Option<String>,
    pub table: Option<Vec<Vec<String>>>,
}

/// One runnable scenario (or example row of an outline).
#[derive(Debug, Clone)]
pub struct Case {
    /// Path of the feature file relative to the features directory, with `/` separators.
    pub feature: String,
    pub scenario: String,
    /// 1-based example row for outlines (counted across all `Examples` blocks).
    pub example: Option<usize>,
    /// Tags of the feature, scenario and examples block (without `@`).
    pub tags: Vec<String>,
    /// The steps, or why the scenario could not be prepared.
    pub steps: Result<Vec<Step>, String>,
}

impl Case {
    /// The stable identifier used in the expected-failures list.
    pub fn id(&self) -> String {
        let ex = self
            .example
            .map_or_else(|| "-".to_string(), |i| i.to_string());
        format!("{} :: {} :: {}", self.feature, self.scenario, ex)
    }

    /// Whether a tag asks to skip this case.
    pub fn skipped(&self) -> bool {
        self.tags
            .iter()
            .any(|t| t.eq_ignore_ascii_case("skip") || t.eq_ignore_ascii_case("ignore"))
    }

    /// The second-level folder (`clauses/match`), or the first one for shallow paths.
    pub fn group(&self) -> String {
        let parts: Vec<&str> = self.feature.split('/').collect();
        if parts.len() >= 3 {
            format!("{}/{}", parts[0], parts[1])
        } else if parts.len() == 2 {
            parts[0].to_string()
        } else {
            "(root)".to_string()
        }
    }

    /// The top-level folder (`clauses`, `expressions`, ...).
    pub fn top(&self) -> String {
        let parts: Vec<&str> = self.feature.split('/').collect();
        if parts.len() >= 2 {
            parts[0].to_string()
        } else {
            "(root)".to_string()
        }
    }
}

/// All `.feature` files under `dir`, sorted.
pub fn feature_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "feature") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Gherkin table-cell unescaping: `\|` is `|`, `\\` is `\`, `\n` is a newline; any other
/// backslash stays as written.
pub fn unescape_cell(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('|') => {
                    out.push('|');
                    chars.next();
                }
                Some('\\') => {
                    out.push('\\');
                    chars.next();
                }
                Some('n') => {
                    out.push('\n');
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape_table(t: &gherkin::Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| r.iter().map(|c| unescape_cell(c)).collect())
        .collect()
}

/// Replaces `<name>` placeholders by the example row's values.
fn substitute(text: &str, names: &[String], values: &[String]) -> String {
    let mut out = text.to_string();
    for (n, v) in names.iter().zip(values) {
        out = out.replace(&format!("<{n}>"), v);
    }
    out
}

fn convert_step(s: &gherkin::Step, subst: Option<(&[String], &[String])>) -> Step {
    let apply = |t: &str| match subst {
        Some((n, v)) => substitute(t, n, v),
        None => t.to_string(),
    };
    Step {
        keyword: s.keyword.trim().to_string(),
        text: apply(s.value.trim()),
        docstring: s.docstring.as_deref().map(|d| apply(d.trim())),
        table: s.table.as_ref().map(|t| {
            unescape_table(t)
                .into_iter()
                .map(|row| row.iter().map(|c| apply(c)).collect())
                .collect()
        }),
    }
}

/// Loads one feature file into cases. A file that does not parse yields a single failing
/// case named after the parse error.
pub fn load_feature(path: &Path, root: &Path) -> Vec<Case> {
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![broken(&rel, format!("cannot read feature file: {e}"))],
    };
    let text = normalize(&text);
    match parse(&text) {
        Ok(feature) => cases_of(&feature, &rel),
        // Parse the scenarios one by one, so that one odd scenario fails alone.
        Err(whole) => {
            let (preamble, chunks) = split_scenarios(&text);
            if chunks.is_empty() {
                return vec![broken(&rel, format!("feature does not parse: {whole}"))];
            }
            let mut cases = Vec::new();
            for (line, title, chunk) in chunks {
                match parse(&format!("{preamble}{chunk}")) {
                    Ok(feature) => cases.extend(cases_of(&feature, &rel)),
                    Err(e) => cases.push(Case {
                        feature: rel.clone(),
                        scenario: title,
                        example: None,
                        tags: Vec::new(),
                        steps: Err(format!("scenario at line {line} does not parse: {e}")),
                    }),
                }
            }
            cases
        }
    }
}

/// Parses feature text; the Gherkin parser must not take the run down on odd text.
fn parse(text: &str) -> Result<gherkin::Feature, String> {
    match std::panic::catch_unwind(|| gherkin::Feature::parse(text, gherkin::GherkinEnv::default()))
    {
        Ok(Ok(f)) => Ok(f),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the Gherkin parser panicked".to_string()),
    }
}

const STEP_KEYWORDS: [&str; 6] = ["Given ", "When ", "Then ", "And ", "But ", "* "];

fn is_scenario_header(line: &str) -> bool {
    let t = line.trim_start();
    [
        "Scenario:",
        "Scenario Outline:",
        "Scenario Template:",
        "Example:",
    ]
    .iter()
    .any(|k| t.starts_with(k))
}

/// Gherkin allows a scenario to start with `And`/`But`; the parser does not, so such a first
/// keyword becomes `Given` (steps are matched on their text only).
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut first_step_pending = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        if is_scenario_header(line) || t.starts_with("Background:") {
            first_step_pending = true;
        } else if first_step_pending && STEP_KEYWORDS.iter().any(|k| t.starts_with(k)) {
            first_step_pending = false;
            if let Some(rest) = t.strip_prefix("And ").or_else(|| t.strip_prefix("But ")) {
                out.push_str(indent);
                out.push_str("Given ");
                out.push_str(rest);
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// Splits feature text into the preamble (up to the first scenario) and one chunk per
/// scenario `(1-based line, title, text)`; tag and comment lines just above a scenario
/// header go with it.
fn split_scenarios(text: &str) -> (String, Vec<(usize, String, String)>) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut starts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if is_scenario_header(line) {
            let mut s = i;
            while s > 0 && {
                let p = lines[s - 1].trim_start();
                p.starts_with('@') || p.starts_with('#')
            } {
                s -= 1;
            }
            starts.push((s, i));
        }
    }
    let Some(&(first, _)) = starts.first() else {
        return (text.to_string(), Vec::new());
    };
    let preamble = lines[..first].concat();
    let mut chunks = Vec::new();
    for (k, &(s, header)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |&(next, _)| next);
        let title = lines[header]
            .trim()
            .split_once(':')
            .map_or("", |(_, t)| t)
            .trim()
            .to_string();
        chunks.push((header + 1, title, lines[s..end].concat()));
    }
    (preamble, chunks)
}

/// The cases of a parsed feature.
fn cases_of(feature: &gherkin::Feature, rel: &str) -> Vec<Case> {
    let rel = rel.to_string();
    let mut cases = Vec::new();
    let background: Vec<&gherkin::Step> = feature
        .background
        .iter()
        .flat_map(|b| b.steps.iter())
        .collect();
    let mut scenarios: Vec<(&gherkin::Scenario, Vec<&gherkin::Step>, Vec<String>)> = feature
        .scenarios
        .iter()
        .map(|s| (s, background.clone(), Vec::new()))
        .collect();
    for rule in &feature.rules {
        let mut bg = background.clone();
        bg.extend(rule.background.iter().flat_map(|b| b.steps.iter()));
        for s in &rule.scenarios {
            scenarios.push((s, bg.clone(), rule.tags.clone()));
        }
    }
    for (sc, bg, rule_tags) in scenarios {
        let mut tags = feature.tags.clone();
        tags.extend(rule_tags);
        tags.extend(sc.tags.iter().cloned());
        let all_steps = || bg.iter().copied().chain(sc.steps.iter());
        if sc.examples.is_empty() {
            cases.push(Case {
                feature: rel.clone(),
                scenario: sc.name.trim().to_string(),
                example: None,
                tags,
                steps: Ok(all_steps().map(|s| convert_step(s, None)).collect()),
            });
            continue;
        }
        let mut index = 0;
        for ex in &sc.examples {
            let mut ex_tags = tags.clone();
            ex_tags.extend(ex.tags.iter().cloned());
            let Some(table) = ex.table.as_ref() else {
                continue;
            };
            let rows = unescape_table(table);
            let Some((names, values)) = rows.split_first() else {
                continue;
            };
            for row in values {
                index += 1;
                cases.push(Case {
                    feature: rel.clone(),
                    scenario: sc.name.trim().to_string(),
                    example: Some(index),
                    tags: ex_tags.clone(),
                    steps: Ok(all_steps()
                        .map(|s| convert_step(s, Some((names, row))))
                        .collect()),
                });
            }
        }
        if index == 0 {
            cases.push(Case {
                feature: rel.clone(),
                scenario: sc.name.trim().to_string(),
                example: None,
                tags,
                steps: Err("scenario outline without example rows".to_string()),
            });
        }
    }
    cases
}

fn broken(rel: &str, reason: String) -> Case {
    Case {
        feature: rel.to_string(),
        scenario: "(feature file)".to_string(),
        example: None,
        tags: Vec::new(),
        steps: Err(reason),
    }
}
