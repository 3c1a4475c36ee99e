//! Arbitrary bytes as query text: parsing never panics, and what parses prints back as
//! text that parses to the same statements.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| baobab_fuzz::parse(data));
