//! Grammar-aware generated queries run on a small fixed graph, with limits set: nothing
//! panics, and no query ends in an internal error.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baobab_fuzz::execute(data));
