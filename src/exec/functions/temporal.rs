//! Temporal functions: `date`, `localtime`, `time`, `localdatetime`, `datetime`,
//! `duration` and their dotted helpers (`duration.between`, `date.truncate`, ...).

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc, Weekday};

use crate::error::{detail, Error, ErrorKind, Result};
use crate::value::temporal::{
    duration_overflow, instant_nanos, invalid_date, shift, time_nanos, Date, Duration, Temporal,
    Zone, CYCLE_DAYS, MAX_YEAR, MIN_YEAR, NANOS,
};
use crate::value::Value;

use super::{arg, invalid_value, EntityView};

fn bad(msg: impl Into<String>) -> Error {
    Error::runtime(
        ErrorKind::TypeError,
        detail::INVALID_ARGUMENT_VALUE,
        msg.into(),
    )
}

fn tv(t: Temporal) -> Value {
    Value::Temporal(Box::new(t))
}

/// Which temporal type a constructor builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Date,
    LocalTime,
    Time,
    LocalDateTime,
    DateTime,
}

impl Kind {
    fn has_date(self) -> bool {
        matches!(self, Kind::Date | Kind::LocalDateTime | Kind::DateTime)
    }
    fn has_time(self) -> bool {
        !matches!(self, Kind::Date)
    }
}

fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &s[1..];
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m, sec) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?, 0),
        6 => (
            digits[..2].parse().ok()?,
            digits[2..4].parse().ok()?,
            digits[4..].parse().ok()?,
        ),
        _ => return None,
    };
    if h > 18 || m > 59 || sec > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + sec))
}

fn parse_zone(s: &str) -> Result<Zone> {
    if let Some(o) = parse_offset(s) {
        return Ok(Zone::Fixed(o));
    }
    match chrono_tz::Tz::from_str(s) {
        Ok(tz) => Ok(Zone::Named(tz, s.into())),
        Err(_) => Err(bad(format!("unknown time zone `{s}`"))),
    }
}

fn zone_of(t: &Temporal) -> Option<Zone> {
    match t {
        Temporal::DateTime(_, _, Some(n)) => chrono_tz::Tz::from_str(n)
            .ok()
            .map(|tz| Zone::Named(tz, n.clone())),
        Temporal::DateTime(_, o, None) | Temporal::Time(_, o) => Some(Zone::Fixed(*o)),
        _ => None,
    }
}

thread_local! {
    /// The statement clock approximation: one reading reused for 100 ms on this thread, so
    /// that several `date()`/`datetime()` calls in one statement agree.
    static CLOCK: std::cell::Cell<Option<(std::time::Instant, NaiveDateTime)>> =
        const { std::cell::Cell::new(None) };
}

/// The current UTC date-time (see [`CLOCK`]).
fn utc_now() -> NaiveDateTime {
    CLOCK.with(|c| match c.get() {
        Some((at, v)) if at.elapsed() < std::time::Duration::from_millis(100) => v,
        _ => {
            let v = Utc::now().naive_utc();
            c.set(Some((std::time::Instant::now(), v)));
            v
        }
    })
}

fn today() -> NaiveDate {
    utc_now().date()
}

// ---------------------------------------------------------------------------------------
// Construction from maps.

fn map_int(m: &BTreeMap<String, Value>, key: &str) -> Result<Option<i64>> {
    let found = m
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|e| e.1);
    match found {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(Value::Float(f)) if f.is_finite() => Ok(Some(*f as i64)),
        Some(v) => Err(invalid_value(key, "an INTEGER", v)),
    }
}

fn map_get<'a>(m: &'a BTreeMap<String, Value>, key: &str) -> Option<&'a Value> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|e| e.1)
        .filter(|v| !v.is_null())
}

fn map_temporal<'a>(m: &'a BTreeMap<String, Value>, key: &str) -> Result<Option<&'a Temporal>> {
    match map_get(m, key) {
        None => Ok(None),
        Some(Value::Temporal(t)) => Ok(Some(t)),
        Some(v) => Err(invalid_value(key, "a temporal value", v)),
    }
}

fn to_u32(v: i64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| bad(format!("invalid value for {what}: {v}")))
}

fn weekday(n: i64) -> Result<Weekday> {
    Ok(match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => return Err(bad(format!("invalid day of week {n}"))),
    })
}

/// `y` when it is a year a [`Date`] reaches.
fn year(y: i64) -> Result<i64> {
    if (MIN_YEAR..=MAX_YEAR).contains(&y) {
        Ok(y)
    } else {
        Err(bad(format!("invalid value for year: {y}")))
    }
}

fn ymd(y: i64, m: i64, d: i64) -> Result<Date> {
    Date::from_ymd(year(y)?, to_u32(m, "month")?, to_u32(d, "day")?)
        .ok_or_else(|| bad(format!("invalid date: no day {d} of month {m} in year {y}")))
}

fn yo(y: i64, ordinal: i64) -> Result<Date> {
    Date::from_yo(year(y)?, to_u32(ordinal, "ordinalDay")?)
        .ok_or_else(|| bad(format!("invalid date: no day {ordinal} in year {y}")))
}

fn ywd(y: i64, week: i64, day: Weekday) -> Result<Date> {
    Date::from_isoywd(year(y)?, to_u32(week, "week")?, day)
        .ok_or_else(|| bad(format!("invalid date: no week {week} in week-year {y}")))
}

/// `e`, its message naming the text `s` it was raised on, unless it does already.
fn in_text(mut e: Error, s: &str) -> Error {
    if !e.message.contains(&format!("`{s}`")) {
        e.message = format!("{} (in `{s}`)", e.message);
    }
    e
}

