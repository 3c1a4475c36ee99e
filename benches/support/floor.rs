//! The floor: the read queries of `benches/queries.toml` written by hand on a petgraph
//! `DiGraph`, the way a Rust programmer would without a database. Baobab's targets are
//! stated against these times.
//!
//! The graph is loaded from the same CSV files; nodes are typed structs, relationships a
//! small enum, and each query walks `edges_directed` and filters by type.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction::{Incoming, Outgoing};
use serde_json::Value as Json;

use super::csv_table::{int, Table};

#[derive(Debug, Clone)]
pub enum Node {
    Person {
        id: i64,
        first_name: String,
        last_name: String,
        gender: String,
        birth_year: i64,
    },
    Post {
        id: i64,
        creation_date: i64,
    },
    /// City, Country and Tag: an id and a name.
    Named {
        id: i64,
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    Knows,
    LivesIn,
    InCountry,
    HasCreator,
    HasTag,
    Likes,
}

/// One value of an answer, as the floor computes it: a number, or a string borrowed from
/// the graph. Answers become JSON only to be compared ([`to_json`]), outside the timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'g> {
    Int(i64),
    Str(&'g str),
}

impl From<i64> for Cell<'_> {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<&i64> for Cell<'_> {
    fn from(n: &i64) -> Self {
        Cell::Int(*n)
    }
}

impl From<usize> for Cell<'_> {
    fn from(n: usize) -> Self {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl<'g> From<&'g str> for Cell<'g> {
    fn from(s: &'g str) -> Self {
        Cell::Str(s)
    }
}

impl<'g> From<&'g String> for Cell<'g> {
    fn from(s: &'g String) -> Self {
        Cell::Str(s)
    }
}

pub type Rows<'g> = Vec<Vec<Cell<'g>>>;

/// An answer as JSON rows, for comparing it with the other engines'.
pub fn to_json(rows: &[Vec<Cell<'_>>]) -> Vec<Vec<Json>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Cell::Int(n) => Json::from(*n),
                    Cell::Str(s) => Json::from(*s),
                })
                .collect()
        })
        .collect()
}

pub struct Floor {
    pub graph: DiGraph<Node, Rel>,
    /// Node index by (label, id).
    by_id: HashMap<(&'static str, i64), NodeIndex>,
}

const LABELS: [&str; 5] = ["Country", "City", "Tag", "Person", "Post"];
const TYPES: [(&str, Rel, &str, &str); 6] = [
    ("KNOWS", Rel::Knows, "Person", "Person"),
    ("LIVES_IN", Rel::LivesIn, "Person", "City"),
    ("IN_COUNTRY", Rel::InCountry, "City", "Country"),
    ("HAS_CREATOR", Rel::HasCreator, "Post", "Person"),
    ("HAS_TAG", Rel::HasTag, "Post", "Tag"),
    ("LIKES", Rel::Likes, "Person", "Post"),
];

impl Floor {
    /// Reads the generated CSV files of `dir`.
    pub fn load(dir: &Path) -> Result<Floor, String> {
        let mut floor = Floor::load_nodes(dir)?;
        floor.load_relationships(dir)?;
        Ok(floor)
    }

    /// Reads the node files of `dir`.
    pub fn load_nodes(dir: &Path) -> Result<Floor, String> {
        let mut graph = DiGraph::new();
        let mut by_id = HashMap::new();
        for label in LABELS {
            let Table { header, mut reader } = Table::open(&dir.join(format!("{label}.csv")))?;
            let column = |name: &str| header.property(name);
            let id = column("id")?;
            let text = |record: &csv::StringRecord, name: &str| -> Result<String, String> {
                Ok(record.get(column(name)?).unwrap_or("").to_string())
            };
            for record in reader.records() {
                let record = record.map_err(|e| e.to_string())?;
                let key = int(&record, id, &header.path)?;
                let node = match label {
                    "Person" => Node::Person {
                        id: key,
                        first_name: text(&record, "firstName")?,
                        last_name: text(&record, "lastName")?,
                        gender: text(&record, "gender")?,
                        birth_year: int(&record, column("birthYear")?, &header.path)?,
                    },
                    "Post" => Node::Post {
                        id: key,
                        creation_date: int(&record, column("creationDate")?, &header.path)?,
                    },
                    _ => Node::Named {
                        id: key,
                        name: text(&record, "name")?,
                    },
                };
                by_id.insert((label, key), graph.add_node(node));
            }
        }
        Ok(Floor { graph, by_id })
    }

