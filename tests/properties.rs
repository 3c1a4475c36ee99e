//! Property tests for the value semantics: the laws of equality, equivalence and the
//! ORDER BY order, integer overflow, and round trips of values through parameters, the
//! store and Cypher literals (`Display` parsed back).

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use baobab::value::compare::{compare, equals, equivalent, order, EquivKey};
use baobab::value::ops;
use baobab::{Database, ErrorKind, Params, Value};
use proptest::prelude::*;

mod common;

/// Integers with the edges of the range well represented.
fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        -3i64..=3,
        Just(i64::MIN),
        Just(i64::MAX),
        Just(i64::MIN + 1),
        Just(i64::MAX - 1),
        (1i64 << 53) - 2..(1i64 << 53) + 2,
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        Just(0.0),
        (-4i32..=4).prop_map(f64::from),
        Just(9_007_199_254_740_993.0),
    ]
}

/// Any value that a parameter can hold (no entities, no temporal values).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::Int),
        float().prop_map(Value::Float),
        ".{0,6}".prop_map(Value::from),
        "[ab']{0,2}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::btree_map(".{0,4}", inner, 0..4).prop_map(Value::Map),
        ]
    })
}

/// Values whose Cypher literal reads back as the same value: no NaN or infinities (Cypher
/// has no literal for them).
fn literal_value() -> impl Strategy<Value = Value> {
    value().prop_filter("finite floats only", |v| {
        !holds(v, &|x| matches!(x, Value::Float(f) if !f.is_finite()))
    })
}

/// Values a property can store: scalars and lists of scalars.
fn storable() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::Int),
        float().prop_map(Value::Float),
        ".{0,6}".prop_map(Value::from),
    ];
    prop_oneof![
        scalar.clone(),
        prop::collection::vec(int().prop_map(Value::Int), 0..5).prop_map(Value::List),
        prop::collection::vec(".{0,3}".prop_map(Value::from), 0..5).prop_map(Value::List),
    ]
}

/// Scalars with many ties across types (integers and floats that are equal, repeated
/// strings), or null (the property is then absent).
fn scalar_or_null() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..=3).prop_map(Value::Int),
        (-3i32..=3).prop_map(|f| Value::Float(f64::from(f) / 2.0)),
        Just(Value::Float(f64::NAN)),
        "[ab]{0,2}".prop_map(Value::from),
    ]
}

/// Whether `v` or anything inside it satisfies `p`.
fn holds(v: &Value, p: &dyn Fn(&Value) -> bool) -> bool {
    p(v) || match v {
        Value::List(l) => l.iter().any(|x| holds(x, p)),
        Value::Map(m) => m.values().any(|x| holds(x, p)),
        _ => false,
    }
}

fn has_null_or_nan(v: &Value) -> bool {
    holds(v, &|x| {
        x.is_null() || matches!(x, Value::Float(f) if f.is_nan())
    })
}

fn hash_of(v: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    EquivKey(v.clone()).hash(&mut h);
    h.finish()
}

/// Structural identity, with NaN identical to NaN and -0.0 told from 0.0: what a round trip
/// must preserve.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a == b,
    }
}

fn param(v: &Value) -> Params {
    let mut p = Params::new();
    p.insert("p".to_string(), v.clone());
    p
}

