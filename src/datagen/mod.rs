//! A deterministic generator of LDBC-SNB-like social graphs for benchmarks.
//!
//! [`generate_social`] builds the graph in memory from a number of persons and a seed;
//! [`SocialGraph::write_csv`] writes it as CSV files in the neo4j-admin import header
//! convention (`id:ID(Person)`, `creationDate:long`, `:START_ID(Person)`, `:TYPE`, ...), one
//! file per label and per relationship type, plus `params.json` with substitution
//! parameters for the benchmark queries (as LDBC's generator does). The same persons and
//! seed always give byte-identical files.
//!
//! The shape: Country ← IN_COUNTRY ← City ← LIVES_IN ← Person; Person -KNOWS-> Person with
//! a skewed degree averaging about 20 (each friendship is stored once, from the lower id to
//! the higher, and is meant to be matched without direction); Post -HAS_CREATOR-> Person,
//! Post -HAS_TAG-> Tag, Person -LIKES-> Post. Persons befriend people of their own city
//! more often than strangers, and tag their posts with their interests, so the graph has
//! triangles and tag co-occurrence worth counting.

mod rng;
mod write;

use std::collections::HashSet;

pub use rng::Rng;
pub use write::WrittenFile;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocialConfig {
    pub persons: usize,
    pub seed: u64,
}

/// A person; its id is its index + 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub gender: &'static str,
    pub birth_year: i64,
    /// Milliseconds since the Unix epoch.
    pub creation_date: i64,
    /// Index into [`SocialGraph::cities`].
    pub city: usize,
}

/// A post; its id is its index + 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Index into [`SocialGraph::persons`].
    pub creator: usize,
    pub creation_date: i64,
    pub length: i64,
    /// Indexes into [`SocialGraph::tags`], distinct.
    pub tags: Vec<usize>,
}

/// A relationship between two entities given by index, with a creation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dated {
    pub from: usize,
    pub to: usize,
    pub creation_date: i64,
}

/// A generated social graph. Ids in the files are indexes + 1, in one ID space per label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialGraph {
    pub countries: Vec<String>,
    /// Name and country index.
    pub cities: Vec<(String, usize)>,
    pub tags: Vec<String>,
    pub persons: Vec<Person>,
    pub posts: Vec<Post>,
    /// Person indexes, `from < to`, sorted.
    pub knows: Vec<Dated>,
    /// Person index → post index, sorted.
    pub likes: Vec<Dated>,
    pub params: SubstitutionParams,
}

/// Query parameters chosen from the generated graph, so that every engine is asked the same
/// question about a typical person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubstitutionParams {
    /// The id of a person whose number of friends is closest to the average (the lowest such
    /// id); 0 when there are no persons.
    pub person: i64,
    /// The id of a person as far as possible from `person` over KNOWS (the lowest such id),
    /// for shortest paths; `person` itself when no one else is reachable.
    pub far_person: i64,
    /// The number of KNOWS hops between them.
    pub far_distance: i64,
}

/// 2010-01-01T00:00:00Z in milliseconds: persons join from then on, for three years.
const START_MILLIS: i64 = 1_262_304_000_000;
const DAY_MILLIS: i64 = 86_400_000;
const YEAR_MILLIS: i64 = 365 * DAY_MILLIS;

const COUNTRIES: [&str; 24] = [
    "Argentina",
    "Brazil",
    "Burkina Faso",
    "Canada",
    "Chile",
    "China",
    "Egypt",
    "France",
    "Germany",
    "Ghana",
    "India",
    "Indonesia",
    "Italy",
    "Japan",
    "Kenya",
    "Mali",
    "Mexico",
    "Niger",
    "Nigeria",
    "Peru",
    "Senegal",
    "Spain",
    "United Kingdom",
    "Vietnam",
];