fn quarter_start(y: i64, q: i64) -> Result<Date> {
    if !(1..=4).contains(&q) {
        return Err(bad(format!("invalid quarter {q}")));
    }
    ymd(y, (q - 1) * 3 + 1, 1)
}

/// Resolves the date fields of a constructor map, with `base` supplying missing fields.
fn resolve_date(m: &BTreeMap<String, Value>, base: Option<Date>) -> Result<Date> {
    let year = map_int(m, "year")?;
    // Month, day, weekday and ISO week of the base: those of its day in the first 400-year
    // cycle. Its years are read from the base itself.
    let cycle = base.map(Date::same_in_cycle);
    let week = map_int(m, "week")?;
    let dow = map_int(m, "dayOfWeek")?;
    let ordinal = map_int(m, "ordinalDay")?;
    let quarter = map_int(m, "quarter")?;
    let doq = map_int(m, "dayOfQuarter")?;
    if week.is_some() || (dow.is_some() && base.is_some() && year.is_none()) {
        let y = match (year, base) {
            (Some(y), _) => y,
            (None, Some(b)) => b.iso_year(),
            (None, None) => return Err(bad("year is required")),
        };
        let w = match (week, cycle) {
            (Some(w), _) => w,
            (None, Some(b)) => i64::from(b.iso_week().week()),
            (None, None) => 1,
        };
        let d = match (dow, cycle) {
            (Some(d), _) => weekday(d)?,
            (None, Some(b)) => b.weekday(),
            (None, None) => Weekday::Mon,
        };
        return ywd(y, w, d);
    }
    let y = match (year, base) {
        (Some(y), _) => y,
        (None, Some(b)) => b.year(),
        (None, None) => return Err(bad("year is required")),
    };
    if let Some(o) = ordinal {
        return yo(y, o);
    }
    if let Some(q) = quarter {
        let start = quarter_start(y, q)?;
        return match (doq, cycle) {
            (Some(d), _) if d >= 1 => start
                .days()
                .checked_add(d - 1)
                .and_then(Date::from_days)
                .filter(|r| (i64::from(r.same_in_cycle().month()) - 1) / 3 + 1 == q)
                .ok_or_else(invalid_date),
            (Some(_), _) => Err(invalid_date()),
            (None, Some(b)) => ymd(
                y,
                (q - 1) * 3 + (i64::from(b.month()) - 1) % 3 + 1,
                i64::from(b.day()),
            ),
            (None, None) => Ok(start),
        };
    }
    let month = map_int(m, "month")?
        .or(cycle.map(|b| i64::from(b.month())))
        .unwrap_or(1);
    let day = map_int(m, "day")?
        .or(cycle.map(|b| i64::from(b.day())))
        .unwrap_or(1);
    ymd(y, month, day)
}

/// Resolves the time fields of a constructor map, with `base` supplying missing fields.
fn resolve_time(m: &BTreeMap<String, Value>, base: Option<NaiveTime>) -> Result<NaiveTime> {
    let hour = map_int(m, "hour")?;
    let minute = map_int(m, "minute")?;
    let second = map_int(m, "second")?;
    let ms = map_int(m, "millisecond")?;
    let us = map_int(m, "microsecond")?;
    let ns = map_int(m, "nanosecond")?;
    let h = hour.or(base.map(|b| i64::from(b.hour()))).unwrap_or(0);
    let mi = minute.or(base.map(|b| i64::from(b.minute()))).unwrap_or(0);
    let s = second.or(base.map(|b| i64::from(b.second()))).unwrap_or(0);
    let nanos = if ms.is_some() || us.is_some() || ns.is_some() {
        let (ms, us, ns) = (ms.unwrap_or(0), us.unwrap_or(0), ns.unwrap_or(0));
        if !(0..1000).contains(&ms) || !(0..1_000_000).contains(&us) || !(0..NANOS).contains(&ns) {
            return Err(bad("invalid sub-second value"));
        }
        ms * 1_000_000 + us * 1000 + ns
    } else {
        base.map(|b| i64::from(b.nanosecond())).unwrap_or(0)
    };
    if nanos >= NANOS {
        return Err(bad("invalid sub-second value"));
    }
    NaiveTime::from_hms_nano_opt(
        to_u32(h, "hour")?,
        to_u32(mi, "minute")?,
        to_u32(s, "second")?,
        to_u32(nanos, "nanosecond")?,
    )
    .ok_or_else(|| bad("invalid time"))
}

fn from_epoch(secs: i64, nanos: i64) -> Result<NaiveDateTime> {
    let total = i128::from(secs) * i128::from(NANOS) + i128::from(nanos);
    let s = i64::try_from(total.div_euclid(i128::from(NANOS))).map_err(|_| invalid_date())?;
    let n = u32::try_from(total.rem_euclid(i128::from(NANOS))).map_err(|_| invalid_date())?;
    chrono::DateTime::from_timestamp(s, n)
        .map(|d| d.naive_utc())
        .ok_or_else(invalid_date)
}

