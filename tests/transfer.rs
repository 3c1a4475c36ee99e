//! Getting data in and out: LOAD CSV, bulk import, dump and export, through the library.

use std::path::{Path, PathBuf};
use std::process::Command;

use baobab::transfer::export::{self, ExportFormat};
use baobab::transfer::import::{CsvFiles, ImportOptions};
use baobab::transfer::GraphData;
use baobab::{Database, ErrorKind, Params, Value};

mod common;

fn aes_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/aes.cypher")
}

/// The statements of a script: split at `;` outside strings, backticks and comments.
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = script.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == '\\' && q != '`' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '/' && chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                cur.push('\n');
            }
            None if c == ';' => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
            }
            None => {
                if matches!(c, '\'' | '"' | '`') {
                    quote = Some(c);
                }
                cur.push(c);
            }
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

fn run_script(db: &Database, script: &str) {
    for s in statements(script) {
        db.execute(&s, &Params::new())
            .unwrap_or_else(|e| panic!("{e}\nin: {s}"));
    }
}

fn aes() -> Database {
    let db = Database::in_memory();
    run_script(&db, &std::fs::read_to_string(aes_path()).unwrap());
    db
}

fn dump(db: &Database) -> String {
    let mut out = Vec::new();
    db.dump(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn query(db: &Database, q: &str) -> Vec<Vec<Value>> {
    db.execute(q, &Params::new())
        .unwrap_or_else(|e| panic!("{e}\nin: {q}"))
        .rows
        .to_vecs()
}

fn count(db: &Database, q: &str) -> i64 {
    query(db, q)[0][0].as_int().unwrap()
}

/// The graph without ids: each node as its key, labels and properties; each relationship
/// as its ends (so described), type and properties; both sorted.
fn canonical(db: &Database) -> (Vec<String>, Vec<String>) {
    let g = db.snapshot().unwrap();
    let describe = |n: &baobab::NodeData| {
        let mut labels = n.labels.clone();
        labels.sort();
        format!("{:?} {labels:?} {:?}", n.key, n.properties)
    };
    let by_id: std::collections::HashMap<_, _> =
        g.nodes.iter().map(|n| (n.id, describe(n))).collect();
    let mut nodes: Vec<String> = g.nodes.iter().map(describe).collect();
    let mut rels: Vec<String> = g
        .relationships
        .iter()
        .map(|r| {
            format!(
                "({})-[{} {:?}]->({})",
                by_id[&r.start], r.rel_type, r.properties, by_id[&r.end]
            )
        })
        .collect();
    nodes.sort();
    rels.sort();
    (nodes, rels)
}

/// A fresh folder for one test, removed when the test ends.
fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir("transfer", name)
}

/// A graph with what is hard to carry over: keyless nodes, floats that look like integers,
/// temporal values, odd names, lists, self loops.
const TRICKY: &str = "
CREATE (a:Person:`Odd Label` {name: 'A', score: 1.0, born: date('1990-05-01'),
  t: localtime('10:00:01.5'), tz: time('10:00+02:00'), ldt: localdatetime('2020-01-01T12:00'),
  dt: datetime('2020-06-01T12:00+02:00[Europe/Paris]'), d: duration('P1Y2M3DT4H5M6.7S'),
  `odd key`: 'it\\'s \"quoted\", <b>&', tags: ['x', 'y'], ws: [1.0, 2.5]})
  -[:KNOWS {since: 2001, w: 2.0}]->(b:Person {name: 'B'});
CREATE (K:Thing {v: 1})-[:REL]->(:Person {name: 'C'});
MATCH (k:Thing), (b {name: 'B'}) CREATE (b)-[:LIKES]->(k), (b)-[:SELF]->(b);
CREATE (E:Empty);
";

fn tricky() -> Database {
    let db = Database::in_memory();
    run_script(&db, TRICKY);
    db
}

// ----- dump ---------------------------------------------------------------------------

#[test]
fn dump_load_dump_is_identical_on_aes() {
    let first = dump(&aes());
    let copy = Database::in_memory();
    run_script(&copy, &first);
    assert_eq!(dump(&copy), first);
    assert_eq!(canonical(&copy), canonical(&aes()));
    assert_eq!(count(&copy, "MATCH (n) RETURN count(n)"), 29);
    assert_eq!(count(&copy, "MATCH ()-[r]->() RETURN count(r)"), 67);
    // Keys survive: a bare key still finds its node.
    let rows = query(
        &copy,
        "MATCH (c:Country)-[:MEMBER_OF]->(AES) RETURN c.name ORDER BY c.name",
    );
    assert_eq!(rows.len(), 3);
}

#[test]
fn dump_keeps_types_and_keyless_nodes() {
    let db = tricky();
    let first = dump(&db);
    assert!(first.contains("score: 1.0"), "{first}");
    assert!(first.contains("date('1990-05-01')"), "{first}");
    let copy = Database::in_memory();
    run_script(&copy, &first);
    assert_eq!(dump(&copy), first);
    assert_eq!(canonical(&copy), canonical(&db));
    let rows = query(
        &copy,
        "MATCH (a {name: 'A'}) RETURN a.score, a.born, a.__dump_id",
    );
    assert_eq!(rows[0][0], Value::Float(1.0));
    assert_eq!(rows[0][1].type_name(), "DATE");
    assert_eq!(rows[0][2], Value::Null, "the temporary ids are removed");
}

#[test]
fn dump_recreates_indexes_and_constraints_first() {
    let db = Database::in_memory();
    run_script(
        &db,
        "CREATE INDEX person_name FOR (p:Person) ON (p.name);
         CREATE CONSTRAINT city_key FOR (c:City) REQUIRE (c.country, c.name) IS UNIQUE;
         CREATE (:Person {name: 'A'}), (:City {country: 'ML', name: 'Bamako'});",
    );
    let first = dump(&db);
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(
        lines[0],
        "CREATE INDEX person_name FOR (n:Person) ON (n.name);"
    );
    assert_eq!(
        lines[1],
        "CREATE CONSTRAINT city_key FOR (n:City) REQUIRE (n.country, n.name) IS UNIQUE;"
    );
    let copy = Database::in_memory();
    run_script(&copy, &first);
    assert_eq!(dump(&copy), first);
    // The constraint is enforced in the copy.
    let e = copy
        .execute(
            "CREATE (:City {country: 'ML', name: 'Bamako'})",
            &Params::new(),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ConstraintVerificationFailed, "{e}");
}

#[test]
fn dump_round_trip_across_batches() {
    // More nodes and relationships than one statement of the dump takes.
    let db = Database::in_memory();
    db.execute(
        "UNWIND range(0, 1199) AS i CREATE (:P {i: i, half: toFloat(i) / 2})",
        &Params::new(),
    )
    .unwrap();
    db.execute(
        "MATCH (a:P), (b:P) WHERE b.i = (a.i * 7 + 3) % 1200 OR b.i = (a.i + 1) % 1200 \
         CREATE (a)-[:NEXT {w: a.i}]->(b)",
        &Params::new(),
    )
    .unwrap();
    db.execute(
        "CREATE (Hub:Hub) WITH Hub MATCH (p:P) WHERE p.i < 5 CREATE (p)-[:AT]->(Hub)",
        &Params::new(),
    )
    .unwrap();
    let first = dump(&db);
    assert!(
        first.lines().filter(|l| l.contains(":NEXT]")).count() >= 3,
        "several batches"
    );
    let copy = Database::in_memory();
    run_script(&copy, &first);
    assert_eq!(dump(&copy), first);
    assert_eq!(canonical(&copy), canonical(&db));
}

// ----- JSON Lines and CSV round trips ----------------------------------------------------

#[test]
fn jsonl_export_import_gives_the_same_graph() {
    for db in [aes(), tricky()] {
        let mut out = Vec::new();
        export::write_jsonl(&mut out, &db.snapshot().unwrap()).unwrap();
        let copy = Database::in_memory();
        let report = copy.import_jsonl(&out[..], "g.jsonl", false).unwrap();
        assert_eq!(report.nodes as usize, db.snapshot().unwrap().nodes.len());
        assert_eq!(canonical(&copy), canonical(&db));
    }
}

#[test]
fn csv_export_import_gives_the_same_graph() {
    for (name, db) in [("aes", aes()), ("tricky", tricky())] {
        let dir = temp_dir(&format!("csv-{name}"));
        let files = export::write_csv(&dir, &db.snapshot().unwrap()).unwrap();
        assert!(!files.nodes.is_empty());
        let header = std::fs::read_to_string(&files.nodes[0]).unwrap();
        assert!(header.starts_with(":ID,:LABEL"), "{header}");
        let options = ImportOptions {
            nodes: files
                .nodes
                .iter()
                .map(|p| CsvFiles {
                    name: None,
                    paths: vec![p.clone()],
                })
                .collect(),
            relationships: files
                .relationships
                .iter()
                .map(|p| CsvFiles {
                    name: None,
                    paths: vec![p.clone()],
                })
                .collect(),
            ..ImportOptions::default()
        };
        let copy = Database::in_memory();
        let report = copy.import_csv(&options, &mut |_| {}).unwrap();
        assert_eq!(report.bad_rows, 0);
        assert_eq!(canonical(&copy), canonical(&db), "{name}");
    }
}

#[test]
fn csv_export_refuses_what_it_could_not_carry_back() {
    // Each would read back as another value: `:a:b`, other list elements, no property.
    for (create, what) in [
        ("CREATE (:`a;b`)", "label `a;b`"),
        ("CREATE ({ls: ['a', 'b;c']})", "`;`"),
        ("CREATE ({ls: ['a', '']})", "an empty string"),
        ("CREATE ({ls: []})", "an empty list"),
        ("CREATE ()-[:R {ls: ['x;y']}]->()", "`;`"),
    ] {
        let db = Database::in_memory();
        db.execute(create, &Params::new()).unwrap();
        let dir = temp_dir("csv-refused");
        let out = dir.join("out");
        let e = export::write_csv(&out, &db.snapshot().unwrap()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TypeError, "{create}: {e}");
        assert!(e.message.contains(what), "{create}: {e}");
        assert!(e.message.contains("jsonl"), "{create}: {e}");
        assert!(!out.exists(), "{create}: nothing is written");
    }
}

// ----- bulk import --------------------------------------------------------------------

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn files(name: Option<&str>, p: &Path) -> CsvFiles {
    CsvFiles {
        name: name.map(str::to_string),
        paths: vec![p.to_path_buf()],
    }
}

#[test]
fn import_reads_the_neo4j_admin_header_convention() {
    let dir = temp_dir("header");
    let people = write(
        &dir,
        "people.csv",
        "\u{feff}id:ID,name,age:int,score:float,tags:string[],born:date,:LABEL\n\
         p1,\"Smith, Jo\",42,3,a;b,1990-01-02,Admin;Staff\n\
         p2,Ann,,1.5,,,\n",
    );
    let cities = write(&dir, "cities.csv", "id:ID(City),name\n1,Bamako\n");
    let knows = write(
        &dir,
        "knows.csv",
        ":START_ID,:END_ID,since:long\np1,p2,2020\n",
    );
    let lives = write(
        &dir,
        "lives.csv",
        ":START_ID,:END_ID(City),:TYPE\np1,1,LIVES_IN\np2,1,LIVES_IN\n",
    );
    let options = ImportOptions {
        nodes: vec![files(Some("Person"), &people), files(Some("City"), &cities)],
        relationships: vec![files(Some("KNOWS"), &knows), files(None, &lives)],
        ..ImportOptions::default()
    };
    let db = Database::in_memory();
    let report = db.import_csv(&options, &mut |_| {}).unwrap();
    assert_eq!((report.nodes, report.relationships), (3, 3));
    let rows = query(
        &db,
        "MATCH (p:Person {name: 'Smith, Jo'}) RETURN p.id, p.age, p.score, p.tags, p.born, labels(p)",
    );
    assert_eq!(rows[0][0], Value::from("p1"));
    assert_eq!(rows[0][1], Value::Int(42));
    assert_eq!(rows[0][2], Value::Float(3.0));
    assert_eq!(rows[0][3], Value::from(vec!["a", "b"]));
    assert_eq!(rows[0][4].to_string(), "1990-01-02");
    let mut labels: Vec<String> = match &rows[0][5] {
        Value::List(l) => l.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        other => panic!("{other:?}"),
    };
    labels.sort();
    assert_eq!(labels, ["Admin", "Person", "Staff"]);
    // Empty fields are absent properties.
    assert_eq!(
        query(&db, "MATCH (p {name: 'Ann'}) RETURN p.age")[0][0],
        Value::Null
    );
    assert_eq!(
        count(
            &db,
            "MATCH (:Person)-[:LIVES_IN]->(c:City {name: 'Bamako'}) RETURN count(c)"
        ),
        2
    );
    assert_eq!(count(&db, "MATCH ()-[k:KNOWS]->() RETURN k.since"), 2020);
    // Integer ids (neo4j-admin's --id-type=integer).
    let db = Database::in_memory();
    let options = ImportOptions {
        nodes: vec![files(Some("City"), &cities)],
        integer_ids: true,
        ..ImportOptions::default()
    };
    db.import_csv(&options, &mut |_| {}).unwrap();
    assert_eq!(
        query(&db, "MATCH (c:City) RETURN c.id")[0][0],
        Value::Int(1)
    );
}

/// Each bad input fails with its file and line, and leaves the database as it was.
#[test]
fn bad_import_input_changes_nothing() {
    let dir = temp_dir("bad");
    let nodes = write(&dir, "n.csv", "id:ID,age:int\na,1\nb,2\n");
    let cases: Vec<(&str, String, ErrorKind, &str)> = vec![
        (
            "fields.csv",
            "id:ID,age:int\nc,3\nd\n".into(),
            ErrorKind::ArgumentError,
            ":3:",
        ),
        (
            "type.csv",
            "id:ID,age:int\nc,3\nd,old\n".into(),
            ErrorKind::TypeError,
            ":3:",
        ),
        (
            "dup.csv",
            "id:ID\nc\na\n".into(),
            ErrorKind::ConstraintVerificationFailed,
            ":3:",
        ),
    ];
    for (name, text, kind, line) in cases {
        let db = Database::in_memory();
        db.execute("CREATE (:Before)", &Params::new()).unwrap();
        let bad = write(&dir, name, &text);
        let options = ImportOptions {
            nodes: vec![files(Some("N"), &nodes), files(Some("M"), &bad)],
            ..ImportOptions::default()
        };
        let e = db.import_csv(&options, &mut |_| {}).unwrap_err();
        assert_eq!(e.kind, kind, "{name}: {e}");
        assert!(e.message.contains(&format!("{name}{line}")), "{name}: {e}");
        assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 1, "{name}");
        // Skipping bad rows imports the rest and reports the bad one.
        let report = db
            .import_csv(
                &ImportOptions {
                    skip_bad_rows: true,
                    ..options
                },
                &mut |_| {},
            )
            .unwrap();
        assert_eq!(report.bad_rows, 1, "{name}");
        assert_eq!(report.first_bad_rows[0].line, 3, "{name}");
        assert_eq!(report.nodes, 3, "{name}");
    }
    // An unknown id in a relationship file.
    let db = Database::in_memory();
    let rels = write(&dir, "r.csv", ":START_ID,:END_ID\na,b\na,zz\n");
    let options = ImportOptions {
        nodes: vec![files(Some("N"), &nodes)],
        relationships: vec![files(Some("R"), &rels)],
        ..ImportOptions::default()
    };
    let e = db.import_csv(&options, &mut |_| {}).unwrap_err();
    assert_eq!(e.kind, ErrorKind::EntityNotFound, "{e}");
    assert!(
        e.message.contains("r.csv:3:") && e.message.contains("`zz`"),
        "{e}"
    );
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 0);
    // A file that does not exist.
    let options = ImportOptions {
        nodes: vec![files(None, &dir.join("missing.csv"))],
        ..ImportOptions::default()
    };
    let e = db.import_csv(&options, &mut |_| {}).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.contains("missing.csv"), "{e}");
    // JSON Lines: an unknown node id.
    let e = db
        .import_jsonl(
            "{\"type\":\"node\",\"id\":1}\n{\"type\":\"relationship\",\"label\":\"R\",\"start\":1,\"end\":2}\n"
                .as_bytes(),
            "g.jsonl",
            false,
        )
        .unwrap_err();
    assert!(e.message.starts_with("g.jsonl:2:"), "{e}");
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 0);
}

