//! The public facade: [`Database`], [`Transaction`], [`QueryResult`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock, RwLockWriteGuard};

mod limits;
pub use limits::{CancelHandle, ExecuteOptions, QueryLimits, DEFAULT_MAX_ROWS};

use crate::ast::StatementKind;
use crate::error::{Error, ErrorKind, Result};
pub use crate::exec::ArgType;
use crate::exec::{self, Cx, GraphAccess, Limits, ProcedureDef};
use crate::graph::{Graph, UndoLog};
use crate::plan::planner::{Catalog, IndexStats, Planner};
use crate::plan::QueryPlan;
use crate::storage::Store;
use crate::value::{NodeId, RelId, Rows, Value};

mod schema;

/// Query parameters by name (without the `$`).
pub type Params = BTreeMap<String, Value>;

pub use crate::exec::WriteStats;

/// A node as it was when the statement finished (or when it was deleted by it).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    pub id: NodeId,
    pub labels: Vec<String>,
    pub key: Option<String>,
    pub properties: BTreeMap<String, Value>,
}

/// A relationship as it was when the statement finished (or when it was deleted by it).
#[derive(Debug, Clone, PartialEq)]
pub struct RelData {
    pub id: RelId,
    pub rel_type: String,
    pub start: NodeId,
    pub end: NodeId,
    pub properties: BTreeMap<String, Value>,
}

impl NodeData {
    /// The node `id`, whose record is `rec`, with its names spelled out.
    pub(crate) fn of(g: &Graph, id: NodeId, rec: &crate::graph::NodeRec) -> NodeData {
        NodeData {
            id,
            labels: rec
                .labels
                .iter()
                .map(|l| g.syms.name_str(*l).to_owned())
                .collect(),
            key: g.key_of(id).map(|k| String::from(k.as_ref())),
            properties: g.props_map(&rec.props),
        }
    }
}

impl RelData {
    /// The relationship `id` from `start` to `end`, whose record is `rec`.
    pub(crate) fn of(
        g: &Graph,
        id: RelId,
        start: NodeId,
        end: NodeId,
        rec: &crate::graph::RelRec,
    ) -> RelData {
        RelData {
            id,
            rel_type: g.syms.name_str(rec.ty()).to_owned(),
            start,
            end,
            properties: g.props_map(g.rel_props(id)),
        }
    }
}

/// What a database holds, by name: for introspection tools and shell completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Labels in use, with their node counts, by name.
    pub labels: Vec<(String, usize)>,
    /// Relationship types in use, with their counts, by name.
    pub relationship_types: Vec<(String, u64)>,
    /// Every property key ever written, by name.
    pub property_keys: Vec<String>,
    pub nodes: usize,
    pub relationships: usize,
}

/// The outcome of one statement: columns, rows, write statistics and the entities the rows
/// mention.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub columns: Arc<[String]>,
    /// The rows, each as many values as there are columns, in column order.
    pub rows: Rows,
    pub stats: WriteStats,
    /// The plan, for EXPLAIN and PROFILE.
    pub plan: Option<String>,
    pub(crate) nodes: HashMap<NodeId, NodeData>,
    pub(crate) rels: HashMap<RelId, RelData>,
}

impl QueryResult {
    /// The node `id` as the rows see it.
    pub fn node(&self, id: NodeId) -> Option<&NodeData> {
        self.nodes.get(&id)
    }

    /// The relationship `id` as the rows see it.
    pub fn relationship(&self, id: RelId) -> Option<&RelData> {
        self.rels.get(&id)
    }
}

/// An embedded graph database.
///
/// `Database` is `Send + Sync`: statements that only read run side by side; a writing
/// statement or an explicit transaction has the graph to itself.
///
/// ```
/// use baobab::{Database, Params, Value};
///
/// let db = Database::in_memory();
/// db.execute("CREATE (:Country {name: 'Mali'})", &Params::new())?;
/// let r = db.execute("MATCH (c:Country) RETURN c.name AS name", &Params::new())?;
/// assert_eq!(r.columns[..], ["name"]);
/// assert_eq!(r.rows, vec![vec![Value::from("Mali")]]);
/// # Ok::<(), baobab::Error>(())
/// ```
pub struct Database {
    graph: RwLock<Graph>,
    /// What statements run with besides the graph, behind one lock: a statement reads it
    /// once. Locked only while a lock of the graph is held, never the other way round
    /// (decision 0020); its write lock waits for running statements.
    settings: RwLock<Settings>,
    /// The file behind the database, if any. Locked only while the graph's write lock is
    /// held (or on a path that holds no graph lock at all).
    store: Option<Mutex<Store>>,
    warnings: Mutex<Vec<String>>,
    /// Plans of recent queries by text (see [`Database::prepare_cached`]).
    plans: TextCache<CachedPlan>,
}

/// A database's procedures, default limits and LOAD CSV folder.
struct Settings {
    procedures: HashMap<String, ProcedureDef>,
    limits: QueryLimits,
    /// Where LOAD CSV resolves relative paths (`None`: the process's current folder).
    csv_base: Option<std::path::PathBuf>,
}