/// Builds a temporal of `kind` from a constructor map.
fn from_map(kind: Kind, m: &BTreeMap<String, Value>) -> Result<Temporal> {
    let zone = match map_get(m, "timezone") {
        None => None,
        Some(Value::String(s)) => Some(parse_zone(s)?),
        Some(v) => return Err(invalid_value("timezone", "a STRING", v)),
    };
    if kind == Kind::DateTime {
        let es = map_int(m, "epochSeconds")?;
        let em = map_int(m, "epochMillis")?;
        if es.is_some() || em.is_some() {
            let ns = map_int(m, "nanosecond")?.unwrap_or(0)
                + map_int(m, "microsecond")?.unwrap_or(0) * 1000
                + map_int(m, "millisecond")?.unwrap_or(0) * 1_000_000;
            let utc = match (es, em) {
                (Some(s), _) => from_epoch(s, ns)?,
                (None, Some(ms)) => {
                    from_epoch(ms.div_euclid(1000), ms.rem_euclid(1000) * 1_000_000 + ns)?
                }
                (None, None) => return Err(invalid_date()),
            };
            let zone = zone.unwrap_or(Zone::Fixed(0));
            let off = zone.offset_at_utc(&utc);
            return Ok(Temporal::DateTime(
                shift(utc, i64::from(off))?,
                off,
                zone.name(),
            ));
        }
    }
    let dt_base = map_temporal(m, "datetime")?;
    let date_base = map_temporal(m, "date")?.or(dt_base);
    let time_base = map_temporal(m, "time")?.or(dt_base);
    let base_zone = time_base.and_then(zone_of);

    let date = if kind.has_date() {
        Some(resolve_date(m, date_base.and_then(Temporal::date))?)
    } else {
        None
    };
    let time = if kind.has_time() {
        Some(resolve_time(m, time_base.and_then(Temporal::time))?)
    } else {
        None
    };
    Ok(match kind {
        Kind::Date => Temporal::Date(date.ok_or_else(invalid_date)?),
        Kind::LocalTime => Temporal::LocalTime(time.ok_or_else(invalid_date)?),
        Kind::LocalDateTime => Temporal::LocalDateTime(
            date.ok_or_else(invalid_date)?,
            time.ok_or_else(invalid_date)?,
        ),
        Kind::Time => {
            let t = time.ok_or_else(invalid_date)?;
            // The day matters only for a named zone's offset.
            let day = match time_base.and_then(Temporal::date) {
                Some(d) => d.for_zones(),
                None => today(),
            };
            let local = NaiveDateTime::new(day, t);
            match (zone, base_zone) {
                (Some(z), Some(bz)) => {
                    let boff = bz.offset_at_local(&local);
                    let utc = shift(local, -i64::from(boff))?;
                    let off = z.offset_at_utc(&utc);
                    Temporal::Time(shift(utc, i64::from(off))?.time(), off)
                }
                (Some(z), None) => Temporal::Time(t, z.offset_at_local(&local)),
                (None, Some(bz)) => Temporal::Time(t, bz.offset_at_local(&local)),
                (None, None) => Temporal::Time(t, 0),
            }
        }
        Kind::DateTime => {
            let local = NaiveDateTime::new(
                date.ok_or_else(invalid_date)?.near()?,
                time.ok_or_else(invalid_date)?,
            );
            match (zone, base_zone) {
                (Some(z), Some(bz)) => {
                    let boff = bz.offset_at_local(&local);
                    let utc = shift(local, -i64::from(boff))?;
                    let off = z.offset_at_utc(&utc);
                    Temporal::DateTime(shift(utc, i64::from(off))?, off, z.name())
                }
                (Some(z), None) | (None, Some(z)) => {
                    Temporal::DateTime(local, z.offset_at_local(&local), z.name())
                }
                (None, None) => Temporal::DateTime(local, 0, None),
            }
        }
    })
}

/// Converts an existing temporal to `kind` (`date(datetimeValue)`).
fn convert(kind: Kind, t: &Temporal) -> Result<Temporal> {
    let mut m = BTreeMap::new();
    if let Some(d) = t.date() {
        m.insert("date".to_string(), tv(Temporal::Date(d)));
    }
    m.insert("time".to_string(), tv(t.clone()));
    if kind.has_date() && t.date().is_none() {
        return Err(bad(format!("cannot convert {} to a date", t.type_name())));
    }
    if kind.has_time()
        && t.time().is_none()
        && kind != Kind::DateTime
        && kind != Kind::LocalDateTime
    {
        return Err(bad(format!("cannot convert {} to a time", t.type_name())));
    }
    from_map(kind, &m)
}

fn now(kind: Kind) -> Temporal {
    let n = utc_now();
    match kind {
        Kind::Date => Temporal::date_of(n.date()),
        Kind::LocalTime => Temporal::LocalTime(n.time()),
        Kind::Time => Temporal::Time(n.time(), 0),
        Kind::LocalDateTime => Temporal::local_datetime(n),
        Kind::DateTime => Temporal::DateTime(n, 0, None),
    }
}

fn construct(kind: Kind, args: &[Value]) -> Result<Value> {
    if args.is_empty() {
        return Ok(tv(now(kind)));
    }
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => parse(kind, s).map(tv).map_err(|e| in_text(e, s)),
        Value::Map(m) => {
            if m.len() == 1 && map_get(m, "timezone").is_some() {
                // `date({timezone: 'Europe/Stockholm'})`: now in that zone.
                let zone = match map_get(m, "timezone") {
                    Some(Value::String(s)) => parse_zone(s)?,
                    _ => Zone::Fixed(0),
                };
                let utc = utc_now();
                let off = zone.offset_at_utc(&utc);
                let local = shift(utc, i64::from(off))?;
                return Ok(tv(match kind {
                    Kind::Date => Temporal::date_of(local.date()),
                    Kind::LocalTime => Temporal::LocalTime(local.time()),
                    Kind::Time => Temporal::Time(local.time(), off),
                    Kind::LocalDateTime => Temporal::local_datetime(local),
                    Kind::DateTime => Temporal::DateTime(local, off, zone.name()),
                }));
            }
            from_map(kind, m).map(tv)
        }
        Value::Temporal(t) => convert(kind, t).map(tv),
        v => Err(invalid_value("temporal constructor", "a STRING or MAP", v)),
    }
}

