//! openCypher TCK runner (written with the conformance work).
fn main() {}
