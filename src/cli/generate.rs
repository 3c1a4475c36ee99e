//! `baobab generate social --persons N --seed S --out DIR`: writes a generated social graph
//! as CSV files for benchmarks and `baobab import` (see `baobab::datagen`).

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};

use baobab::datagen::{generate_social, SocialConfig};

use super::{EXIT_FAILED, EXIT_USAGE};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub dataset: Dataset,
}

/// The datasets that can be generated.
#[derive(Debug, Subcommand)]
pub enum Dataset {
    /// An LDBC-SNB-like social graph: Person, City, Country, Post, Tag; KNOWS (skewed degree,
    /// about 20 on average), LIVES_IN, IN_COUNTRY, HAS_CREATOR, HAS_TAG, LIKES.
    Social {
        /// Number of persons (posts, likes and cities scale with it).
        #[arg(long, default_value_t = 10_000)]
        persons: usize,
        /// Random seed: the same persons and seed give byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder to write the CSV files and params.json into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// Runs `generate` and returns the exit code.
pub fn run(args: GenerateArgs) -> i32 {
    let Dataset::Social { persons, seed, out } = args.dataset;
    if persons == 0 {
        eprintln!("error: --persons must be at least 1");
        return EXIT_USAGE;
    }
    let started = Instant::now();
    let graph = generate_social(SocialConfig { persons, seed });
    match graph.write_csv(&out) {
        Ok(files) => {
            for file in &files {
                eprintln!("{:>10} rows  {}", file.rows, out.join(&file.name).display());
            }
            eprintln!(
                "generated in {} ms",
                super::format::millis(started.elapsed())
            );
            0
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            EXIT_FAILED
        }
    }
}