/// Values kept by query text, at most `capacity` of them (the cache starts over when
/// full): parsed statements and plans.
struct TextCache<V> {
    map: Mutex<HashMap<String, V, foldhash::fast::RandomState>>,
    capacity: usize,
}

impl<V: Clone> TextCache<V> {
    fn new(capacity: usize) -> TextCache<V> {
        TextCache {
            map: Mutex::new(HashMap::default()),
            capacity,
        }
    }

    fn get(&self, text: &str) -> Option<V> {
        self.map.lock().ok()?.get(text).cloned()
    }

    fn insert(&self, text: &str, value: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= self.capacity {
                map.clear();
            }
            map.insert(text.to_string(), value);
        }
    }

    fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

/// A plan kept for its query text, and the store as it was when it was made.
#[derive(Clone)]
struct CachedPlan {
    plan: Arc<QueryPlan>,
    stamp: PlanStamp,
}

/// What a plan's choices rest on: the indexes and constraints, the names the store knows,
/// and its size.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PlanStamp {
    schema: u64,
    names: usize,
    nodes: usize,
    relationships: usize,
}

impl PlanStamp {
    fn of(g: &Graph) -> PlanStamp {
        PlanStamp {
            schema: g.schema_generation(),
            names: g.syms.names().len(),
            nodes: g.node_count(),
            relationships: g.rel_count(),
        }
    }

    /// Whether a plan made at `self` still suits a store at `now`: the same schema and
    /// names, and sizes within a factor of two (costs move with the data, answers do not).
    fn suits(&self, now: &PlanStamp) -> bool {
        let near = |a: usize, b: usize| a <= 2 * b + 16 && b <= 2 * a + 16;
        self.schema == now.schema
            && self.names == now.names
            && near(self.nodes, now.nodes)
            && near(self.relationships, now.relationships)
    }
}

/// Query texts whose plans a database keeps (the cache starts over when full).
const PLAN_CACHE: usize = 256;

impl Drop for Database {
    /// Checkpoints a file database whose log holds records; failures are ignored here (use
    /// [`Database::close`] to see them).
    fn drop(&mut self) {
        let _ = self.close_store();
    }
}

impl Default for Database {
    fn default() -> Self {
        Database::in_memory()
    }
}

struct DbCatalog<'a> {
    graph: &'a Graph,
    procedures: &'a HashMap<String, ProcedureDef>,
}

impl Catalog for DbCatalog<'_> {
    fn label_count(&self, label: &str) -> usize {
        self.graph
            .syms
            .get(label)
            .map_or(0, |l| self.graph.label_count(l))
    }
    fn node_count(&self) -> usize {
        self.graph.node_count()
    }
    fn symbol(&self, name: &str) -> Option<crate::graph::Sym> {
        self.graph.syms.get(name)
    }
    fn procedure_outputs(&self, name: &str) -> Option<(usize, Vec<String>)> {
        self.procedures
            .get(name)
            .map(|p| (p.inputs.len(), p.outputs.clone()))
    }
    fn indexes(&self, label: &str) -> Vec<IndexStats> {
        self.graph
            .indexes_on(label)
            .into_iter()
            .map(|(d, keys)| IndexStats {
                unique: d.kind == crate::graph::SchemaKind::Unique,
                props: d.properties.clone(),
                keys,
            })
            .collect()
    }
    fn rel_count(&self, from: Option<&str>, types: &[Arc<str>], to: Option<&str>) -> u64 {
        let g = self.graph;
        let label = |l: Option<&str>| match l {
            None => Some(crate::graph::ANY_LABEL),
            Some(l) => g.syms.get(l),
        };
        let (Some(from), Some(to)) = (label(from), label(to)) else {
            return 0;
        };
        if types.is_empty() {
            return g
                .type_counts()
                .into_iter()
                .map(|(t, _)| g.triple_count(from, t, to))
                .sum();
        }
        types
            .iter()
            .filter_map(|t| g.syms.get(t))
            .map(|t| g.triple_count(from, t, to))
            .sum()
    }
}