pub fn date(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    construct(Kind::Date, args)
}
pub fn localtime(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    construct(Kind::LocalTime, args)
}
pub fn time(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    construct(Kind::Time, args)
}
pub fn localdatetime(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    construct(Kind::LocalDateTime, args)
}
pub fn datetime(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    construct(Kind::DateTime, args)
}

// ---------------------------------------------------------------------------------------
// Parsing.

fn num(s: &str) -> Result<i64> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad(format!("invalid number `{s}`")));
    }
    s.parse().map_err(|_| bad(format!("invalid number `{s}`")))
}

fn parse_date(s: &str) -> Result<Date> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (Some(-1), &s[1..]),
        Some(b'+') => (Some(1), &s[1..]),
        _ => (None, s),
    };
    // Four digits of year, or more after a sign when a dash follows them
    // (`+999999999-12-31`): `+20150101` is the basic form of 2015-01-01.
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let long = sign.is_some() && digits > 4 && body.as_bytes().get(digits) == Some(&b'-');
    let len = if long { digits } else { 4 };
    if body.len() < len || !body.is_char_boundary(len) {
        return Err(bad(format!("invalid date `{s}`")));
    }
    let year = sign.unwrap_or(1) * num(&body[..len])?;
    let rest = &body[len..];
    let dashed = rest.starts_with('-');
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if rest.is_empty() {
        return ymd(year, 1, 1);
    }
    if let Some(w) = rest.strip_prefix('W') {
        let (week, day) = if dashed {
            match w.split_once('-') {
                Some((a, b)) => (num(a)?, num(b)?),
                None => (num(w)?, 1),
            }
        } else if w.len() == 3 {
            (num(&w[..2])?, num(&w[2..])?)
        } else {
            (num(w)?, 1)
        };
        return ywd(year, week, weekday(day)?);
    }
    if dashed {
        match rest.split_once('-') {
            Some((mo, d)) => ymd(year, num(mo)?, num(d)?),
            None if rest.len() == 3 => yo(year, num(rest)?),
            None => ymd(year, num(rest)?, 1),
        }
    } else {
        match rest.len() {
            2 => ymd(year, num(rest)?, 1),
            3 => yo(year, num(rest)?),
            4 if rest.is_char_boundary(2) => ymd(year, num(&rest[..2])?, num(&rest[2..])?),
            _ => Err(bad(format!("invalid date `{s}`"))),
        }
    }
}

/// Parses `HH[:MM[:SS[.fff]]]` or the basic form `HH[MM[SS[.fff]]]`.
fn parse_time(s: &str) -> Result<NaiveTime> {
    let err = || bad(format!("invalid time `{s}`"));
    let (main, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = if main.contains(':') {
        main.split(':').collect()
    } else {
        if !main.is_ascii() || main.len() % 2 != 0 {
            return Err(err());
        }
        (0..main.len() / 2)
            .map(|i| &main[2 * i..2 * i + 2])
            .collect()
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
        return Err(err());
    }
    let h = parts.first().map(|p| num(p)).transpose()?.unwrap_or(0);
    let m = parts.get(1).map(|p| num(p)).transpose()?.unwrap_or(0);
    let sec = parts.get(2).map(|p| num(p)).transpose()?.unwrap_or(0);
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 => num(f)? * 10_i64.pow(9 - f.len() as u32),
        Some(_) => return Err(err()),
    };
    NaiveTime::from_hms_nano_opt(
        to_u32(h, "hour")?,
        to_u32(m, "minute")?,
        to_u32(sec, "second")?,
        to_u32(nanos, "nanosecond")?,
    )
    .ok_or_else(err)
}

/// Splits a time string into the time and its zone part (`Z`, `+01:00`, `[Europe/X]`).
fn split_zone(s: &str) -> Result<(&str, Option<Zone>, Option<Zone>)> {
    let (s, named) = match s.find('[') {
        Some(i) => {
            let name = s[i + 1..].trim_end_matches(']');
            (&s[..i], Some(parse_zone(name)?))
        }
        None => (s, None),
    };
    match s.find(['Z', 'z', '+', '-']) {
        // Only an offset may follow the time here (`Z`, `+01:00`): anything else is a
        // malformed time, not an unknown zone (`time('2020-W01-1')`).
        Some(i) => match parse_offset(&s[i..]) {
            Some(o) => Ok((&s[..i], Some(Zone::Fixed(o)), named)),
            None => Err(bad(format!("invalid time `{s}`"))),
        },
        None => Ok((s, None, named)),
    }
}

fn parse(kind: Kind, s: &str) -> Result<Temporal> {
    let s = s.trim();
    match kind {
        Kind::Date => Ok(Temporal::Date(parse_date(s)?)),
        Kind::LocalTime => {
            let (t, _, _) = split_zone(s)?;
            Ok(Temporal::LocalTime(parse_time(t)?))
        }
        Kind::Time => {
            let (t, off, named) = split_zone(s)?;
            let t = parse_time(t)?;
            let zone = off.or(named).unwrap_or(Zone::Fixed(0));
            Ok(Temporal::Time(
                t,
                zone.offset_at_local(&NaiveDateTime::new(today(), t)),
            ))
        }
        Kind::LocalDateTime | Kind::DateTime => {
            let (d, t) = match s.split_once(['T', 't']) {
                Some((d, t)) => (d, Some(t)),
                None => (s, None),
            };
            let date = parse_date(d)?;
            let (time, off, named) = match t {
                Some(t) => {
                    let (t, off, named) = split_zone(t)?;
                    (parse_time(t)?, off, named)
                }
                None => (NaiveTime::MIN, None, None),
            };
            if kind == Kind::LocalDateTime {
                return Ok(Temporal::LocalDateTime(date, time));
            }
            let local = NaiveDateTime::new(date.near()?, time);
            Ok(match (off, named) {
                (Some(o), Some(z)) => {
                    let off = o.offset_at_local(&local);
                    let utc = shift(local, -i64::from(off))?;
                    let zoff = z.offset_at_utc(&utc);
                    Temporal::DateTime(shift(utc, i64::from(zoff))?, zoff, z.name())
                }
                (Some(z), None) | (None, Some(z)) => {
                    Temporal::DateTime(local, z.offset_at_local(&local), z.name())
                }
                (None, None) => Temporal::DateTime(local, 0, None),
            })
        }
    }
}

