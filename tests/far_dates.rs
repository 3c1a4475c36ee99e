//! Dates beyond chrono's years (-262,143 to 262,142), up to Cypher's ±999,999,999
//! (decision 0031).
//!
//! The calendar repeats every 400 years, so a date moved by whole 400-year cycles must
//! keep everything but its years, and a difference between two dates must change by whole
//! cycles only. These properties are checked through Cypher against dates chrono holds
//! itself, whatever path the engine takes for either.

use baobab::{Database, ErrorKind, Params, Value};
use proptest::prelude::*;

mod common;

/// Whole 400-year cycles: near (within chrono's years), at its edge, and far.
fn cycles() -> impl Strategy<Value = i64> {
    prop_oneof![
        -2_400_000i64..=2_400_000,
        -700i64..=700,
        650i64..=660,
        Just(0),
    ]
}

/// A date chrono holds: year, month, day.
fn date() -> impl Strategy<Value = (i64, i64, i64)> {
    (-2000i64..=2000, 1i64..=12, 1i64..=31).prop_map(|(y, m, d)| {
        let last = match m {
            2 if y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (y, m, d.min(last))
    })
}

fn params(pairs: &[(&str, i64)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Int(*v)))
        .collect()
}

/// The single row of `query`.
fn row(db: &Database, query: &str, p: &Params) -> Vec<Value> {
    let r = db
        .execute(query, p)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    assert_eq!(r.rows.len(), 1, "{query}");
    r.rows.into_iter().next().unwrap_or_default()
}

proptest! {
    #![proptest_config(common::proptest_config())]

    #[test]
    fn a_date_moved_by_whole_cycles_keeps_all_but_its_years(
        (y, m, d) in date(),
        k in cycles(),
    ) {
        let db = Database::in_memory();
        let r = row(&db, "
            WITH date({year: $y, month: $m, day: $d}) AS a,
                 date({year: $y + 400 * $k, month: $m, day: $d}) AS f
            RETURN f.year - a.year, f.weekYear - a.weekYear,
                   [f.month, f.day, f.dayOfWeek, f.week, f.ordinalDay, f.quarter, f.dayOfQuarter]
                     = [a.month, a.day, a.dayOfWeek, a.week, a.ordinalDay, a.quarter,
                        a.dayOfQuarter],
                   date(toString(f)) = f,
                   duration.inDays(a, f).days,
                   date.truncate('week', f) = date({year: f.weekYear, week: f.week}),
                   (a < f) = ($k > 0)",
            &params(&[("y", y), ("m", m), ("d", d), ("k", k)]));
        prop_assert_eq!(&r[0], &Value::Int(400 * k));
        prop_assert_eq!(&r[1], &Value::Int(400 * k));
        prop_assert_eq!(&r[2], &Value::Bool(true));
        prop_assert_eq!(&r[3], &Value::Bool(true));
        prop_assert_eq!(&r[4], &Value::Int(146_097 * k));
        prop_assert_eq!(&r[5], &Value::Bool(true));
        prop_assert_eq!(&r[6], &Value::Bool(true));
    }

    #[test]
    fn a_difference_across_cycles_grows_by_whole_cycles(
        a in date(),
        b in date(),
        (ha, hb) in (0i64..24, 0i64..24),
        k in cycles(),
        n in prop_oneof![0i64..=3, 0i64..=4_000_000],
    ) {
        // From the earlier to the later, moved apart by `n` more cycles: the difference
        // keeps its direction, so only its months grow.
        let ((a, ha), (b, hb)) = if (a, ha) <= (b, hb) { ((a, ha), (b, hb)) } else { ((b, hb), (a, ha)) };
        prop_assume!((-2_400_000..=2_400_000).contains(&(k + n)));
        let db = Database::in_memory();
        let r = row(&db, "
            WITH localdatetime({year: $ya, month: $ma, day: $da, hour: $ha}) AS a,
                 localdatetime({year: $yb, month: $mb, day: $db, hour: $hb}) AS b,
                 localdatetime({year: $ya + 400 * $k, month: $ma, day: $da, hour: $ha}) AS fa,
                 localdatetime({year: $yb + 400 * ($k + $n), month: $mb, day: $db, hour: $hb}) AS fb
            WITH duration.between(a, b) AS near, duration.between(fa, fb) AS far,
                 duration.inSeconds(a, b) AS sa, duration.inSeconds(fa, fb) AS sf,
                 duration.inMonths(fa, fb) AS mf
            RETURN far.months - near.months, far.days - near.days,
                   far.seconds - near.seconds, sf.seconds - sa.seconds, mf.months - far.months",
            &params(&[
                ("ya", a.0), ("ma", a.1), ("da", a.2), ("ha", ha),
                ("yb", b.0), ("mb", b.1), ("db", b.2), ("hb", hb),
                ("k", k), ("n", n),
            ]));
        prop_assert_eq!(&r[0], &Value::Int(4800 * n));
        prop_assert_eq!(&r[1], &Value::Int(0));
        prop_assert_eq!(&r[2], &Value::Int(0));
        prop_assert_eq!(&r[3], &Value::Int(146_097 * 86_400 * n));
        prop_assert_eq!(&r[4], &Value::Int(0));
    }

    #[test]
    fn adding_a_duration_commutes_with_moving_by_cycles(
        (y, m, d) in date(),
        h in 0i64..24,
        k in cycles(),
        (months, days, seconds) in (-30i64..30, -400i64..400, -200_000i64..200_000),
        q in prop_oneof![Just(0i64), -10_000i64..10_000],
        p in prop_oneof![Just(0i64), -10_000i64..10_000],
    ) {
        // `q` whole cycles of months and `p` of days in the duration move the result by as
        // many cycles (more than chrono's years hold, when they are thousands).
        let db = Database::in_memory();
        let r = row(&db, "
            WITH localdatetime({year: $y, month: $m, day: $d, hour: $h}) AS a,
                 localdatetime({year: $y + 400 * $k, month: $m, day: $d, hour: $h}) AS f,
                 duration({months: $months, days: $days, seconds: $seconds}) AS dur
            WITH a, f, dur, a + dur AS x,
                 dur + duration({months: 4800 * $q, days: 146097 * $p}) AS more
            WITH x, date(a) + dur AS dx, f + more AS fx, date(f) + more AS fdx
            RETURN fx = localdatetime({year: x.year + 400 * ($k + $q + $p), month: x.month,
                                       day: x.day, hour: x.hour, minute: x.minute,
                                       second: x.second}),
                   fdx = date({year: dx.year + 400 * ($k + $q + $p), month: dx.month,
                               day: dx.day})",
            &params(&[
                ("y", y), ("m", m), ("d", d), ("h", h), ("k", k),
                ("months", months), ("days", days), ("seconds", seconds), ("q", q), ("p", p),
            ]));
        prop_assert_eq!(&r[0], &Value::Bool(true));
        prop_assert_eq!(&r[1], &Value::Bool(true));
    }
}