thread_local! {
    /// The databases (by address) whose write lock this thread holds through an open
    /// [`Transaction`]. A `Transaction` cannot leave its thread (its lock guard is not
    /// `Send`), so a thread-local list is exact.
    static IN_TRANSACTION: std::cell::RefCell<Vec<usize>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Marks the database as locked by this thread's open transaction while it lives.
struct HeldMark(usize);

impl HeldMark {
    fn new(db: &Database) -> HeldMark {
        let at = std::ptr::from_ref(db) as usize;
        IN_TRANSACTION.with(|held| held.borrow_mut().push(at));
        HeldMark(at)
    }
}

impl Drop for HeldMark {
    fn drop(&mut self) {
        IN_TRANSACTION.with(|held| {
            let mut held = held.borrow_mut();
            if let Some(i) = held.iter().position(|a| *a == self.0) {
                held.swap_remove(i);
            }
        });
    }
}

fn poisoned() -> Error {
    Error::internal("a previous panic left the database lock poisoned")
}

/// Parsed statements by query text, so that a statement run again (the common case in
/// programs and scripts) skips the parser. Bounded: emptied when full.
static PARSED: std::sync::LazyLock<TextCache<Arc<crate::ast::Statement>>> =
    std::sync::LazyLock::new(|| TextCache::new(512));

/// One parsed statement, ready to plan.
fn parse_one(query: &str) -> Result<Arc<crate::ast::Statement>> {
    if let Some(stmt) = PARSED.get(query) {
        return Ok(stmt);
    }
    let stmt = Arc::new(parse_uncached(query)?);
    PARSED.insert(query, stmt.clone());
    Ok(stmt)
}

fn parse_uncached(query: &str) -> Result<crate::ast::Statement> {
    let mut stmts = crate::syntax::parse(query).map_err(|e| e.locate(query))?;
    if let Some(second) = stmts.get(1) {
        return Err(Error::new(
            ErrorKind::SyntaxError,
            "execute runs one statement; split the script at `;` and run each",
        )
        .with_detail(crate::error::detail::UNEXPECTED_SYNTAX)
        .with_span(second.span)
        .locate(query));
    }
    stmts.pop().ok_or_else(|| {
        Error::new(ErrorKind::SyntaxError, "the query is empty")
            .with_detail(crate::error::detail::UNEXPECTED_SYNTAX)
    })
}

/// What a statement asks for.
enum Action {
    Run(Arc<QueryPlan>, bool),
    /// An index or constraint statement (or SHOW of them).
    Schema(StatementKind),
    Explain(Box<QueryPlan>),
    Begin,
    Commit,
    Rollback,
    Checkpoint,
}

/// What a statement runs.
enum Runnable {
    /// A plan with its PROFILE flag.
    Plan(Arc<QueryPlan>, bool),
    Schema(StatementKind),
}

/// Work to run, or the finished result of a statement that runs nothing.
type Prepared = std::result::Result<Runnable, QueryResult>;

impl Action {
    /// Settles what needs no plan run; `session_hint` explains why BEGIN/COMMIT/ROLLBACK
    /// are refused here.
    fn prepared(self, session_hint: &str) -> Result<Prepared> {
        match self {
            Action::Run(plan, profile) => Ok(Ok(Runnable::Plan(plan, profile))),
            Action::Schema(s) => Ok(Ok(Runnable::Schema(s))),
            Action::Explain(plan) => Ok(Err(explain_result(&plan))),
            Action::Checkpoint => Ok(Err(QueryResult::default())),
            Action::Begin | Action::Commit | Action::Rollback => Err(Error::new(
                ErrorKind::TransactionError,
                session_hint.to_string(),
            )),
        }
    }
}

/// When a committed write reaches the disk; see `docs/storage.md`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SyncMode {
    /// fsync the log before a commit returns: nothing acknowledged is lost, even on power loss.
    #[default]
    Full,
    /// Write the log at each commit, fsync only at checkpoints: a crash of the process loses
    /// nothing, a crash of the machine may lose the commits since the last checkpoint.
    Normal,
    /// Never fsync: a crash of the machine may lose or damage recent work.
    Off,
}

/// How [`Database::open_with`] opens a database file.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub sync: SyncMode,
    /// Refuse writes; share the file with other read-only openers.
    pub read_only: bool,
    /// Checkpoint automatically once the log is larger than this many bytes.
    pub checkpoint_bytes: u64,
    /// Checkpoint when the database is dropped or closed (otherwise the next open replays
    /// the log).
    pub checkpoint_on_close: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            sync: SyncMode::Full,
            read_only: false,
            checkpoint_bytes: 64 << 20,
            checkpoint_on_close: true,
        }
    }
}