// ----- LOAD CSV -----------------------------------------------------------------------

#[test]
fn load_csv_rows_as_maps_and_lists() {
    let dir = temp_dir("load");
    write(
        &dir,
        "people.csv",
        "\u{feff}name;age;city\n\"Smith; Jo\";42;\nAnn;7;\"Bamako\nMali\"\n",
    );
    let db = Database::in_memory();
    db.set_csv_base(Some(dir.to_path_buf()));
    let r = db
        .execute(
            "LOAD CSV WITH HEADERS FROM 'people.csv' AS row FIELDTERMINATOR ';' \
             CREATE (p:P {name: row.name, age: toInteger(row.age), city: row.city}) RETURN count(p)",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows[0][0], Value::Int(2));
    let rows = query(
        &db,
        "MATCH (p:P) RETURN p.name, p.age, p.city ORDER BY p.age",
    );
    assert_eq!(
        rows[0],
        vec![
            Value::from("Ann"),
            Value::Int(7),
            Value::from("Bamako\nMali")
        ]
    );
    assert_eq!(
        rows[1],
        vec![Value::from("Smith; Jo"), Value::Int(42), Value::Null]
    );
    // Without headers: lists, the header line included; an absolute file:/// URL.
    let url = format!("file://{}", dir.join("people.csv").display());
    let rows = query(
        &db,
        &format!("LOAD CSV FROM '{url}' AS r FIELDTERMINATOR ';' RETURN r"),
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][0], Value::from(vec!["name", "age", "city"]));
    // MERGE and UNWIND batches.
    write(&dir, "edges.csv", "a,b\nx,y\ny,z\nx,z\n");
    db.execute(
        "LOAD CSV WITH HEADERS FROM 'edges.csv' AS row \
         MERGE (a:V {id: row.a}) MERGE (b:V {id: row.b}) CREATE (a)-[:E]->(b)",
        &Params::new(),
    )
    .unwrap();
    assert_eq!(count(&db, "MATCH (v:V) RETURN count(v)"), 3);
    assert_eq!(count(&db, "MATCH (:V)-[e:E]->(:V) RETURN count(e)"), 3);
    db.execute(
        "LOAD CSV FROM 'edges.csv' AS row WITH collect(row) AS rows \
         UNWIND rows AS r CREATE (:W {a: r[0]})",
        &Params::new(),
    )
    .unwrap();
    assert_eq!(count(&db, "MATCH (w:W) RETURN count(w)"), 4);
}