#[test]
fn the_ends_of_the_range_print_compare_and_persist() {
    let db = Database::in_memory();
    let p = Params::new();
    let r = row(
        &db,
        "WITH date('-999999999-01-01') AS lo, date('+999999999-12-31') AS hi
         RETURN toString(lo), toString(hi), lo < date('2020-01-01') < hi,
                toString(duration.between(lo, hi)), hi.dayOfWeek, lo.weekYear",
        &p,
    );
    assert_eq!(r[0], Value::from("-999999999-01-01"));
    assert_eq!(r[1], Value::from("+999999999-12-31"));
    assert_eq!(r[2], Value::Bool(true));
    assert_eq!(r[3], Value::from("P1999999998Y11M30D"));
    // 146,097 days a cycle are whole weeks: +999999999-12-31 is a weekday of 1999-12-31
    // (a Friday), 999,998,000 years being 2,499,995 cycles.
    assert_eq!(r[4], Value::Int(5));
    // -999999999-01-01 falls on the weekday of 0001-01-01, a Monday: week 1 of its own year.
    assert_eq!(r[5], Value::Int(-999_999_999));

    // Stored in a property, kept by the log and read back after a reopen.
    let dir = common::temp_dir("far_dates", "ends");
    let path = dir.join("far.db");
    {
        let db = Database::open(&path).unwrap();
        db.execute(
            "CREATE (:E {d: date('+999999999-12-31'), t: localdatetime('-999999999-01-01T12:30')})",
            &p,
        )
        .unwrap();
    }
    for _ in 0..2 {
        let db = Database::open(&path).unwrap();
        let r = row(&db, "MATCH (e:E) RETURN toString(e.d), toString(e.t)", &p);
        assert_eq!(r[0], Value::from("+999999999-12-31"));
        assert_eq!(r[1], Value::from("-999999999-01-01T12:30"));
        db.checkpoint().unwrap();
    }
}