impl Database {
    /// Opens the database in the file `path` (and its log `path-wal` beside it), creating
    /// it when missing.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Database> {
        Database::open_with(path, &OpenOptions::default())
    }

    /// Opens an existing database file for reading only.
    pub fn open_read_only(path: impl AsRef<std::path::Path>) -> Result<Database> {
        let options = OpenOptions {
            read_only: true,
            ..OpenOptions::default()
        };
        Database::open_with(path, &options)
    }

    /// Opens a database file with explicit options.
    ///
    /// ```
    /// use baobab::{Database, Params, Value};
    ///
    /// let dir = std::env::temp_dir().join(format!("baobab-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("aes.baobab");
    /// {
    ///     let db = Database::open(&path)?;
    ///     db.execute("CREATE (:Country {name: 'Niger'})", &Params::new())?;
    /// } // closed: checkpointed
    /// let db = Database::open_read_only(&path)?;
    /// let r = db.execute("MATCH (c:Country) RETURN c.name", &Params::new())?;
    /// assert_eq!(r.rows, vec![vec![Value::from("Niger")]]);
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(path: impl AsRef<std::path::Path>, options: &OpenOptions) -> Result<Database> {
        let opened = Store::open(path.as_ref(), options)?;
        let mut db = Database::with_graph(opened.graph);
        db.store = Some(Mutex::new(opened.store));
        db.warnings = Mutex::new(opened.warnings);
        Ok(db)
    }

    /// Writes a snapshot of the whole graph and empties the log (a no-op in memory or
    /// read-only).
    pub fn checkpoint(&self) -> Result<()> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let mut g = self.lock_write()?;
        let mut store = store.lock().map_err(|_| poisoned())?;
        store.checkpoint(&mut g)
    }

    /// Writes the whole graph as a new database file at `path`, leaving this database as it
    /// is (for a file database, `path` is another file).
    pub fn save_as(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        if let Some(store) = &self.store {
            let same = store.lock().map_err(|_| poisoned())?.path() == path;
            if same {
                return self.checkpoint();
            }
        }
        let g = self.lock_read()?;
        crate::storage::save_as(path, &g)
    }

    /// Checkpoints a file database and closes it, reporting any failure (dropping a
    /// `Database` does the same but can only ignore failures).
    pub fn close(mut self) -> Result<()> {
        let result = self.close_store();
        self.store = None;
        result
    }

    fn close_store(&mut self) -> Result<()> {
        let Some(store) = &mut self.store else {
            return Ok(());
        };
        let store = store.get_mut().map_err(|_| poisoned())?;
        if store.read_only() || !store.has_log() || !store.checkpoint_on_close() {
            return Ok(());
        }
        let g = self.graph.get_mut().map_err(|_| poisoned())?;
        store.checkpoint(g)
    }

    /// The file behind this database, if any.
    pub fn path(&self) -> Option<std::path::PathBuf> {
        let store = self.store.as_ref()?;
        let store = store.lock().ok()?;
        Some(store.path().to_path_buf())
    }

    /// Messages about what opening the file had to repair (e.g. a torn last log record),
    /// and about automatic checkpoints that failed.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.lock().map(|w| w.clone()).unwrap_or_default()
    }

    /// Makes a write transaction durable and visible, or rolls it back when it cannot be
    /// logged. Called with the graph's write lock held.
    fn finish_write(&self, g: &mut Graph, undo: &mut UndoLog) -> Result<()> {
        let Some(store) = &self.store else {
            g.purge(undo);
            return Ok(());
        };
        let mut store = store.lock().map_err(|_| poisoned())?;
        if let Err(e) = store.commit(g, undo) {
            g.rollback(undo);
            return Err(e);
        }
        g.purge(undo);
        if store.wants_checkpoint() {
            if let Err(e) = store.checkpoint(g) {
                if let Ok(mut w) = self.warnings.lock() {
                    w.push(format!("automatic checkpoint failed: {}", e.message));
                }
            }
        }
        Ok(())
    }

    /// A new empty database held in memory.
    pub fn in_memory() -> Database {
        Database::with_graph(Graph::new())
    }

    /// An in-memory database holding `graph`.
    pub(crate) fn with_graph(graph: Graph) -> Database {
        Database {
            graph: RwLock::new(graph),
            settings: RwLock::new(Settings {
                procedures: HashMap::new(),
                limits: QueryLimits::default(),
                csv_base: None,
            }),
            store: None,
            warnings: Mutex::new(Vec::new()),
            plans: TextCache::new(PLAN_CACHE),
        }
    }

    /// Sets the limits of every later statement that does not set its own.
    pub fn set_default_limits(&self, limits: QueryLimits) {
        if let Ok(mut s) = self.settings.write() {
            s.limits = limits;
        }
    }

    /// The limits statements run under by default.
    pub fn default_limits(&self) -> QueryLimits {
        self.settings.read().map(|s| s.limits).unwrap_or_default()
    }

    /// Sets the folder that LOAD CSV resolves relative paths against (`None`: the
    /// process's current folder). `file:///abs/path` and absolute paths are not affected.
    pub fn set_csv_base(&self, dir: Option<std::path::PathBuf>) {
        if let Ok(mut s) = self.settings.write() {
            s.csv_base = dir;
        }
    }

    /// The settings, read-locked. Called with a lock of the graph held (decision 0020).
    fn settings(&self) -> Result<std::sync::RwLockReadGuard<'_, Settings>> {
        self.settings.read().map_err(|_| poisoned())
    }

    /// Runs `f` with the graph locked for writing, for bulk loaders that bypass Cypher and
    /// the log: `f` undoes its own writes when it fails; when it succeeds, a file database
    /// is checkpointed so that the snapshot holds what `f` wrote.
    pub(crate) fn with_graph_mut<T>(&self, f: impl FnOnce(&mut Graph) -> Result<T>) -> Result<T> {
        let mut g = self.lock_write()?;
        if let Some(store) = &self.store {
            store.lock().map_err(|_| poisoned())?.check_writable()?;
        }
        let out = f(&mut g)?;
        if let Some(store) = &self.store {
            let mut store = store.lock().map_err(|_| poisoned())?;
            store.checkpoint(&mut g)?;
        }
        Ok(out)
    }

    /// Runs `f` with the graph locked for reading (dump and export).
    pub(crate) fn read_graph<T>(&self, f: impl FnOnce(&Graph) -> T) -> Result<T> {
        let g = self.lock_read()?;
        Ok(f(&g))
    }

    /// Registers a procedure for `CALL name(args) YIELD ...`: `inputs` is the number of
    /// arguments, `outputs` the names of the fields each returned row holds, in order.
    ///
    /// ```
    /// use baobab::{Database, Params, Value};
    ///
    /// let db = Database::in_memory();
    /// db.register_procedure("my.double", 1, &["out"], |args| {
    ///     Ok(vec![vec![Value::Int(args[0].as_int().unwrap_or(0) * 2)]])
    /// });
    /// let r = db.execute("CALL my.double(21) YIELD out RETURN out", &Params::new())?;
    /// assert_eq!(r.rows, vec![vec![Value::Int(42)]]);
    /// # Ok::<(), baobab::Error>(())
    /// ```
    pub fn register_procedure(
        &self,
        name: &str,
        inputs: usize,
        outputs: &[&str],
        body: impl Fn(&[Value]) -> Result<Vec<Vec<Value>>> + Send + Sync + 'static,
    ) {
        let names: Vec<String> = (1..=inputs).map(|i| format!("arg{i}")).collect();
        let typed: Vec<(&str, ArgType)> =
            names.iter().map(|n| (n.as_str(), ArgType::Any)).collect();
        self.register_typed_procedure(name, &typed, outputs, body);
    }

    /// [`Database::register_procedure`] with a name and a type for each argument. A call
    /// passing a value of another type fails with a `TypeError` naming the argument, before
    /// the body runs; an INTEGER passed for a FLOAT arrives as that FLOAT. Null passes any
    /// type.
    ///
    /// ```
    /// use baobab::{ArgType, Database, ErrorKind, Params, Value};
    ///
    /// let db = Database::in_memory();
    /// db.register_typed_procedure("my.half", &[("x", ArgType::Float)], &["half"], |args| {
    ///     let x = match args[0] {
    ///         Value::Float(x) => x,
    ///         _ => 0.0,
    ///     };
    ///     Ok(vec![vec![Value::Float(x / 2.0)]])
    /// });
    /// let r = db.execute("CALL my.half(3) YIELD half RETURN half", &Params::new())?;
    /// assert_eq!(r.rows, vec![vec![Value::Float(1.5)]]);
    /// let e = db.execute("CALL my.half('3')", &Params::new()).unwrap_err();
    /// assert_eq!(e.kind, ErrorKind::TypeError);
    /// # Ok::<(), baobab::Error>(())
    /// ```
    pub fn register_typed_procedure(
        &self,
        name: &str,
        inputs: &[(&str, ArgType)],
        outputs: &[&str],
        body: impl Fn(&[Value]) -> Result<Vec<Vec<Value>>> + Send + Sync + 'static,
    ) {
        if let Ok(mut s) = self.settings.write() {
            s.procedures.insert(
                name.to_string(),
                ProcedureDef {
                    inputs: inputs.iter().map(|(n, t)| (n.to_string(), *t)).collect(),
                    outputs: outputs.iter().map(|s| s.to_string()).collect(),
                    body: Arc::new(body),
                },
            );
        }
        // After the new procedure is in: a plan made before it may be kept meanwhile.
        self.plans.clear();
    }

    /// [`Database::prepare`], reusing the plan made for the same text while the store's
    /// schema, names and rough size are unchanged. Plans already run against a store that
    /// may have changed since they were made (a write is planned under the read lock), so
    /// they check what they rely on when they run: an index gone means a scan, a name
    /// unknown at planning is looked up by name.
    fn prepare_cached(
        &self,
        graph: &Graph,
        procedures: &HashMap<String, ProcedureDef>,
        query: &str,
    ) -> Result<Action> {
        let stamp = PlanStamp::of(graph);
        let cached = self.plans.get(query).filter(|c| c.stamp.suits(&stamp));
        if let Some(cached) = cached {
            return Ok(Action::Run(cached.plan, false));
        }
        let action = Self::prepare(graph, procedures, query)?;
        if let Action::Run(plan, false) = &action {
            let plan = plan.clone();
            self.plans.insert(query, CachedPlan { plan, stamp });
        }
        Ok(action)
    }

    fn prepare(
        graph: &Graph,
        procedures: &HashMap<String, ProcedureDef>,
        query: &str,
    ) -> Result<Action> {
        let stmt = parse_one(query)?;
        let catalog = DbCatalog { graph, procedures };
        let plan = |q: &crate::ast::Query| {
            Planner::new(query, &catalog)
                .plan_query(q)
                .map_err(|e| e.locate(query))
        };
        Ok(match &stmt.kind {
            StatementKind::Query(q) => Action::Run(Arc::new(plan(q)?), false),
            StatementKind::Explain(inner) | StatementKind::Profile(inner) => {
                let profile = matches!(stmt.kind, StatementKind::Profile(_));
                match &inner.kind {
                    StatementKind::Query(q) => {
                        let p = plan(q)?;
                        if profile {
                            Action::Run(Arc::new(p), true)
                        } else {
                            Action::Explain(Box::new(p))
                        }
                    }
                    _ => {
                        return Err(Error::new(
                            ErrorKind::SyntaxError,
                            "EXPLAIN and PROFILE apply to queries",
                        )
                        .with_span(stmt.span)
                        .locate(query))
                    }
                }
            }
            StatementKind::Begin => Action::Begin,
            StatementKind::Commit => Action::Commit,
            StatementKind::Rollback => Action::Rollback,
            StatementKind::Checkpoint => Action::Checkpoint,
            schema_stmt => Action::Schema(schema_stmt.clone()),
        })
    }

    /// Runs one statement (a trailing `;` is allowed) as its own transaction: it either
    /// applies completely or not at all.
    pub fn execute(&self, query: &str, params: &Params) -> Result<QueryResult> {
        self.execute_with(query, params, &ExecuteOptions::default())
    }

    /// [`Database::execute`] with a time limit, a row limit or a cancel handle. A statement
    /// stopped by one of them fails with `Timeout`, `ResourceLimit` or `Cancelled` and
    /// changes nothing.
    pub fn execute_with(
        &self,
        query: &str,
        params: &Params,
        options: &ExecuteOptions,
    ) -> Result<QueryResult> {
        // Plan under a read lock; a read-only plan also runs under it.
        let work = {
            let g = self.lock_read()?;
            let settings = self.settings()?;
            let action = self.prepare_cached(&g, &settings.procedures, query)?;
            if matches!(action, Action::Checkpoint) {
                drop(settings);
                drop(g);
                self.checkpoint()?;
                return Ok(QueryResult::default());
            }
            let hint = "BEGIN, COMMIT and ROLLBACK need a session: use Database::begin or a script";
            match action.prepared(hint)? {
                Ok(Runnable::Plan(plan, profile)) if !plan.writes => {
                    let mut undo = UndoLog::new();
                    let run = Run {
                        params,
                        settings: &settings,
                        profile,
                        query,
                        limits: options.resolve(&settings.limits),
                    };
                    return run.plan(GraphAccess::Read(&g), &mut undo, &plan);
                }
                Ok(Runnable::Schema(s)) => match schema::show(&g, &s) {
                    Some(shown) => return Ok(shown),
                    None => Runnable::Schema(s),
                },
                Ok(work) => work,
                Err(done) => return Ok(done),
            }
        };
        let mut g = self.lock_write()?;
        let mut undo = UndoLog::new();
        let r = match &work {
            Runnable::Plan(plan, profile) => {
                let settings = self.settings()?;
                Run {
                    params,
                    settings: &settings,
                    profile: *profile,
                    query,
                    limits: options.resolve(&settings.limits),
                }
                .plan(GraphAccess::Write(&mut g), &mut undo, plan)
            }
            Runnable::Schema(s) => schema::run(&mut g, s, &mut undo).map_err(|e| e.locate(query)),
        };
        match r {
            Ok(result) => {
                self.finish_write(&mut g, &mut undo)?;
                Ok(result)
            }
            Err(e) => {
                g.rollback(&mut undo);
                Err(e)
            }
        }
    }

    /// The labels, relationship types and property keys of the database, read from its
    /// indexes and counters (no scan).
    ///
    /// ```
    /// use baobab::{Database, Params};
    ///
    /// let db = Database::in_memory();
    /// db.execute("CREATE (:Country {name: 'Mali'})-[:MEMBER_OF]->(:Organization)", &Params::new())?;
    /// let schema = db.schema()?;
    /// assert_eq!(schema.labels, vec![("Country".to_string(), 1), ("Organization".to_string(), 1)]);
    /// assert_eq!(schema.relationship_types, vec![("MEMBER_OF".to_string(), 1)]);
    /// assert_eq!(schema.property_keys, vec!["name".to_string()]);
    /// # Ok::<(), baobab::Error>(())
    /// ```
    pub fn schema(&self) -> Result<Schema> {
        let g = self.lock_read()?;
        let name = |s| g.syms.name_str(s).to_owned();
        let mut schema = Schema {
            labels: g
                .label_counts()
                .into_iter()
                .map(|(l, c)| (name(l), c))
                .collect(),
            relationship_types: g
                .type_counts()
                .into_iter()
                .map(|(t, c)| (name(t), c))
                .collect(),
            property_keys: g.property_keys().map(name).collect(),
            nodes: g.node_count(),
            relationships: g.rel_count(),
        };
        schema.labels.sort();
        schema.relationship_types.sort();
        schema.property_keys.sort();
        Ok(schema)
    }

    /// Starts an explicit transaction. It holds the database for writing until it is
    /// committed, rolled back or dropped (dropping rolls back).
    ///
    /// ```
    /// use baobab::{Database, Params};
    ///
    /// let db = Database::in_memory();
    /// let mut tx = db.begin()?;
    /// tx.execute("CREATE (:A)", &Params::new())?;
    /// tx.rollback()?;
    /// let r = db.execute("MATCH (n) RETURN count(n) AS c", &Params::new())?;
    /// assert_eq!(r.rows[0][0].as_int(), Some(0));
    /// # Ok::<(), baobab::Error>(())
    /// ```
    pub fn begin(&self) -> Result<Transaction<'_>> {
        let guard = self.lock_write()?;
        Ok(Transaction {
            db: self,
            graph: Some(guard),
            undo: UndoLog::new(),
            failed: false,
            _held: HeldMark::new(self),
        })
    }

    /// The graph, locked for reading: see [`Database::not_in_own_transaction`].
    fn lock_read(&self) -> Result<std::sync::RwLockReadGuard<'_, Graph>> {
        self.not_in_own_transaction()?;
        self.graph.read().map_err(|_| poisoned())
    }

    /// The graph, locked for writing: see [`Database::not_in_own_transaction`].
    fn lock_write(&self) -> Result<RwLockWriteGuard<'_, Graph>> {
        self.not_in_own_transaction()?;
        self.graph.write().map_err(|_| poisoned())
    }

    /// Refuses work that needs the database's lock on a thread whose open transaction
    /// holds it: waiting for the lock would wait forever. Every lock of the graph outside
    /// a transaction goes through [`Database::lock_read`] or [`Database::lock_write`].
    fn not_in_own_transaction(&self) -> Result<()> {
        let at = std::ptr::from_ref(self) as usize;
        if IN_TRANSACTION.with(|held| held.borrow().contains(&at)) {
            return Err(Error::new(
                ErrorKind::TransactionError,
                "this thread has a transaction open on this database: run the statement \
                 through it (Transaction::execute), or commit or roll it back first",
            ));
        }
        Ok(())
    }
}