    /// Reads the relationship files of `dir`; their ends must be loaded.
    pub fn load_relationships(&mut self, dir: &Path) -> Result<(), String> {
        for (kind, rel, from, to) in TYPES {
            let Table { header, mut reader } = Table::open(&dir.join(format!("{kind}.csv")))?;
            for record in reader.records() {
                let record = record.map_err(|e| e.to_string())?;
                let a = self.by_id.get(&(from, int(&record, 0, &header.path)?));
                let b = self.by_id.get(&(to, int(&record, 1, &header.path)?));
                if let (Some(&a), Some(&b)) = (a, b) {
                    self.graph.add_edge(a, b, rel);
                }
            }
        }
        Ok(())
    }

    fn person(&self, id: i64) -> Option<NodeIndex> {
        self.by_id.get(&("Person", id)).copied()
    }

    /// Neighbours over relationships of type `rel` in direction `dir`.
    fn out(&self, n: NodeIndex, rel: Rel) -> impl Iterator<Item = NodeIndex> + '_ {
        self.step(n, rel, Outgoing)
    }

    fn step(
        &self,
        n: NodeIndex,
        rel: Rel,
        dir: petgraph::Direction,
    ) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph
            .edges_directed(n, dir)
            .filter(move |e| *e.weight() == rel)
            .map(move |e| {
                if dir == Outgoing {
                    e.target()
                } else {
                    e.source()
                }
            })
    }

    /// Friends: KNOWS in either direction.
    fn friends(&self, n: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.step(n, Rel::Knows, Outgoing)
            .chain(self.step(n, Rel::Knows, Incoming))
    }

    fn id(&self, n: NodeIndex) -> i64 {
        match &self.graph[n] {
            Node::Person { id, .. } | Node::Post { id, .. } | Node::Named { id, .. } => *id,
        }
    }

    fn name(&self, n: NodeIndex) -> &str {
        match &self.graph[n] {
            Node::Named { name, .. } => name,
            _ => "",
        }
    }

    /// Breadth-first distances from `start` over KNOWS, up to `max` hops.
    fn distances(
        &self,
        start: NodeIndex,
        max: usize,
        stop: Option<NodeIndex>,
    ) -> HashMap<NodeIndex, usize> {
        let mut seen = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let d = seen[&n];
            if d == max {
                continue;
            }
            for f in self.friends(n) {
                if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(f) {
                    e.insert(d + 1);
                    if Some(f) == stop {
                        return seen;
                    }
                    queue.push_back(f);
                }
            }
        }
        seen
    }

    /// The answer to query `name` of `benches/queries.toml`, or None for a query the floor
    /// does not compute. `person` and `far_person` are the substitution parameters.
    pub fn answer(&self, name: &str, person: i64, far_person: i64) -> Option<Rows<'_>> {
        let one = |n: usize| vec![vec![Cell::from(n)]];
        Some(match name {
            "point_lookup" => match self.person(person).map(|p| &self.graph[p]) {
                Some(Node::Person {
                    first_name,
                    last_name,
                    birth_year,
                    ..
                }) => vec![vec![
                    Cell::from(first_name),
                    Cell::from(last_name),
                    Cell::from(birth_year),
                ]],
                _ => Vec::new(),
            },
            "one_hop_sorted" => {
                let Some(p) = self.person(person) else {
                    return Some(Vec::new());
                };
                let mut friends: Vec<(&str, i64)> = self
                    .friends(p)
                    .filter_map(|f| match &self.graph[f] {
                        Node::Person { id, last_name, .. } => Some((last_name.as_str(), *id)),
                        _ => None,
                    })
                    .collect();
                friends.sort();
                friends
                    .into_iter()
                    .map(|(last, id)| vec![Cell::from(id), Cell::from(last)])
                    .collect()
            }
            "two_hop_distinct_count" => {
                let mut found = HashSet::new();
                if let Some(p) = self.person(person) {
                    for a in self.friends(p) {
                        found.extend(self.friends(a).filter(|&f| f != p));
                    }
                }
                one(found.len())
            }
            "scan_filter_group" => {
                let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
                for node in self.graph.node_weights() {
                    if let Node::Person {
                        gender, birth_year, ..
                    } = node
                    {
                        if *birth_year >= 1990 {
                            *groups.entry(gender.as_str()).or_default() += 1;
                        }
                    }
                }
                groups
                    .into_iter()
                    .map(|(g, n)| vec![Cell::from(g), Cell::from(n)])
                    .collect()
            }
            "two_hop_join_top10" => {
                let mut counts: HashMap<NodeIndex, usize> = HashMap::new();
                for p in self.graph.node_indices() {
                    if !matches!(self.graph[p], Node::Person { .. }) {
                        continue;
                    }
                    for city in self.out(p, Rel::LivesIn) {
                        for country in self.out(city, Rel::InCountry) {
                            *counts.entry(country).or_default() += 1;
                        }
                    }
                }
                let mut rows: Vec<(usize, &str)> =
                    counts.into_iter().map(|(c, n)| (n, self.name(c))).collect();
                rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                rows.truncate(10);
                rows.into_iter()
                    .map(|(n, c)| vec![Cell::from(c), Cell::from(n)])
                    .collect()
            }
            "var_length_1_3_count" => match self.person(person) {
                // Every person within three hops is the end of a path of 1 to 3 distinct
                // relationships (a shortest path repeats none).
                Some(p) => one(self.distances(p, 3, None).len() - 1),
                None => one(0),
            },
            "shortest_path" => match (self.person(person), self.person(far_person)) {
                (Some(a), Some(b)) if a != b => {
                    match self.distances(a, usize::MAX, Some(b)).get(&b) {
                        Some(&d) => one(d),
                        None => Vec::new(),
                    }
                }
                _ => Vec::new(),
            },
            "friends_latest_posts" => {
                let mut posts: Vec<(i64, i64, i64)> = Vec::new();
                if let Some(p) = self.person(person) {
                    for f in self.friends(p) {
                        for m in self.step(f, Rel::HasCreator, Incoming) {
                            if let Node::Post { id, creation_date } = self.graph[m] {
                                posts.push((creation_date, id, self.id(f)));
                            }
                        }
                    }
                }
                posts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                posts.truncate(20);
                posts
                    .into_iter()
                    .map(|(date, post, author)| {
                        vec![Cell::from(post), Cell::from(author), Cell::from(date)]
                    })
                    .collect()
            }
            "triangle_count" => {
                let mut count = 0;
                let mut ends: HashSet<NodeIndex> = HashSet::new();
                for a in self.graph.node_indices() {
                    ends.clear();
                    ends.extend(self.out(a, Rel::Knows));
                    for &b in &ends {
                        count += self.out(b, Rel::Knows).filter(|c| ends.contains(c)).count();
                    }
                }
                one(count)
            }
            "tag_cooccurrence_top10" => {
                let mut pairs: HashMap<(NodeIndex, NodeIndex), usize> = HashMap::new();
                let mut tags = Vec::new();
                for m in self.graph.node_indices() {
                    tags.clear();
                    tags.extend(self.out(m, Rel::HasTag));
                    for &t1 in &tags {
                        for &t2 in &tags {
                            if self.id(t1) < self.id(t2) {
                                *pairs.entry((t1, t2)).or_default() += 1;
                            }
                        }
                    }
                }
                let mut rows: Vec<(usize, &str, &str)> = pairs
                    .into_iter()
                    .map(|((t1, t2), n)| (n, self.name(t1), self.name(t2)))
                    .collect();
                rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(b.2)));
                rows.truncate(10);
                rows.into_iter()
                    .map(|(n, t1, t2)| vec![Cell::from(t1), Cell::from(t2), Cell::from(n)])
                    .collect()
            }
            _ => return None,
        })
    }
}