#[test]
fn load_csv_errors_name_file_and_line_and_roll_back() {
    let dir = temp_dir("load-bad");
    write(&dir, "bad.csv", "a,b\n1,2\n3,4\n5\n");
    let db = Database::in_memory();
    db.set_csv_base(Some(dir.to_path_buf()));
    let e = db
        .execute(
            "LOAD CSV WITH HEADERS FROM 'bad.csv' AS r CREATE (:X {a: r.a})",
            &Params::new(),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ArgumentError);
    assert!(e.message.contains("bad.csv:4:"), "{e}");
    assert_eq!(count(&db, "MATCH (n) RETURN count(n)"), 0, "rolled back");
    let e = db
        .execute("LOAD CSV FROM 'nothing.csv' AS r RETURN r", &Params::new())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.contains("nothing.csv"), "{e}");
    let e = db
        .execute(
            "LOAD CSV FROM 'https://example.org/a.csv' AS r RETURN r",
            &Params::new(),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
}

/// A file far larger than what LOAD CSV needs at once still loads: the operator and the
/// CREATE it feeds take one row at a time (the rows are counted, not returned).
#[test]
fn load_csv_streams_into_create() {
    let dir = temp_dir("stream");
    let mut text = String::from("i\n");
    for i in 0..20_000 {
        text.push_str(&format!("{i}\n"));
    }
    write(&dir, "many.csv", &text);
    let db = Database::in_memory();
    db.set_csv_base(Some(dir.to_path_buf()));
    let r = db
        .execute(
            "EXPLAIN LOAD CSV WITH HEADERS FROM 'many.csv' AS row CREATE (:N {i: toInteger(row.i)})",
            &Params::new(),
        )
        .unwrap();
    assert!(r.plan.unwrap().contains("LoadCsv"));
    db.execute(
        "LOAD CSV WITH HEADERS FROM 'many.csv' AS row CREATE (:N {i: toInteger(row.i)})",
        &Params::new(),
    )
    .unwrap();
    assert_eq!(
        count(&db, "MATCH (n:N) RETURN sum(n.i)"),
        (0..20_000).sum::<i64>()
    );
}