#[test]
fn beyond_the_range_and_zoned_far_values_are_errors() {
    let db = Database::in_memory();
    let p = Params::new();
    for (query, needle) in [
        ("RETURN date('+1000000000-01-01')", "invalid value for year"),
        ("RETURN date({year: -1000000000})", "invalid value for year"),
        (
            "RETURN date('+999999999-12-31') + duration('P1D')",
            "invalid date",
        ),
        (
            "RETURN localdatetime('-999999999-01-01') - duration('PT1S')",
            "invalid date",
        ),
        // Far out in seconds: chrono's delta would panic past some 292 million years.
        (
            "RETURN localdatetime('2020-01-01') + duration('PT17531639991215H')",
            "invalid date",
        ),
        (
            "RETURN datetime('2020-01-01T00:00Z') + duration('PT17531639991215H')",
            "invalid date",
        ),
        (
            "RETURN datetime('+999999999-12-31T00:00Z')",
            "zoned date-time",
        ),
        ("RETURN datetime('+262143-01-01T00:00Z')", "262142"),
        (
            "RETURN datetime({date: date('-300000-01-01'), timezone: 'Europe/Paris'})",
            "zoned date-time",
        ),
    ] {
        let e = db.execute(query, &p).expect_err(query);
        assert_eq!(e.kind, ErrorKind::TypeError, "{query}: {e}");
        assert!(e.message.contains(needle), "{query}: {e}");
    }
}

#[test]
fn duration_arithmetic_past_the_integers_is_an_error_not_a_clamp() {
    let db = Database::in_memory();
    let p = Params::new();
    for query in [
        "RETURN duration({months: 9223372036854775807}) + duration({months: 1})",
        "RETURN duration({seconds: 9223372036854775807}) + duration({seconds: 1})",
        "RETURN duration({days: 9223372036854775807}) * 2",
        "RETURN duration('P1Y') * 1e30",
        "RETURN duration('P1D') / 0",
        "RETURN -duration({days: -9223372036854775807 - 1})",
        "RETURN date('2020-01-01') - duration({months: -9223372036854775807 - 1})",
        // Constructors: a carry past the integers, from a map or a string.
        "RETURN duration({years: 9223372036854775807})",
        "RETURN duration({seconds: 9223372036854775807, nanoseconds: 2000000000})",
        "RETURN duration({months: 1e300})",
        "RETURN duration('P9223372036854775807Y')",
    ] {
        let e = db.execute(query, &p).expect_err(query);
        assert_eq!(e.kind, ErrorKind::ArithmeticError, "{query}: {e}");
        assert!(e.message.contains("duration overflow"), "{query}: {e}");
    }
    // Within the integers, scaling cascades fractions as before.
    let r = row(
        &db,
        "RETURN toString(duration('P1Y2M3DT4.5S') * 2.5), toString(duration('P10D') / 4),
                toString(duration({seconds: 9223372036854775806}) + duration({seconds: 1}))",
        &p,
    );
    assert_eq!(r[0], Value::from("P2Y11M7DT12H11.25S"));
    assert_eq!(r[1], Value::from("P2DT12H"));
    assert_eq!(r[2], Value::from("PT2562047788015215H30M7S"));
}

#[test]
fn only_a_dash_after_more_than_four_digits_makes_a_long_year() {
    let db = Database::in_memory();
    let r = row(
        &db,
        "RETURN date('+20150101') = date('2015-01-01'), date('-04000101') = date('-0400-01-01'),
                date('-0400001') = date('-0400-01-01'), date('+12345-01-01').year,
                date('-0400W011') = date('-0400-W01-1')",
        &Params::new(),
    );
    let t = Value::Bool(true);
    assert_eq!(
        r,
        vec![t.clone(), t.clone(), t.clone(), Value::Int(12345), t]
    );
}

#[test]
fn zones_read_a_far_date_as_a_day_chrono_holds_of_the_same_era() {
    // A zone keeps its last rules after its tables end and uses local mean time before its
    // first: a far date is read as a near one on the same side.
    let db = Database::in_memory();
    let r = row(
        &db,
        "WITH datetime('2020-07-01T00:30[Europe/Stockholm]') AS z
         RETURN duration.inDays(z, date('+262143-01-01')).days
                  - duration.inDays(z, date('+262142-01-01')).days,
                duration.inSeconds(z, localdatetime('+297602-01-01')).seconds
                  - duration.inSeconds(z, localdatetime('2002-01-01')).seconds,
                time({time: localdatetime('+300000-01-01T10:00'), timezone: '+01:00'})
                  = time('10:00+01:00'),
                time({time: localdatetime('-300000-07-01T10:00'), timezone: 'Europe/Stockholm'})
                  = time({time: localdatetime('1000-07-01T10:00'), timezone: 'Europe/Stockholm'}),
                time({time: localdatetime('+300000-07-01T10:00'), timezone: 'Europe/Stockholm'})
                  = time({time: localdatetime('2500-07-01T10:00'), timezone: 'Europe/Stockholm'})",
        &Params::new(),
    );
    // +262142 is no leap year; 295,600 years are 739 cycles.
    assert_eq!(r[0], Value::Int(365));
    assert_eq!(r[1], Value::Int(739 * 146_097 * 86_400));
    assert_eq!(
        r[2..],
        [Value::Bool(true), Value::Bool(true), Value::Bool(true)]
    );
}
