//! Runs queries given as arguments, one statement each, and prints the rows.
use baobab::{Database, Params};

fn main() {
    let db = Database::in_memory();
    for q in std::env::args().skip(1) {
        match db.execute(&q, &Params::new()) {
            Ok(r) => {
                println!("{:?}", r.columns);
                for row in &r.rows {
                    let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
                    println!("{}", cells.join(" | "));
                }
                if let Some(p) = &r.plan {
                    print!("{p}");
                }
                println!("-- {:?}", r.stats);
            }
            Err(e) => println!("ERROR {e}"),
        }
    }
}