fn explain_result(plan: &QueryPlan) -> QueryResult {
    let text = plan.root.explain();
    QueryResult {
        columns: vec!["plan".to_string()].into(),
        rows: Rows::from_vecs(1, vec![vec![Value::String(text.as_str().into())]])
            .unwrap_or_default(),
        plan: Some(text),
        ..QueryResult::default()
    }
}

/// What a plan runs with.
struct Run<'a> {
    params: &'a Params,
    settings: &'a Settings,
    profile: bool,
    query: &'a str,
    limits: Limits,
}

impl Run<'_> {
    /// Runs a plan to completion and materialises the entities its rows mention.
    fn plan(
        self,
        access: GraphAccess<'_>,
        undo: &mut UndoLog,
        plan: &QueryPlan,
    ) -> Result<QueryResult> {
        let query = self.query;
        let settings = self.settings;
        let mut cx = Cx::new(access, undo, self.params, &settings.procedures, self.limits);
        // A parameter the query reads and the run lacks fails it before it starts, wherever
        // it is read (as in Neo4j): not only once a row reaches it.
        if let Some(i) = cx.params.resolve(&plan.params) {
            let name = plan.params.get(i).map_or("", |n| n.as_ref());
            let mut e = crate::exec::ParamTable::missing(name);
            if let Some(span) = plan.param_spans.get(i) {
                e = e.with_span(*span);
            }
            return Err(e.locate(query));
        }
        cx.csv_base = settings.csv_base.as_deref();
        let profiled = self.profile.then(|| {
            let mut root = plan.root.clone();
            root.instrument(&mut 0);
            root
        });
        let root = profiled.as_ref().unwrap_or(&plan.root);
        let rows = collect_rows(&mut cx, root, plan).map_err(|e| e.locate(query))?;
        let stats = cx.stats;
        let graph = cx.graph();
        graph
            .check_deleted_nodes_detached(cx.undo)
            .map_err(|e| e.locate(query))?;
        let mut result = QueryResult {
            columns: plan.columns.clone(),
            rows,
            stats,
            plan: profiled.map(|root| root.explain_profiled(&cx.profile)),
            // Not `..QueryResult::default()`: that clones the empty columns' `Arc` only to
            // drop it, two atomic operations on a shared counter per statement.
            nodes: HashMap::new(),
            rels: HashMap::new(),
        };
        materialize(graph, &mut result);
        Ok(result)
    }
}

