//! The `baobab` command: a script runner for pipelines and an interactive shell.
//! See `docs/cli.md`.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