/// Nodes made from `keys` (node `i` holds key `keys[i]` and `i`), sorted by Cypher with
/// `ORDER BY key [DESC], i`, and the rows expected: by `cmp` on the keys, reversed when
/// `desc`, then by `i`.
fn sorted_both_ways<K: Clone + Into<Value>>(
    keys: &[K],
    desc: bool,
    cmp: impl Fn(&K, &K) -> Ordering,
) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let db = Database::in_memory();
    let rows = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Value::List(vec![k.clone().into(), Value::Int(i as i64)]))
        .collect();
    db.execute(
        "UNWIND $p AS r CREATE (:T {k: r[0], i: r[1]})",
        &param(&Value::List(rows)),
    )
    .unwrap();
    let dir = if desc { "DESC" } else { "ASC" };
    let query = format!("MATCH (x:T) RETURN x.k AS k, x.i AS i ORDER BY k {dir}, i");
    let mut got = db.execute(&query, &Params::new()).unwrap().rows.to_vecs();
    // The same order with the key not returned (kept after the returned columns), and
    // under a WITH (whole rows kept): each row's key is found again by its number.
    let hidden = format!("MATCH (x:T) RETURN x.i AS i ORDER BY x.k {dir}, i");
    let whole = format!("MATCH (x:T) WITH x ORDER BY x.k {dir}, x.i RETURN x.i AS i");
    let rows = [hidden, whole].map(|q| db.execute(&q, &Params::new()).unwrap().rows.to_vecs());
    for row in rows.concat() {
        let key = match row.as_slice() {
            [Value::Int(i)] => keys.get(*i as usize).map(|k| k.clone().into()),
            _ => None,
        };
        got.push(vec![key.unwrap_or(Value::Null), row[0].clone()]);
    }
    let mut expected: Vec<(&K, i64)> = keys.iter().zip(0..).collect();
    expected.sort_by(|(a, i), (b, j)| {
        let o = cmp(a, b);
        if desc { o.reverse() } else { o }.then(i.cmp(j))
    });
    let expected: Vec<Vec<Value>> = expected
        .into_iter()
        .map(|(k, i)| vec![k.clone().into(), Value::Int(i)])
        .collect();
    (got, [expected.clone(), expected.clone(), expected].concat())
}