/// Parses an ISO 8601 duration: `P1Y2M3W4DT5H6M7.8S` (components may be negative or
/// fractional) or the alternative form `P2012-02-02T14:37:21.545`.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let err = || bad(format!("invalid duration `{s}`"));
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let body = body.strip_prefix(['P', 'p']).ok_or_else(err)?;
    if body.is_empty() {
        return Err(err());
    }
    // Alternative form.
    if body.as_bytes().get(4) == Some(&b'-')
        && body
            .as_bytes()
            .get(..4)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    {
        let (d, t) = match body.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (body, None),
        };
        let parts: Vec<&str> = d.split('-').collect();
        let [years, months, days] = parts.as_slice() else {
            return Err(err());
        };
        let months = num(years)?
            .checked_mul(12)
            .and_then(|m| m.checked_add(num(months).ok()?))
            .ok_or_else(err)?;
        let days = num(days)?;
        let nanos = match t {
            Some(t) => time_nanos(&parse_time(t)?),
            None => 0,
        };
        let d = Duration::new(months, days, 0, nanos);
        return if neg {
            d.checked_neg().ok_or_else(err)
        } else {
            Ok(d)
        };
    }
    let mut acc = Acc::default();
    let mut in_time = false;
    let mut cur = String::new();
    for c in body.chars() {
        match c {
            'T' | 't' => {
                if !cur.is_empty() || in_time {
                    return Err(err());
                }
                in_time = true;
            }
            '0'..='9' | '.' | ',' | '-' | '+' => cur.push(if c == ',' { '.' } else { c }),
            unit => {
                let v: f64 = cur.parse().map_err(|_| err())?;
                let is_int = !cur.contains('.');
                let iv = if is_int {
                    cur.parse::<i64>().ok()
                } else {
                    None
                };
                cur.clear();
                let unit = unit.to_ascii_uppercase();
                let (field, mult) = match (in_time, unit) {
                    (false, 'Y') => (0, 12),
                    (false, 'M') => (0, 1),
                    (false, 'W') => (1, 7),
                    (false, 'D') => (1, 1),
                    (true, 'H') => (2, 3600 * NANOS),
                    (true, 'M') => (2, 60 * NANOS),
                    (true, 'S') => (2, NANOS),
                    _ => return Err(err()),
                };
                acc.add(field, iv, v, mult);
            }
        }
    }
    if !cur.is_empty() {
        return Err(err());
    }
    let d = acc.finish().ok_or_else(|| duration_overflow("duration"))?;
    if neg {
        d.checked_neg().ok_or_else(err)
    } else {
        Ok(d)
    }
}

/// Accumulates duration components exactly for integers, with fractions cascaded down.
#[derive(Default)]
struct Acc {
    months: i128,
    days: i128,
    nanos: i128,
    fmonths: f64,
    fdays: f64,
    fnanos: f64,
}

impl Acc {
    /// Adds `value * mult` to field 0 (months), 1 (days) or 2 (nanoseconds).
    fn add(&mut self, field: u8, int: Option<i64>, value: f64, mult: i64) {
        let (i, f) = match field {
            0 => (&mut self.months, &mut self.fmonths),
            1 => (&mut self.days, &mut self.fdays),
            _ => (&mut self.nanos, &mut self.fnanos),
        };
        match int {
            Some(n) => *i += i128::from(n) * i128::from(mult),
            None => *f += value * mult as f64,
        }
    }

    /// The duration, or none when a part is beyond the 64-bit integers.
    fn finish(self) -> Option<Duration> {
        let fm = self.fmonths;
        let months = self.months + fm.trunc() as i128;
        let fdays = self.fdays + fm.fract() * 30.436875;
        let days = self.days + fdays.trunc() as i128;
        let fnanos = self.fnanos + fdays.fract() * 86_400.0 * NANOS as f64;
        let nanos = self.nanos + fnanos.round() as i128;
        Duration::checked_from_nanos(
            i64::try_from(months).ok()?,
            i64::try_from(days).ok()?,
            nanos,
        )
    }
}

fn duration_from_map(m: &BTreeMap<String, Value>) -> Result<Duration> {
    let mut acc = Acc::default();
    for (k, v) in m {
        let (field, mult) = match k.to_ascii_lowercase().as_str() {
            "years" => (0, 12),
            "quarters" => (0, 3),
            "months" => (0, 1),
            "weeks" => (1, 7),
            "days" => (1, 1),
            "hours" => (2, 3600 * NANOS),
            "minutes" => (2, 60 * NANOS),
            "seconds" => (2, NANOS),
            "milliseconds" => (2, 1_000_000),
            "microseconds" => (2, 1000),
            "nanoseconds" => (2, 1),
            _ => return Err(bad(format!("unknown duration component `{k}`"))),
        };
        match v {
            Value::Null => {}
            Value::Int(i) => acc.add(field, Some(*i), 0.0, mult),
            Value::Float(f) => acc.add(field, None, *f, mult),
            v => return Err(invalid_value("duration", "a number", v)),
        }
    }
    acc.finish().ok_or_else(|| duration_overflow("duration"))
}