/// The rows of a plan; the result counts against the row limit like any buffer.
fn collect_rows(cx: &mut Cx<'_>, root: &crate::plan::Plan, plan: &QueryPlan) -> Result<Rows> {
    let mut rows = Rows::new(plan.columns.len());
    let mut op = exec::open(root, exec::null_row(plan.slots));
    if plan.columns.is_empty() {
        op.drain(cx, &mut |_, _| Ok(()))?;
    } else {
        // Pushed, not pulled: the operators that build rows in place hand them over by
        // reference, and a row is copied once, into the results (or moved there, when a
        // sort kept it).
        op.collect_into(cx, &mut rows)?;
    }
    Ok(rows)
}

fn collect_ids(v: &Value, nodes: &mut Vec<NodeId>, rels: &mut Vec<RelId>) {
    match v {
        Value::Node(n) => nodes.push(*n),
        Value::Relationship(r) => rels.push(*r),
        Value::Path(p) => {
            nodes.extend(&p.nodes);
            rels.extend(&p.rels);
        }
        Value::List(l) => l.iter().for_each(|x| collect_ids(x, nodes, rels)),
        Value::Map(m) => m.values().for_each(|x| collect_ids(x, nodes, rels)),
        _ => {}
    }
}

/// Spells out the nodes and relationships the rows mention. Each map gets room for every
/// entity mentioned up front (an upper bound: some are mentioned twice), not rehashed as it
/// grows: 1,000 nodes returned took 0.72–0.79 ms, now 0.59 with the names copied as `&str`.
fn materialize(g: &Graph, result: &mut QueryResult) {
    let (mut nodes, mut rels) = (Vec::new(), Vec::new());
    // Every value of every row, in one slice.
    for v in result.rows.values() {
        // Tested in place: most values are neither entities nor hold any, and a call per
        // value was a thirtieth of one-hop.
        if matches!(
            v,
            Value::Node(_)
                | Value::Relationship(_)
                | Value::Path(_)
                | Value::List(_)
                | Value::Map(_)
        ) {
            collect_ids(v, &mut nodes, &mut rels);
        }
    }
    result.rels.reserve(rels.len());
    for r in rels {
        if result.rels.contains_key(&r) {
            continue;
        }
        if let (Some(rec), Some((start, end))) = (g.rel_rec(r), g.endpoints(r)) {
            // A relationship's ends are part of what the rows mention (exports need them).
            nodes.extend([start, end]);
            result.rels.insert(r, RelData::of(g, r, start, end, rec));
        }
    }
    result.nodes.reserve(nodes.len());
    for n in nodes {
        if result.nodes.contains_key(&n) {
            continue;
        }
        if let Some(rec) = g.node_rec(n) {
            result.nodes.insert(n, NodeData::of(g, n, rec));
        }
    }
}