proptest! {
    #![proptest_config(common::proptest_config())]

    #[test]
    fn order_is_antisymmetric_and_reflexive(a in value(), b in value()) {
        prop_assert_eq!(order(&a, &a), Ordering::Equal);
        prop_assert_eq!(order(&a, &b), order(&b, &a).reverse());
    }

    #[test]
    fn order_is_transitive(mut v in prop::collection::vec(value(), 3)) {
        v.sort_by(order);
        prop_assert_ne!(order(&v[0], &v[1]), Ordering::Greater);
        prop_assert_ne!(order(&v[1], &v[2]), Ordering::Greater);
        prop_assert_ne!(order(&v[0], &v[2]), Ordering::Greater);
        // Ties are transitive too.
        if order(&v[0], &v[1]) == Ordering::Equal && order(&v[1], &v[2]) == Ordering::Equal {
            prop_assert_eq!(order(&v[0], &v[2]), Ordering::Equal);
        }
    }

    #[test]
    fn ties_of_the_order_are_the_equivalent_values(a in value(), b in value()) {
        prop_assert_eq!(order(&a, &b) == Ordering::Equal, equivalent(&a, &b));
    }

    #[test]
    fn equivalent_values_hash_alike(a in value(), b in value()) {
        prop_assert!(equivalent(&a, &a));
        prop_assert_eq!(equivalent(&a, &b), equivalent(&b, &a));
        if equivalent(&a, &b) {
            prop_assert_eq!(hash_of(&a), hash_of(&b));
        }
    }

    #[test]
    fn equality_is_symmetric_and_agrees_with_equivalence(a in value(), b in value()) {
        prop_assert_eq!(equals(&a, &b), equals(&b, &a));
        if equals(&a, &b) == Some(true) {
            prop_assert!(equivalent(&a, &b));
        }
        // Without nulls or NaN inside, equality is never unknown and is equivalence.
        if !has_null_or_nan(&a) && !has_null_or_nan(&b) {
            prop_assert_eq!(equals(&a, &b), Some(equivalent(&a, &b)));
        }
        // Null compares as unknown with everything, itself included.
        prop_assert_eq!(equals(&Value::Null, &a), None);
        prop_assert_eq!(compare(&Value::Null, &a), None);
    }

    #[test]
    fn comparison_agrees_with_the_order_where_defined(a in value(), b in value()) {
        if let Some(o) = compare(&a, &b) {
            prop_assert_eq!(order(&a, &b), o);
            prop_assert_eq!(compare(&b, &a), Some(o.reverse()));
        }
    }

    #[test]
    fn null_sorts_last(a in value()) {
        prop_assert_ne!(order(&a, &Value::Null), Ordering::Greater);
    }

    #[test]
    fn integer_overflow_is_an_error(a in int(), b in int()) {
        let (x, y) = (Value::Int(a), Value::Int(b));
        let cases: [(&str, Option<i64>, baobab::Result<Value>); 3] = [
            ("+", a.checked_add(b), ops::add(&x, &y)),
            ("-", a.checked_sub(b), ops::sub(&x, &y)),
            ("*", a.checked_mul(b), ops::mul(&x, &y)),
        ];
        for (op, expected, got) in cases {
            match (expected, got) {
                (Some(e), Ok(v)) => prop_assert_eq!(v, Value::Int(e), "{} {} {}", a, op, b),
                (None, Err(e)) => prop_assert_eq!(e.kind, ErrorKind::ArithmeticError),
                (e, g) => prop_assert!(false, "{} {} {}: expected {:?}, got {:?}", a, op, b, e, g),
            }
        }
        if b != 0 {
            let got = ops::div(&x, &y);
            match a.checked_div(b) {
                Some(q) => prop_assert_eq!(got.unwrap(), Value::Int(q)),
                None => prop_assert_eq!(got.unwrap_err().kind, ErrorKind::ArithmeticError),
            }
            // The remainder always fits (i64::MIN % -1 is 0), so `%` never overflows.
            prop_assert_eq!(ops::modulo(&x, &y).unwrap(), Value::Int(a.wrapping_rem(b)));
        } else {
            prop_assert_eq!(ops::div(&x, &y).unwrap_err().kind, ErrorKind::ArithmeticError);
            prop_assert_eq!(ops::modulo(&x, &y).unwrap_err().kind, ErrorKind::ArithmeticError);
        }
        match a.checked_neg() {
            Some(n) => prop_assert_eq!(ops::neg(&x).unwrap(), Value::Int(n)),
            None => prop_assert_eq!(ops::neg(&x).unwrap_err().kind, ErrorKind::ArithmeticError),
        }
    }

    #[test]
    fn overflow_in_queries_is_an_error(a in int(), b in int()) {
        let db = Database::in_memory();
        let mut params = Params::new();
        params.insert("a".into(), Value::Int(a));
        params.insert("b".into(), Value::Int(b));
        let r = db.execute("RETURN $a + $b AS s, $a * $b AS p, abs($a) AS m", &params);
        let fits = a.checked_add(b).is_some() && a.checked_mul(b).is_some() && a.checked_abs().is_some();
        match r {
            Ok(r) => {
                prop_assert!(fits, "{} and {} should overflow", a, b);
                prop_assert_eq!(&r.rows[0], &vec![Value::Int(a + b), Value::Int(a * b), Value::Int(a.abs())]);
            }
            Err(e) => {
                prop_assert!(!fits, "{}", e);
                prop_assert_eq!(e.kind, ErrorKind::ArithmeticError);
            }
        }
    }

    #[test]
    fn values_round_trip_through_parameters(v in value()) {
        let db = Database::in_memory();
        let r = db.execute("RETURN $p AS v", &param(&v)).unwrap();
        prop_assert!(same(&r.rows[0][0], &v), "{:?} came back as {:?}", v, r.rows[0][0]);
    }

    #[test]
    fn values_round_trip_through_the_store(v in storable()) {
        let db = Database::in_memory();
        db.execute("CREATE (:N {p: $p})", &param(&v)).unwrap();
        let r = db.execute("MATCH (n:N) RETURN n.p AS v", &Params::new()).unwrap();
        prop_assert!(same(&r.rows[0][0], &v), "{:?} came back as {:?}", v, r.rows[0][0]);
    }

    #[test]
    fn values_round_trip_through_the_log_and_snapshots(
        values in prop::collection::vec(storable(), 1..6)
    ) {
        // Removed when the case ends, also when it fails (and proptest shrinks it).
        let dir = common::temp_dir("prop", "round-trip");
        let path = dir.join("g.baobab");
        let options = baobab::OpenOptions {
            sync: baobab::SyncMode::Off,
            checkpoint_on_close: false,
            ..baobab::OpenOptions::default()
        };
        let db = Database::open_with(&path, &options).unwrap();
        for (i, v) in values.iter().enumerate() {
            let mut p = param(v);
            p.insert("i".to_string(), Value::Int(i as i64));
            db.execute("CREATE (:N {i: $i, p: $p})", &p).unwrap();
        }
        drop(db);
        // First from the log (replayed), then from a snapshot (checkpointed).
        for _ in 0..2 {
            let db = Database::open_with(&path, &options).unwrap();
            let r = db
                .execute("MATCH (n:N) RETURN n.p AS v ORDER BY n.i", &Params::new())
                .unwrap();
            prop_assert_eq!(r.rows.len(), values.len());
            for (row, v) in r.rows.iter().zip(&values) {
                prop_assert!(same(&row[0], v), "{:?} came back as {:?}", v, row[0]);
            }
            db.checkpoint().unwrap();
        }
    }

    #[test]
    fn values_round_trip_through_cypher_literals(v in literal_value()) {
        let db = Database::in_memory();
        let text = format!("RETURN {v} AS v");
        let r = db.execute(&text, &Params::new());
        prop_assert!(r.is_ok(), "{} does not run: {:?}", text, r.err());
        let r = r.unwrap();
        prop_assert!(same(&r.rows[0][0], &v), "{} gave {:?}", text, r.rows[0][0]);
    }

    #[test]
    fn order_by_sorts_by_the_order(values in prop::collection::vec(value(), 0..12)) {
        let db = Database::in_memory();
        let list = Value::List(values.clone());
        let r = db.execute("UNWIND $p AS v RETURN v ORDER BY v", &param(&list)).unwrap();
        let got: Vec<Value> = r.rows.into_iter().map(|mut row| row.remove(0)).collect();
        prop_assert_eq!(got.len(), values.len());
        for w in got.windows(2) {
            prop_assert_ne!(order(&w[0], &w[1]), Ordering::Greater, "{:?}", got);
        }
        let r = db.execute("UNWIND $p AS v RETURN v ORDER BY v DESC", &param(&list)).unwrap();
        let desc: Vec<Value> = r.rows.into_iter().map(|mut row| row.remove(0)).collect();
        for w in desc.windows(2) {
            prop_assert_ne!(order(&w[0], &w[1]), Ordering::Less, "{:?}", desc);
        }
    }

    /// A top-k (lazy keys, kept rows read by position) answers the first `k` rows of the
    /// full sort, ties in arrival order, over keys of mixed types with many ties.
    #[test]
    fn a_top_k_is_the_start_of_the_full_sort(
        rows in prop::collection::vec((scalar_or_null(), scalar_or_null()), 0..40),
        k in 0i64..12,
    ) {
        let db = Database::in_memory();
        let rows: Vec<Value> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (a, b))| {
                let map = [("a", a), ("b", b), ("i", Value::Int(i as i64))]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                Value::Map(map)
            })
            .collect();
        db.execute("UNWIND $p AS r CREATE (:T {a: r.a, b: r.b, i: r.i})", &param(&Value::List(rows)))
            .unwrap();
        let query = "MATCH (n:T) RETURN n.b AS b, n.i AS i, n.a AS a ORDER BY a DESC, b";
        let all = db.execute(query, &Params::new()).unwrap().rows.to_vecs();
        let mut params = Params::new();
        params.insert("k".to_string(), Value::Int(k));
        let top = db.execute(&format!("{query} LIMIT $k"), &params).unwrap().rows.to_vecs();
        let expected: Vec<Vec<Value>> = all.into_iter().take(k as usize).collect();
        prop_assert_eq!(top.len(), expected.len());
        for (t, e) in top.iter().zip(&expected) {
            prop_assert!(t.iter().zip(e).all(|(x, y)| same(x, y)), "{:?} against {:?}", top, expected);
        }
    }

    /// A top-k over many more rows than its limit (it gathers rows past the limit and cuts
    /// them back to the best, several times) answers what a stable sort of the same rows
    /// computed here does: first keys with many ties, of one kind or of several (the kind
    /// may change after a cut), a second key, and ties left in arrival order.
    #[test]
    fn a_top_k_over_many_rows_is_their_stable_sort_cut(
        firsts in prop_oneof![
            prop::collection::vec((0i64..8).prop_map(Value::Int), 0..300),
            prop::collection::vec("[ab]{0,9}".prop_map(Value::from), 0..300),
            prop::collection::vec(scalar_or_null(), 0..300),
            // Integers, then strings: the kind changes after the first cuts (negative
            // integers and strings that start past ASCII, whose numbers do not order as
            // the kinds do).
            (
                prop::collection::vec((-3i64..8).prop_map(Value::Int), 0..150),
                prop::collection::vec("[a\u{e9}]{0,3}".prop_map(Value::from), 0..150),
            )
                .prop_map(|(mut ints, strings)| {
                    ints.extend(strings);
                    ints
                }),
        ],
        seconds in prop::collection::vec(0i64..3, 300),
        k in 0usize..70,
        desc in any::<bool>(),
    ) {
        let db = Database::in_memory();
        let rows: Vec<Value> = firsts
            .iter()
            .zip(&seconds)
            .enumerate()
            .map(|(i, (a, b))| Value::List(vec![a.clone(), Value::Int(*b), Value::Int(i as i64)]))
            .collect();
        let rows = param(&Value::List(rows));
        // Each node hangs off one of seven hubs, which are expanded in turn.
        db.execute(
            "UNWIND range(0, 6) AS h CREATE (:H {h: h}) WITH count(*) AS made \
             UNWIND $p AS r MATCH (h:H {h: r[2] % 7}) \
             CREATE (h)-[:R]->(:T {a: r[0], b: r[1], i: r[2]})",
            &rows,
        )
        .unwrap();
        let dir = if desc { "DESC" } else { "" };
        let order_by = format!("ORDER BY a {dir}, b LIMIT {k}");
        // Rows from a scan, from expansions (the top-k bounds them), and from a list (the
        // top-k drops rows itself).
        let queries = [
            format!("MATCH (n:T) RETURN n.i AS i, n.a AS a, n.b AS b {order_by}"),
            // Arrival is by hub here: the position breaks the ties instead.
            format!("MATCH (:H)-[:R]->(n:T) RETURN n.i AS i, n.a AS a, n.b AS b ORDER BY a {dir}, b, i LIMIT {k}"),
            format!("UNWIND $p AS r RETURN r[2] AS i, r[0] AS a, r[1] AS b {order_by}"),
            // Keys that are not returned columns: kept after them, and not returned.
            format!("MATCH (n:T) RETURN n.i AS i ORDER BY n.a {dir}, n.b LIMIT {k}"),
            format!("MATCH (:H)-[:R]->(n:T) RETURN n.i AS i ORDER BY n.a {dir}, n.b, i LIMIT {k}"),
            format!("UNWIND $p AS r RETURN r[2] AS i ORDER BY r[0] {dir}, r[1] LIMIT {k}"),
            // Under a WITH: whole rows kept, then their keys.
            format!("MATCH (n:T) WITH n ORDER BY n.a {dir}, n.b LIMIT {k} RETURN n.i AS i"),
            format!("UNWIND $p AS r WITH r, r[0] AS a ORDER BY a {dir}, r[1] LIMIT {k} RETURN r[2] AS i"),
        ];
        let mut expected: Vec<(&Value, i64, i64)> = firsts
            .iter()
            .zip(seconds.iter().copied())
            .zip(0..)
            .map(|((a, b), i)| (a, b, i))
            .collect();
        expected.sort_by(|(a, b, _), (c, d, _)| {
            let o = order(a, c);
            if desc { o.reverse() } else { o }.then(b.cmp(d))
        });
        expected.truncate(k);
        for query in &queries {
            let got = db.execute(query, &rows).unwrap().rows.to_vecs();
            prop_assert_eq!(got.len(), expected.len());
            for (g, (a, b, i)) in got.iter().zip(&expected) {
                let shown = match g.as_slice() {
                    [gi, ga, gb] => same(gi, &Value::Int(*i)) && same(ga, a) && same(gb, &Value::Int(*b)),
                    [gi] => same(gi, &Value::Int(*i)),
                    _ => false,
                };
                prop_assert!(shown, "{}: {:?} where {:?} was expected", query, g, (a, b, i));
            }
        }
    }

    /// A full sort by a string key (or an integer key) and a tie-breaker orders the rows as
    /// the strings' code points (the integers) do, in either direction: the sort first tells
    /// rows apart by a number made of the key's first bytes, and strings here often share
    /// them (or are prefixes of one another).
    #[test]
    fn a_sort_by_strings_or_integers_follows_their_order(
        strings in prop::collection::vec("[ab\u{0}\u{e9}]{0,10}", 0..30),
        ints in prop::collection::vec(any::<i64>(), 0..30),
        desc in any::<bool>(),
    ) {
        let (got, expected) = sorted_both_ways(&strings, desc, |a, b| a.as_bytes().cmp(b.as_bytes()));
        prop_assert_eq!(got, expected);
        let (got, expected) = sorted_both_ways(&ints, desc, |a, b| a.cmp(b));
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn distinct_keeps_one_of_each_equivalence_class(values in prop::collection::vec(value(), 0..12)) {
        let db = Database::in_memory();
        let r = db.execute("UNWIND $p AS v RETURN DISTINCT v", &param(&Value::List(values.clone()))).unwrap();
        let got: Vec<Value> = r.rows.into_iter().map(|mut row| row.remove(0)).collect();
        for (i, a) in got.iter().enumerate() {
            for b in &got[i + 1..] {
                prop_assert!(!equivalent(a, b), "{:?} and {:?} both kept", a, b);
            }
        }
        for v in &values {
            prop_assert!(got.iter().any(|g| equivalent(g, v)), "{:?} lost", v);
        }
    }
}

#[test]
fn maps_with_any_keys_print_as_valid_cypher() {
    let mut m = BTreeMap::new();
    m.insert("a b".to_string(), Value::Int(1));
    m.insert("`".to_string(), Value::Int(2));
    m.insert(String::new(), Value::Int(3));
    let v = Value::Map(m);
    let db = Database::in_memory();
    let r = db
        .execute(&format!("RETURN {v} AS v"), &Params::new())
        .unwrap();
    assert_eq!(r.rows[0][0], v);
}

#[test]
fn names_that_are_not_identifiers_are_backticked() {
    // U+0730 is alphabetic but not XID_START: the grammar reads it only in backticks.
    for key in ["\u{730}", "a\u{300}", "x-y", "1a", "_1", "été"] {
        let mut m = BTreeMap::new();
        m.insert(key.to_string(), Value::Int(1));
        let v = Value::Map(m);
        let db = Database::in_memory();
        let r = db.execute(&format!("RETURN {v} AS v"), &Params::new());
        assert_eq!(r.map(|r| r.rows[0][0].clone()).ok(), Some(v), "key {key:?}");
    }
}