pub fn duration(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(tv(Temporal::Duration(parse_duration(s.trim())?))),
        Value::Map(m) => Ok(tv(Temporal::Duration(duration_from_map(m)?))),
        Value::Temporal(t) if matches!(**t, Temporal::Duration(_)) => {
            Ok(Value::Temporal(t.clone()))
        }
        v => Err(invalid_value("duration", "a STRING or MAP", v)),
    }
}

// ---------------------------------------------------------------------------------------
// duration.between and friends.

/// The local date-time of a temporal for differences, with missing parts from `other`.
fn local_parts(t: &Temporal) -> (Option<Date>, NaiveTime, Option<i32>) {
    (t.date(), t.time().unwrap_or(NaiveTime::MIN), t.offset())
}

/// (months, days, nanos) between two temporals.
fn between_parts(a: &Temporal, b: &Temporal) -> Result<(i64, i64, i128)> {
    let (da, ta, oa) = local_parts(a);
    let (db, tb, ob) = local_parts(b);
    // Bring b into a's offset when both have one.
    let shift_secs = match (oa, ob) {
        (Some(x), Some(y)) => i64::from(x) - i64::from(y),
        _ => 0,
    };
    match (da, db) {
        (Some(da), Some(db)) => match (da.naive(), db.naive()) {
            (Some(na), Some(nb)) => {
                let lb = shift(NaiveDateTime::new(nb, tb), shift_secs)?;
                months_between(NaiveDateTime::new(na, ta), lb)
            }
            // A date beyond chrono's years (only dates and local date-times, which have
            // no offset to shift by). The calendar repeats every 400 years (4,800
            // months): the difference is taken from a's day in the first cycle to b's in
            // the same cycle or the one next to it, on the side b is, and the cycles left
            // between them are added as months.
            _ => {
                let ((first_a, ca), (first_b, cb)) = (da.cycle(), db.cycle());
                let near = (cb - ca).clamp(-1, 1);
                let moved =
                    i32::try_from(i64::from(first_b.num_days_from_ce()) + near * CYCLE_DAYS)
                        .ok()
                        .and_then(NaiveDate::from_num_days_from_ce_opt)
                        .ok_or_else(invalid_date)?;
                let (m, d, n) = months_between(
                    NaiveDateTime::new(first_a, ta),
                    NaiveDateTime::new(moved, tb),
                )?;
                Ok((m + (cb - ca - near) * 4800, d, n))
            }
        },
        _ => {
            let na = i128::from(time_nanos(&ta));
            let nb = i128::from(time_nanos(&tb)) + i128::from(shift_secs) * i128::from(NANOS);
            Ok((0, 0, nb - na))
        }
    }
}

/// (months, days, nanos) from `la` to `lb`: whole months first, then what is left.
fn months_between(la: NaiveDateTime, lb: NaiveDateTime) -> Result<(i64, i64, i128)> {
    let mut months = (i64::from(lb.year()) * 12 + i64::from(lb.month0()))
        - (i64::from(la.year()) * 12 + i64::from(la.month0()));
    let add = |m: i64| -> Option<NaiveDateTime> {
        if m >= 0 {
            la.checked_add_months(Months::new(u32::try_from(m).ok()?))
        } else {
            la.checked_sub_months(Months::new(u32::try_from(-m).ok()?))
        }
    };
    let mut mid = add(months).ok_or_else(invalid_date)?;
    if months > 0 && mid > lb {
        months -= 1;
        mid = add(months).ok_or_else(invalid_date)?;
    } else if months < 0 && mid < lb {
        months += 1;
        mid = add(months).ok_or_else(invalid_date)?;
    }
    let rest = lb.signed_duration_since(mid);
    let rest_nanos =
        i128::from(rest.num_seconds()) * i128::from(NANOS) + i128::from(rest.subsec_nanos());
    let day = 86_400 * i128::from(NANOS);
    let days = rest_nanos / day;
    Ok((months, days as i64, rest_nanos % day))
}

fn two_temporals(args: &[Value]) -> Result<Option<(&Temporal, &Temporal)>> {
    match (arg(args, 0), arg(args, 1)) {
        (Value::Null, _) | (_, Value::Null) => Ok(None),
        (Value::Temporal(a), Value::Temporal(b))
            if !matches!(**a, Temporal::Duration(_)) && !matches!(**b, Temporal::Duration(_)) =>
        {
            Ok(Some((a, b)))
        }
        (a, b) => {
            let v = if matches!(a, Value::Temporal(_)) {
                b
            } else {
                a
            };
            Err(invalid_value("duration.between", "temporal values", v))
        }
    }
}

pub fn duration_between(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let Some((a, b)) = two_temporals(args)? else {
        return Ok(Value::Null);
    };
    let (m, d, n) = between_parts(a, b)?;
    Ok(tv(Temporal::Duration(Duration::from_nanos(m, d, n))))
}

pub fn duration_in_months(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let Some((a, b)) = two_temporals(args)? else {
        return Ok(Value::Null);
    };
    let (m, _, _) = between_parts(a, b)?;
    Ok(tv(Temporal::Duration(Duration::new(m, 0, 0, 0))))
}

pub fn duration_in_days(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let Some((a, b)) = two_temporals(args)? else {
        return Ok(Value::Null);
    };
    let n = total_nanos_between(a, b)?;
    let day = 86_400 * i128::from(NANOS);
    Ok(tv(Temporal::Duration(Duration::new(
        0,
        i64::try_from(n / day).unwrap_or(i64::MAX),
        0,
        0,
    ))))
}

