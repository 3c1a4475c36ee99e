//! Arbitrary bytes through the snapshot and log decoders: a clean rejection or a graph,
//! never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baobab_fuzz::decode(data));