const FIRST_NAMES: [(&str, &str); 24] = [
    ("Aminata", "female"),
    ("Amadou", "male"),
    ("Ana", "female"),
    ("Carlos", "male"),
    ("Chen", "male"),
    ("Fatou", "female"),
    ("Hans", "male"),
    ("Ibrahim", "male"),
    ("Ingrid", "female"),
    ("Jean", "male"),
    ("Kofi", "male"),
    ("Lea", "female"),
    ("Lucia", "female"),
    ("Mariam", "female"),
    ("Mei", "female"),
    ("Moussa", "male"),
    ("Nadia", "female"),
    ("Oumar", "male"),
    ("Priya", "female"),
    ("Rahul", "male"),
    ("Sofia", "female"),
    ("Takeshi", "male"),
    ("Yuki", "female"),
    ("Zeynep", "female"),
];

const LAST_NAMES: [&str; 24] = [
    "Ba",
    "Coulibaly",
    "Diallo",
    "Garcia",
    "Hoffmann",
    "Ito",
    "Kante",
    "Keita",
    "Kim",
    "Li",
    "Martin",
    "Mensah",
    "Mueller",
    "Nguyen",
    "Okafor",
    "Ouedraogo",
    "Patel",
    "Rossi",
    "Sanchez",
    "Silva",
    "Smith",
    "Tanaka",
    "Toure",
    "Traore",
];

const TAG_WORDS: [&str; 16] = [
    "art",
    "books",
    "cinema",
    "cooking",
    "dance",
    "football",
    "games",
    "history",
    "music",
    "nature",
    "photography",
    "politics",
    "science",
    "tech",
    "travel",
    "wrestling",
];

/// Generates the graph for `config`. Any number of persons is accepted (0 gives an empty
/// graph with its countries, cities and tags).
pub fn generate_social(config: SocialConfig) -> SocialGraph {
    let n = config.persons;
    let root = Rng::new(config.seed);

    let countries: Vec<String> = COUNTRIES.iter().map(|c| c.to_string()).collect();
    let mut rng = root.fork(1);
    let city_count = (n / 100).max(4);
    let cities: Vec<(String, usize)> = (0..city_count)
        .map(|i| (format!("City{:04}", i + 1), rng.skewed(countries.len())))
        .collect();
    let tag_count = (n / 10).clamp(16, 5000);
    let tags: Vec<String> = (0..tag_count)
        .map(|i| {
            format!(
                "{}_{}",
                TAG_WORDS[i % TAG_WORDS.len()],
                i / TAG_WORDS.len() + 1
            )
        })
        .collect();

    let mut rng = root.fork(2);
    let persons: Vec<Person> = (0..n)
        .map(|_| {
            let (first_name, gender) = FIRST_NAMES[rng.below(FIRST_NAMES.len())];
            Person {
                first_name,
                last_name: LAST_NAMES[rng.below(LAST_NAMES.len())],
                gender,
                birth_year: rng.range(1950, 2006),
                creation_date: START_MILLIS + rng.range(0, 3 * YEAR_MILLIS),
                city: rng.skewed(city_count),
            }
        })
        .collect();

    let knows = generate_knows(&persons, &mut root.fork(3));
    let mut friends: Vec<Vec<usize>> = vec![Vec::new(); n];
    for k in &knows {
        friends[k.from].push(k.to);
        friends[k.to].push(k.from);
    }
    let posts = generate_posts(&persons, &friends, tag_count, &mut root.fork(4));
    let likes = generate_likes(&persons, &posts, &friends, &mut root.fork(5));
    let params = substitution_params(&friends);

    SocialGraph {
        countries,
        cities,
        tags,
        persons,
        posts,
        knows,
        likes,
        params,
    }
}