// ----- export of a query result, GraphML and DOT checked by real tools -------------------

#[test]
fn export_of_a_query_result_holds_what_the_rows_mention() {
    let db = aes();
    let r = db
        .execute(
            "MATCH (c:Country)-[m:MEMBER_OF]->(o) RETURN m",
            &Params::new(),
        )
        .unwrap();
    let g = GraphData::from_result(&r);
    assert_eq!(g.relationships.len(), 3);
    assert_eq!(g.nodes.len(), 4, "the three members and the AES");
    let mut out = Vec::new();
    export::write(ExportFormat::Jsonl, &mut out, &g).unwrap();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 7);
}

/// The first of `candidates` that runs with `args` and exits 0, or a SKIP message.
fn tool(candidates: &[&str], args: &[&str]) -> Option<String> {
    for c in candidates {
        let ok = Command::new(c)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(c.to_string());
        }
    }
    None
}

#[test]
fn networkx_reads_the_graphml_export() {
    let Some(python) = tool(&["python3", "python"], &["-c", "import networkx"]) else {
        eprintln!("SKIP networkx_reads_the_graphml_export: python3 with networkx not found (pip install networkx)");
        return;
    };
    let db = aes();
    let dir = temp_dir("graphml");
    let path = dir.join("aes.graphml");
    let mut out = Vec::new();
    export::write_graphml(&mut out, &db.snapshot().unwrap()).unwrap();
    std::fs::write(&path, out).unwrap();
    let script = "
import sys, json, networkx as nx
g = nx.read_graphml(sys.argv[1])
labels = sorted({d['labels'] for _, d in g.nodes(data=True)})
types = sorted({d['label'] for _, _, d in g.edges(data=True)})
aes = [d for _, d in g.nodes(data=True) if d.get('key') == 'AES'][0]
print(json.dumps([g.number_of_nodes(), g.number_of_edges(), labels, types, aes['name'], aes['founding_members']]))
";
    let o = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let schema = db.schema().unwrap();
    let labels: Vec<String> = schema.labels.iter().map(|(l, _)| format!(":{l}")).collect();
    let types: Vec<String> = schema
        .relationship_types
        .iter()
        .map(|(t, _)| t.clone())
        .collect();
    assert_eq!(got[0], 29);
    assert_eq!(got[1], 67);
    assert_eq!(got[2], serde_json::json!(labels));
    assert_eq!(got[3], serde_json::json!(types));
    assert_eq!(got[4], "Confederation of Sahel States");
    assert_eq!(got[5], 3, "integers stay integers");
}