pub fn duration_in_seconds(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    let Some((a, b)) = two_temporals(args)? else {
        return Ok(Value::Null);
    };
    let n = total_nanos_between(a, b)?;
    Ok(tv(Temporal::Duration(Duration::from_nanos(0, 0, n))))
}

fn total_nanos_between(a: &Temporal, b: &Temporal) -> Result<i128> {
    let (da, ta, oa) = local_parts(a);
    let (db, tb, ob) = local_parts(b);
    match (da.or(db), db.or(da)) {
        (Some(da), Some(db)) => {
            // A local value is read in the other value's zone, at its own date (or, beyond
            // chrono's years, at a day the zone treats alike).
            let (oa, ob) = match (oa, ob) {
                (Some(x), Some(y)) => (x, y),
                (Some(x), None) => (
                    x,
                    zone_of(a).map_or(x, |z| {
                        z.offset_at_local(&NaiveDateTime::new(db.for_zones(), tb))
                    }),
                ),
                (None, Some(y)) => (
                    zone_of(b).map_or(y, |z| {
                        z.offset_at_local(&NaiveDateTime::new(da.for_zones(), ta))
                    }),
                    y,
                ),
                (None, None) => (0, 0),
            };
            let day = 86_400 * i128::from(NANOS);
            let at = |d: Date, t: &NaiveTime, o: i32| {
                i128::from(d.days()) * day + i128::from(time_nanos(t))
                    - i128::from(o) * i128::from(NANOS)
            };
            Ok(at(db, &tb, ob) - at(da, &ta, oa))
        }
        _ => {
            let (oa, ob) = match (oa, ob) {
                (Some(x), Some(y)) => (x, y),
                _ => (0, 0),
            };
            Ok(i128::from(time_nanos(&tb))
                - i128::from(ob) * i128::from(NANOS)
                - (i128::from(time_nanos(&ta)) - i128::from(oa) * i128::from(NANOS)))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Arithmetic.

// ---------------------------------------------------------------------------------------
// Component access.

/// The value of component `key` of a temporal value (`d.year`, `dur.days`); `None` when the
/// temporal has no such component.
pub fn component(t: &Temporal, key: &str) -> Option<Value> {
    let k = key.to_ascii_lowercase();
    if let Temporal::Duration(d) = t {
        return duration_component(d, &k);
    }
    let int = |v: i64| Some(Value::Int(v));
    if let Some(date) = t.date() {
        // All but the years are those of the same day in the first 400-year cycle.
        let d = date.same_in_cycle();
        let r = match k.as_str() {
            "year" => int(date.year()),
            "quarter" => int(i64::from(d.month0() / 3 + 1)),
            "month" => int(i64::from(d.month())),
            "week" => int(i64::from(d.iso_week().week())),
            "weekyear" => int(date.iso_year()),
            "day" => int(i64::from(d.day())),
            "ordinalday" => int(i64::from(d.ordinal())),
            "weekday" | "dayofweek" => int(i64::from(d.weekday().number_from_monday())),
            "dayofquarter" => {
                let start = NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1)?;
                int(d.signed_duration_since(start).num_days() + 1)
            }
            _ => None,
        };
        if r.is_some() {
            return r;
        }
    }
    if let Some(tm) = t.time() {
        let n = i64::from(tm.nanosecond());
        let r = match k.as_str() {
            "hour" => int(i64::from(tm.hour())),
            "minute" => int(i64::from(tm.minute())),
            "second" => int(i64::from(tm.second())),
            "millisecond" => int(n / 1_000_000),
            "microsecond" => int(n / 1000),
            "nanosecond" => int(n),
            _ => None,
        };
        if r.is_some() {
            return r;
        }
    }
    if let Some(o) = t.offset() {
        let r = match k.as_str() {
            "timezone" => Some(Value::from(match t.zone() {
                Some(z) => z.to_string(),
                None => crate::value::temporal::format_offset(o),
            })),
            "offset" => Some(Value::from(crate::value::temporal::format_offset(o))),
            "offsetminutes" => int(i64::from(o / 60)),
            "offsetseconds" => int(i64::from(o)),
            _ => None,
        };
        if r.is_some() {
            return r;
        }
    }
    if let Temporal::DateTime(dt, o, _) = t {
        let inst = instant_nanos(dt, *o);
        return match k.as_str() {
            "epochseconds" => int(i64::try_from(inst.div_euclid(i128::from(NANOS))).ok()?),
            "epochmillis" => int(i64::try_from(inst.div_euclid(1_000_000)).ok()?),
            _ => None,
        };
    }
    None
}

fn duration_component(d: &Duration, k: &str) -> Option<Value> {
    let total = d.total_nanos();
    let v: i128 = match k {
        "years" => i128::from(d.months / 12),
        "quarters" => i128::from(d.months / 3),
        "months" => i128::from(d.months),
        "weeks" => i128::from(d.days / 7),
        "days" => i128::from(d.days),
        "hours" => i128::from(d.secs / 3600),
        "minutes" => i128::from(d.secs / 60),
        "seconds" => i128::from(d.secs),
        "milliseconds" => total.div_euclid(1_000_000),
        "microseconds" => total.div_euclid(1000),
        "nanoseconds" => total,
        "quartersofyear" => i128::from(d.months % 12 / 3),
        "monthsofquarter" => i128::from(d.months % 3),
        "monthsofyear" => i128::from(d.months % 12),
        "daysofweek" => i128::from(d.days % 7),
        "minutesofhour" => i128::from(d.secs / 60 % 60),
        "secondsofminute" => i128::from(d.secs % 60),
        "millisecondsofsecond" => i128::from(d.nanos / 1_000_000),
        "microsecondsofsecond" => i128::from(d.nanos / 1000),
        "nanosecondsofsecond" => i128::from(d.nanos),
        _ => return None,
    };
    i64::try_from(v).ok().map(Value::Int)
}

// ---------------------------------------------------------------------------------------
// Truncation and other helpers.

fn truncate_date(unit: &str, d: Date) -> Result<Date> {
    let y = d.year();
    let c = d.same_in_cycle();
    Ok(match unit {
        "millennium" => ymd(y.div_euclid(1000) * 1000, 1, 1)?,
        "century" => ymd(y.div_euclid(100) * 100, 1, 1)?,
        "decade" => ymd(y.div_euclid(10) * 10, 1, 1)?,
        "year" => ymd(y, 1, 1)?,
        "weekyear" => ywd(d.iso_year(), 1, Weekday::Mon)?,
        "quarter" => ymd(y, i64::from(c.month0() / 3 * 3 + 1), 1)?,
        "month" => ymd(y, i64::from(c.month()), 1)?,
        "week" => Date::from_days(d.days() - i64::from(c.weekday().num_days_from_monday()))
            .ok_or_else(invalid_date)?,
        _ => d,
    })
}

fn truncate_time(unit: &str, t: NaiveTime) -> Result<NaiveTime> {
    let n = i64::from(t.nanosecond());
    let (h, m, s) = (t.hour(), t.minute(), t.second());
    let r = match unit {
        "millennium" | "century" | "decade" | "year" | "weekyear" | "quarter" | "month"
        | "week" | "day" => NaiveTime::from_hms_opt(0, 0, 0),
        "hour" => NaiveTime::from_hms_opt(h, 0, 0),
        "minute" => NaiveTime::from_hms_opt(h, m, 0),
        "second" => NaiveTime::from_hms_opt(h, m, s),
        "millisecond" => NaiveTime::from_hms_nano_opt(h, m, s, (n / 1_000_000 * 1_000_000) as u32),
        "microsecond" => NaiveTime::from_hms_nano_opt(h, m, s, (n / 1000 * 1000) as u32),
        _ => return Err(bad(format!("unknown truncation unit `{unit}`"))),
    };
    r.ok_or_else(|| bad("invalid time"))
}

fn truncate(kind: Kind, args: &[Value]) -> Result<Value> {
    let unit = match arg(args, 0) {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Null => return Ok(Value::Null),
        v => return Err(invalid_value("truncate", "a STRING unit", v)),
    };
    let t = match arg(args, 1) {
        Value::Temporal(t) if !matches!(**t, Temporal::Duration(_)) => t,
        Value::Null => return Ok(Value::Null),
        v => return Err(invalid_value("truncate", "a temporal value", v)),
    };
    let date_unit = matches!(
        unit.as_str(),
        "millennium" | "century" | "decade" | "year" | "weekyear" | "quarter" | "month" | "week"
    );
    if !kind.has_date() && date_unit {
        return Err(bad(format!("cannot truncate a time to `{unit}`")));
    }
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    if kind.has_date() {
        let d = t
            .date()
            .ok_or_else(|| bad(format!("cannot truncate a {} to a date", t.type_name())))?;
        m.insert("date".into(), tv(Temporal::Date(truncate_date(&unit, d)?)));
    }
    if kind.has_time() {
        let tm = truncate_time(&unit, t.time().unwrap_or(NaiveTime::MIN))?;
        let n = i64::from(tm.nanosecond());
        m.insert("hour".into(), Value::Int(i64::from(tm.hour())));
        m.insert("minute".into(), Value::Int(i64::from(tm.minute())));
        m.insert("second".into(), Value::Int(i64::from(tm.second())));
        m.insert("millisecond".into(), Value::Int(n / 1_000_000));
        m.insert("microsecond".into(), Value::Int(n / 1000 % 1000));
        m.insert("nanosecond".into(), Value::Int(n % 1000));
        if let Some(o) = t.offset() {
            let z = match t.zone() {
                Some(z) => z.to_string(),
                None => crate::value::temporal::format_offset(o),
            };
            m.insert("timezone".into(), Value::from(z));
        }
    }
    match arg(args, 2) {
        Value::Map(extra) => {
            for (k, v) in extra {
                m.retain(|key, _| !key.eq_ignore_ascii_case(k));
                m.insert(k.clone(), v.clone());
            }
        }
        Value::Null => {}
        v => return Err(invalid_value("truncate", "a MAP", v)),
    }
    from_map(kind, &m).map(tv)
}

pub fn date_truncate(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    truncate(Kind::Date, args)
}
pub fn localtime_truncate(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    truncate(Kind::LocalTime, args)
}
pub fn time_truncate(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    truncate(Kind::Time, args)
}
pub fn localdatetime_truncate(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    truncate(Kind::LocalDateTime, args)
}
pub fn datetime_truncate(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    truncate(Kind::DateTime, args)
}

/// `datetime.fromEpoch(seconds, nanoseconds)`.
pub fn datetime_from_epoch(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match (arg(args, 0), arg(args, 1)) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Int(s), Value::Int(n)) => Ok(tv(Temporal::DateTime(from_epoch(*s, *n)?, 0, None))),
        (a, _) => Err(invalid_value("datetime.fromEpoch", "INTEGER arguments", a)),
    }
}

/// `datetime.fromEpochMillis(milliseconds)`.
pub fn datetime_from_epoch_millis(_: &dyn EntityView, args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Int(ms) => Ok(tv(Temporal::DateTime(
            from_epoch(ms.div_euclid(1000), ms.rem_euclid(1000) * 1_000_000)?,
            0,
            None,
        ))),
        a => Err(invalid_value("datetime.fromEpochMillis", "an INTEGER", a)),
    }
}