/// Friendships: every person asks a Pareto-distributed number of others (mean about 10),
/// half of them in the same city and half chosen in proportion to how sociable they are,
/// so the degree (asked plus asked by) averages about 20 with a long tail.
fn generate_knows(persons: &[Person], rng: &mut Rng) -> Vec<Dated> {
    let n = persons.len();
    let asks: Vec<usize> = (0..n).map(|_| rng.pareto(6.6, 2.5, 1000)).collect();
    // Each person appears once per friendship they ask for: sampling this list picks
    // sociable people more often.
    let tickets: Vec<usize> = (0..n)
        .flat_map(|p| std::iter::repeat_n(p, asks[p]))
        .collect();
    let mut by_city: Vec<Vec<usize>> = Vec::new();
    for (p, person) in persons.iter().enumerate() {
        if by_city.len() <= person.city {
            by_city.resize(person.city + 1, Vec::new());
        }
        by_city[person.city].push(p);
    }
    let mut seen = HashSet::new();
    let mut knows = Vec::new();
    for (p, &count) in asks.iter().enumerate() {
        for _ in 0..count {
            let neighbours = &by_city[persons[p].city];
            let other = if rng.chance(0.5) {
                neighbours[rng.below(neighbours.len())]
            } else if tickets.is_empty() {
                p
            } else {
                tickets[rng.below(tickets.len())]
            };
            if other == p {
                continue;
            }
            let (from, to) = (p.min(other), p.max(other));
            if seen.insert((from, to)) {
                let met = persons[from].creation_date.max(persons[to].creation_date);
                knows.push(Dated {
                    from,
                    to,
                    creation_date: met + rng.range(0, YEAR_MILLIS),
                });
            }
        }
    }
    knows.sort();
    knows
}

/// Each person has three interests; a post carries one to three tags, mostly interests.
fn generate_posts(
    persons: &[Person],
    friends: &[Vec<usize>],
    tag_count: usize,
    rng: &mut Rng,
) -> Vec<Post> {
    let mut posts = Vec::new();
    for (p, person) in persons.iter().enumerate() {
        let interests = [
            rng.skewed(tag_count),
            rng.skewed(tag_count),
            rng.skewed(tag_count),
        ];
        // People with more friends post more: a few prolific posters, many quiet ones.
        let count = (rng.pareto(1.0, 2.0, 40) + friends[p].len() / 8).min(60);
        for _ in 0..count {
            let mut tags: Vec<usize> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let tag = if rng.chance(0.7) {
                    interests[rng.below(interests.len())]
                } else {
                    rng.skewed(tag_count)
                };
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            tags.sort_unstable();
            posts.push(Post {
                creator: p,
                creation_date: person.creation_date + rng.range(DAY_MILLIS, 3 * YEAR_MILLIS),
                length: rng.range(20, 2000),
                tags,
            });
        }
    }
    posts
}

/// Persons like posts of their friends, sometimes of strangers.
fn generate_likes(
    persons: &[Person],
    posts: &[Post],
    friends: &[Vec<usize>],
    rng: &mut Rng,
) -> Vec<Dated> {
    let mut posts_of: Vec<Vec<usize>> = vec![Vec::new(); persons.len()];
    for (m, post) in posts.iter().enumerate() {
        posts_of[post.creator].push(m);
    }
    let mut likes = Vec::new();
    for (p, person) in persons.iter().enumerate() {
        let count = rng.pareto(5.0, 2.0, 200);
        let mut liked: Vec<usize> = Vec::new();
        for _ in 0..count {
            let friend_posts = if friends[p].is_empty() || rng.chance(0.2) {
                None
            } else {
                let friend = friends[p][rng.below(friends[p].len())];
                Some(&posts_of[friend]).filter(|ps| !ps.is_empty())
            };
            let post = match friend_posts {
                Some(ps) => ps[rng.below(ps.len())],
                None if posts.is_empty() => continue,
                None => rng.below(posts.len()),
            };
            if !liked.contains(&post) {
                liked.push(post);
            }
        }
        liked.sort_unstable();
        for post in liked {
            let since = posts[post].creation_date.max(person.creation_date);
            likes.push(Dated {
                from: p,
                to: post,
                creation_date: since + rng.range(0, 30 * DAY_MILLIS),
            });
        }
    }
    likes
}