#[test]
fn graphviz_accepts_the_dot_export() {
    if tool(&["dot"], &["-V"]).is_none() {
        eprintln!(
            "SKIP graphviz_accepts_the_dot_export: `dot` not found (apt-get install graphviz)"
        );
        return;
    }
    for db in [aes(), tricky()] {
        let dir = temp_dir("dot");
        let path = dir.join("g.dot");
        let mut out = Vec::new();
        export::write_dot(&mut out, &db.snapshot().unwrap()).unwrap();
        std::fs::write(&path, out).unwrap();
        let o = Command::new("dot")
            .arg("-Tsvg")
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let svg = String::from_utf8_lossy(&o.stdout);
        assert!(svg.contains("<svg"), "{svg}");
    }
}

/// A string repeated down a column is one allocation shared by the records that hold it
/// (names and categories make up much of an imported graph); the values read back equal
/// the text of each field.
#[test]
fn imported_strings_repeated_in_a_column_share_one_allocation() {
    let dir = temp_dir("shared-strings");
    let mut text = String::from("id:ID,name,gender,:LABEL\n");
    for i in 0..300 {
        let gender = ["female", "male", ""][i % 3];
        text.push_str(&format!("p{i},name {},{gender},Person\n", i % 7));
    }
    let people = write(&dir, "people.csv", &text);
    let options = ImportOptions {
        nodes: vec![files(None, &people)],
        ..ImportOptions::default()
    };
    let db = Database::in_memory();
    db.import_csv(&options, &mut |_| {}).unwrap();
    let rows = query(
        &db,
        "MATCH (p:Person) RETURN p.id, p.name, p.gender ORDER BY p.id",
    );
    assert_eq!(rows.len(), 300);
    let string = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let mut first_of: std::collections::HashMap<String, std::sync::Arc<str>> = Default::default();
    for row in &rows {
        let id = row[0].as_str().unwrap();
        let i: usize = id[1..].parse().unwrap();
        assert_eq!(row[1], Value::from(format!("name {}", i % 7)));
        match ["female", "male", ""][i % 3] {
            "" => assert_eq!(row[2], Value::Null),
            g => assert_eq!(row[2], Value::from(g)),
        }
        for v in &row[1..] {
            if let Some(s) = string(v) {
                let first = first_of.entry(s.to_string()).or_insert_with(|| s.clone());
                assert!(std::sync::Arc::ptr_eq(first, &s), "{s} is held twice");
            }
        }
    }
    assert_eq!(first_of.len(), 7 + 2);
}
