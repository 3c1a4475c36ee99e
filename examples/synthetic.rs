//! Writes a synthetic database file: `cargo run --release --example synthetic -- NODES RELS FILE`.
//! Prints the file size and how long building and saving took (used for docs/storage.md).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [nodes, rels, path] = args.as_slice() else {
        return Err("usage: synthetic NODES RELS FILE".into());
    };
    let (nodes, rels): (u32, u64) = (nodes.parse()?, rels.parse()?);
    let t = Instant::now();
    let db = baobab::storage::testing::synthetic(nodes, rels, 42);
    let built = t.elapsed();
    let t = Instant::now();
    db.save_as(path)?;
    let saved = t.elapsed();
    let bytes = std::fs::metadata(path)?.len();
    println!(
        "built {nodes} nodes / {rels} rels in {:.2} s; saved {:.1} MB in {:.2} s ({:.0} MB/s)",
        built.as_secs_f64(),
        bytes as f64 / 1e6,
        saved.as_secs_f64(),
        bytes as f64 / 1e6 / saved.as_secs_f64()
    );
    Ok(())
}