/// An explicit transaction: its statements see each other's writes; nothing is visible to
/// others until [`Transaction::commit`]. Dropped without commit, it rolls back. A failed
/// statement rolls the whole transaction back.
pub struct Transaction<'db> {
    db: &'db Database,
    graph: Option<RwLockWriteGuard<'db, Graph>>,
    undo: UndoLog,
    failed: bool,
    _held: HeldMark,
}

impl Transaction<'_> {
    /// Runs one statement inside the transaction.
    pub fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult> {
        self.execute_with(query, params, &ExecuteOptions::default())
    }

    /// [`Transaction::execute`] with limits or a cancel handle. A statement stopped by
    /// them fails, and like any failed statement rolls the whole transaction back.
    pub fn execute_with(
        &mut self,
        query: &str,
        params: &Params,
        options: &ExecuteOptions,
    ) -> Result<QueryResult> {
        if self.failed {
            return Err(Error::new(
                ErrorKind::TransactionError,
                "the transaction failed and was rolled back; start a new one",
            ));
        }
        let g = self
            .graph
            .as_mut()
            .ok_or_else(|| Error::internal("transaction already finished"))?;
        let settings = self.db.settings()?;
        let action = self.db.prepare_cached(g, &settings.procedures, query)?;
        let hint = "use Transaction::commit and Transaction::rollback inside a transaction";
        let r = match action.prepared(hint)? {
            Ok(Runnable::Plan(plan, profile)) => {
                // A statement that writes nothing reads the graph as `Database::execute`'s
                // reads do, with the fast paths that need no write to happen while it runs
                // (sifts, top-k bounds, counting by entities).
                let access = if plan.writes {
                    GraphAccess::Write(g)
                } else {
                    GraphAccess::Read(g)
                };
                Run {
                    params,
                    settings: &settings,
                    profile,
                    query,
                    limits: options.resolve(&settings.limits),
                }
                .plan(access, &mut self.undo, &plan)
            }
            Ok(Runnable::Schema(s)) => {
                schema::run(g, &s, &mut self.undo).map_err(|e| e.locate(query))
            }
            Err(done) => return Ok(done),
        };
        if r.is_err() {
            g.rollback(&mut self.undo);
            self.failed = true;
        }
        r
    }

    /// Makes the transaction's writes visible.
    pub fn commit(mut self) -> Result<()> {
        if self.failed {
            return Err(Error::new(
                ErrorKind::TransactionError,
                "the transaction failed and was rolled back",
            ));
        }
        let result = match self.graph.as_mut() {
            Some(g) => self.db.finish_write(g, &mut self.undo),
            None => Ok(()),
        };
        self.undo.clear();
        self.graph = None;
        result
    }

    /// Discards the transaction's writes.
    pub fn rollback(mut self) -> Result<()> {
        self.undo_all();
        Ok(())
    }

    fn undo_all(&mut self) {
        if let Some(g) = self.graph.as_mut() {
            g.rollback(&mut self.undo);
        }
        self.graph = None;
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        self.undo_all();
    }
}