fn substitution_params(friends: &[Vec<usize>]) -> SubstitutionParams {
    let n = friends.len();
    if n == 0 {
        return SubstitutionParams {
            person: 0,
            far_person: 0,
            far_distance: 0,
        };
    }
    let degrees: usize = friends.iter().map(Vec::len).sum();
    let average = degrees as f64 / n as f64;
    let mut start = 0;
    for (p, f) in friends.iter().enumerate() {
        if (f.len() as f64 - average).abs() < (friends[start].len() as f64 - average).abs() {
            start = p;
        }
    }
    // Breadth-first search: the last level reached holds the farthest persons.
    let mut distance = vec![usize::MAX; n];
    distance[start] = 0;
    let mut level = vec![start];
    let mut depth = 0;
    let mut far = start;
    while !level.is_empty() {
        far = *level.iter().min().unwrap_or(&start);
        let mut next = Vec::new();
        for &p in &level {
            for &f in &friends[p] {
                if distance[f] == usize::MAX {
                    distance[f] = depth + 1;
                    next.push(f);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        depth += 1;
        level = next;
    }
    SubstitutionParams {
        person: start as i64 + 1,
        far_person: far as i64 + 1,
        far_distance: depth as i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(persons: usize, seed: u64) -> SocialGraph {
        generate_social(SocialConfig { persons, seed })
    }

    #[test]
    fn same_seed_same_graph_other_seed_other_graph() {
        assert_eq!(graph(500, 3), graph(500, 3));
        assert_ne!(graph(500, 3).knows, graph(500, 4).knows);
    }

    #[test]
    fn knows_is_skewed_around_twenty() {
        let g = graph(5000, 1);
        let mut degree = vec![0usize; g.persons.len()];
        for k in &g.knows {
            assert!(k.from < k.to, "stored once, lower id first");
            degree[k.from] += 1;
            degree[k.to] += 1;
        }
        let average = 2.0 * g.knows.len() as f64 / g.persons.len() as f64;
        assert!((17.0..23.0).contains(&average), "average degree {average}");
        let max = degree.iter().copied().max().unwrap_or(0);
        assert!(max as f64 > 5.0 * average, "max degree {max} is not a tail");
        let mut pairs: Vec<(usize, usize)> = g.knows.iter().map(|k| (k.from, k.to)).collect();
        pairs.dedup();
        assert_eq!(pairs.len(), g.knows.len(), "no duplicate friendships");
    }

    #[test]
    fn references_point_at_existing_entities() {
        let g = graph(800, 9);
        assert!(g.cities.iter().all(|(_, c)| *c < g.countries.len()));
        assert!(g.persons.iter().all(|p| p.city < g.cities.len()));
        for post in &g.posts {
            assert!(post.creator < g.persons.len());
            assert!(!post.tags.is_empty() && post.tags.iter().all(|t| *t < g.tags.len()));
            assert!(post.creation_date > g.persons[post.creator].creation_date);
        }
        assert!(g
            .likes
            .iter()
            .all(|l| l.from < g.persons.len() && l.to < g.posts.len()));
        assert!(!g.posts.is_empty() && !g.likes.is_empty());
    }

    #[test]
    fn params_name_a_typical_person_and_a_far_one() {
        let g = graph(2000, 5);
        let p = g.params;
        assert!(p.person >= 1 && p.person as usize <= g.persons.len());
        assert!(p.far_distance >= 2, "far person at {} hops", p.far_distance);
        assert_ne!(p.person, p.far_person);
    }

    #[test]
    fn tiny_graphs_do_not_panic() {
        for persons in 0..4 {
            let g = graph(persons, 0);
            assert_eq!(g.persons.len(), persons);
            assert!(g.knows.iter().all(|k| k.to < persons));
        }
        assert_eq!(graph(0, 0).params.person, 0);
    }
}
