//! # Baobab
//!
//! An embedded property-graph database with a Cypher dialect.
//!
//! ```text
//! text --syntax--> AST --semantic--> bound query --plan--> operators --exec--> store (graph)
//! ```
//!
//! ```
//! use baobab::{Database, Params};
//!
//! let db = Database::in_memory();
//! db.execute("CREATE (AES:Organization {name: 'Confederation of Sahel States'})", &Params::new())?;
//! db.execute("CREATE (:Country {name: 'Mali'})-[:MEMBER_OF]->(AES)", &Params::new())
//!     .unwrap_err(); // `AES` in CREATE would create a second node with the key AES
//! let result = db.execute("MATCH (AES) RETURN AES.name AS name", &Params::new())?;
//! assert_eq!(result.rows[0][0].as_str(), Some("Confederation of Sahel States"));
//! # Ok::<(), baobab::Error>(())
//! ```

pub mod ast;
pub mod error;
pub mod syntax;
pub mod value;

mod api;
mod exec;
mod graph;
mod plan;
mod semantic;

pub use api::{Database, NodeData, Params, QueryResult, RelData, Transaction, WriteStats};
pub use error::{Error, ErrorKind, Phase, Position, Result};
pub use value::{NodeId, Path, RelId, Value};
