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
//! let none = Params::new();
//! // An upper-case name in CREATE gives the new node that key ...
//! db.execute("CREATE (AES:Organization {name: 'Confederation of Sahel States'})", &none)?;
//! // ... and alone in a pattern it refers to the node with that key.
//! db.execute("CREATE (:Country {name: 'Mali'})-[:MEMBER_OF]->(AES)", &none)?;
//! let result = db.execute("MATCH (c:Country)-[:MEMBER_OF]->(AES) RETURN c.name", &none)?;
//! assert_eq!(result.rows[0][0].as_str(), Some("Mali"));
//! # Ok::<(), baobab::Error>(())
//! ```

// Library code never panics on user input: no unwrap/expect, no panicking macros, no
// unchecked indexing outside tests. A local `#[expect]` carries the reason it cannot fail.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::indexing_slicing
    )
)]

pub mod ast;
pub mod datagen;
pub mod error;
pub mod syntax;
pub mod value;

mod api;
mod exec;
mod graph;
mod names;
mod plan;
pub mod storage;
pub mod transfer;

pub use api::{
    ArgType, CancelHandle, Database, ExecuteOptions, NodeData, OpenOptions, Params, QueryLimits,
    QueryResult, RelData, Schema, SyncMode, Transaction, WriteStats, DEFAULT_MAX_ROWS,
};
pub use error::{Error, ErrorKind, Phase, Position, Result};
pub use value::{NodeId, Path, RelId, Rows, Value};

/// The names of the functions Cypher queries can call (for completion and listings).
pub fn function_names() -> impl Iterator<Item = &'static str> {
    exec::functions::all().iter().map(|f| f.name)
}
