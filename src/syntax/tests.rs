#[test]
fn smoke() {
    super::parse("MATCH (n) RETURN n").unwrap();
}
