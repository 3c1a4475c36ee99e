//! Temporal values: dates, times (local and with offset), date-times and durations.
//!
//! Calendar math uses `chrono`'s naive types; named time zones are resolved with
//! `chrono-tz`. A [`Duration`] keeps months, days and seconds apart, as Cypher requires.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use std::str::FromStr;

use chrono::{
    Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
};

use crate::error::{detail, Error, ErrorKind, Result};

/// Nanoseconds in a second.
pub const NANOS: i64 = 1_000_000_000;

/// A temporal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Temporal {
    Date(NaiveDate),
    LocalTime(NaiveTime),
    /// A time of day with its offset from UTC in seconds.
    Time(NaiveTime, i32),
    LocalDateTime(NaiveDateTime),
    /// A local date-time, its offset from UTC in seconds and the named zone, if any.
    DateTime(NaiveDateTime, i32, Option<Arc<str>>),
    Duration(Duration),
}

/// A duration: months, days and seconds (with nanoseconds) kept apart.
/// `nanos` is in `0..NANOS`; the sign of the seconds part is carried by `secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub secs: i64,
    pub nanos: i64,
}

impl Duration {
    /// A duration from months, days and a (possibly unnormalised) seconds part.
    pub fn new(months: i64, days: i64, secs: i64, nanos: i64) -> Duration {
        let secs = secs.saturating_add(nanos.div_euclid(NANOS));
        Duration {
            months,
            days,
            secs,
            nanos: nanos.rem_euclid(NANOS),
        }
    }

    /// The seconds part in nanoseconds.
    pub fn total_nanos(&self) -> i128 {
        i128::from(self.secs) * i128::from(NANOS) + i128::from(self.nanos)
    }

    pub fn from_nanos(months: i64, days: i64, nanos: i128) -> Duration {
        let n = i128::from(NANOS);
        let secs = i64::try_from(nanos.div_euclid(n)).unwrap_or(i64::MAX);
        let rem = i64::try_from(nanos.rem_euclid(n)).unwrap_or(0);
        Duration {
            months,
            days,
            secs,
            nanos: rem,
        }
    }

    pub fn checked_add(&self, o: &Duration) -> Option<Duration> {
        Some(Duration::from_nanos(
            self.months.checked_add(o.months)?,
            self.days.checked_add(o.days)?,
            self.total_nanos() + o.total_nanos(),
        ))
    }

    pub fn neg(&self) -> Duration {
        Duration::from_nanos(-self.months, -self.days, -self.total_nanos())
    }

    /// Multiplies by a factor, cascading fractions of months into days and of days into
    /// seconds.
    pub fn scale(&self, f: f64) -> Duration {
        let months = self.months as f64 * f;
        let days = self.days as f64 * f;
        let nanos = self.total_nanos() as f64 * f;
        Duration::from_fractional(months, days, nanos)
    }

    /// Builds a duration from fractional components, cascading fractions downwards
    /// (a month is 30.436875 days, a day 86400 seconds).
    pub fn from_fractional(months: f64, days: f64, nanos: f64) -> Duration {
        let m = months.trunc();
        let days = days + (months - m) * 30.436875;
        let d = days.trunc();
        let nanos = nanos + (days - d) * 86_400.0 * NANOS as f64;
        // Whole nanoseconds: float noise is rounded away, true fractions truncated.
        let r = nanos.round();
        let nanos = if (nanos - r).abs() < 1e-3 {
            r
        } else {
            nanos.trunc()
        };
        Duration::from_nanos(m as i64, d as i64, nanos as i128)
    }

    /// An approximate length in nanoseconds, for ordering.
    fn approx_nanos(&self) -> i128 {
        let n = i128::from(NANOS);
        i128::from(self.months) * 2_629_746 * n
            + i128::from(self.days) * 86_400 * n
            + self.total_nanos()
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P")?;
        let years = self.months / 12;
        let months = self.months % 12;
        if years != 0 {
            write!(f, "{years}Y")?;
        }
        if months != 0 {
            write!(f, "{months}M")?;
        }
        if self.days != 0 {
            write!(f, "{}D", self.days)?;
        }
        let total = self.total_nanos();
        let n = i128::from(NANOS);
        if total != 0 {
            f.write_str("T")?;
            let hours = total / (3600 * n);
            let rem = total % (3600 * n);
            let minutes = rem / (60 * n);
            let rem = rem % (60 * n);
            if hours != 0 {
                write!(f, "{hours}H")?;
            }
            if minutes != 0 {
                write!(f, "{minutes}M")?;
            }
            if rem != 0 {
                let sign = if rem < 0 { "-" } else { "" };
                let a = rem.abs();
                write!(f, "{sign}{}", a / n)?;
                write_fraction(f, (a % n) as i64)?;
                f.write_str("S")?;
            }
        } else if self.months == 0 && self.days == 0 {
            f.write_str("T0S")?;
        }
        Ok(())
    }
}

/// Writes `.fff` with trailing zeros trimmed (nothing for zero).
fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: i64) -> fmt::Result {
    if nanos == 0 {
        return Ok(());
    }
    let s = format!("{nanos:09}");
    write!(f, ".{}", s.trim_end_matches('0'))
}

fn write_time(f: &mut fmt::Formatter<'_>, t: &NaiveTime) -> fmt::Result {
    write!(f, "{:02}:{:02}", t.hour(), t.minute())?;
    let nanos = i64::from(t.nanosecond());
    if t.second() != 0 || nanos != 0 {
        write!(f, ":{:02}", t.second())?;
        write_fraction(f, nanos)?;
    }
    Ok(())
}

fn write_date(f: &mut fmt::Formatter<'_>, d: &NaiveDate) -> fmt::Result {
    let y = d.year();
    if (0..=9999).contains(&y) {
        write!(f, "{y:04}")?;
    } else if y < 0 {
        write!(f, "-{:04}", -i64::from(y))?;
    } else {
        write!(f, "+{y}")?;
    }
    write!(f, "-{:02}-{:02}", d.month(), d.day())
}

/// Formats an offset as `Z`, `+01:00` or `+01:00:15`.
pub fn format_offset(secs: i32) -> String {
    if secs == 0 {
        return "Z".to_string();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, (a % 3600) / 60, a % 60);
    if s != 0 {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    } else {
        format!("{sign}{h:02}:{m:02}")
    }
}

impl fmt::Display for Temporal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Temporal::Date(d) => write_date(f, d),
            Temporal::LocalTime(t) => write_time(f, t),
            Temporal::Time(t, o) => {
                write_time(f, t)?;
                f.write_str(&format_offset(*o))
            }
            Temporal::LocalDateTime(dt) => {
                write_date(f, &dt.date())?;
                f.write_str("T")?;
                write_time(f, &dt.time())
            }
            Temporal::DateTime(dt, o, zone) => {
                write_date(f, &dt.date())?;
                f.write_str("T")?;
                write_time(f, &dt.time())?;
                f.write_str(&format_offset(*o))?;
                if let Some(z) = zone {
                    write!(f, "[{z}]")?;
                }
                Ok(())
            }
            Temporal::Duration(d) => write!(f, "{d}"),
        }
    }
}

/// Nanoseconds of a time of day.
pub fn time_nanos(t: &NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight()) * NANOS + i64::from(t.nanosecond())
}

/// The UTC instant of a local date-time with an offset, in nanoseconds since the epoch.
pub fn instant_nanos(dt: &NaiveDateTime, offset: i32) -> i128 {
    let secs = dt.and_utc().timestamp() - i64::from(offset);
    i128::from(secs) * i128::from(NANOS) + i128::from(dt.nanosecond())
}

impl Temporal {
    /// The Cypher function that builds values of this kind (`date`, `localtime`, `time`,
    /// `localdatetime`, `datetime`, `duration`).
    pub fn constructor_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "date",
            Temporal::LocalTime(_) => "localtime",
            Temporal::Time(..) => "time",
            Temporal::LocalDateTime(_) => "localdatetime",
            Temporal::DateTime(..) => "datetime",
            Temporal::Duration(_) => "duration",
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "DATE",
            Temporal::LocalTime(_) => "LOCAL TIME",
            Temporal::Time(..) => "ZONED TIME",
            Temporal::LocalDateTime(_) => "LOCAL DATETIME",
            Temporal::DateTime(..) => "ZONED DATETIME",
            Temporal::Duration(_) => "DURATION",
        }
    }

    /// Rank among temporal kinds for the global order.
    pub fn kind_rank(&self) -> u8 {
        match self {
            Temporal::DateTime(..) => 0,
            Temporal::LocalDateTime(_) => 1,
            Temporal::Date(_) => 2,
            Temporal::Time(..) => 3,
            Temporal::LocalTime(_) => 4,
            Temporal::Duration(_) => 5,
        }
    }

    /// Comparison of two values of the same kind; `None` for different kinds or durations.
    pub fn compare(&self, other: &Temporal) -> Option<Ordering> {
        match (self, other) {
            (Temporal::Date(a), Temporal::Date(b)) => Some(a.cmp(b)),
            (Temporal::LocalTime(a), Temporal::LocalTime(b)) => Some(a.cmp(b)),
            (Temporal::Time(a, oa), Temporal::Time(b, ob)) => {
                let x = time_nanos(a) - i64::from(*oa) * NANOS;
                let y = time_nanos(b) - i64::from(*ob) * NANOS;
                Some(x.cmp(&y).then(oa.cmp(ob)))
            }
            (Temporal::LocalDateTime(a), Temporal::LocalDateTime(b)) => Some(a.cmp(b)),
            (Temporal::DateTime(a, oa, _), Temporal::DateTime(b, ob, _)) => {
                Some(instant_nanos(a, *oa).cmp(&instant_nanos(b, *ob)))
            }
            _ => None,
        }
    }

    /// Equality (`=`): same kind and same value.
    pub fn equals(&self, other: &Temporal) -> bool {
        match (self, other) {
            (Temporal::Duration(a), Temporal::Duration(b)) => a == b,
            (Temporal::Time(a, oa), Temporal::Time(b, ob)) => a == b && oa == ob,
            (Temporal::DateTime(a, oa, za), Temporal::DateTime(b, ob, zb)) => {
                instant_nanos(a, *oa) == instant_nanos(b, *ob) && (za == zb || oa == ob)
            }
            _ => self.compare(other) == Some(Ordering::Equal),
        }
    }

    /// A total order within the temporal kinds, for ORDER BY.
    pub fn order(&self, other: &Temporal) -> Ordering {
        let r = self.kind_rank().cmp(&other.kind_rank());
        if r != Ordering::Equal {
            return r;
        }
        match (self, other) {
            (Temporal::Duration(a), Temporal::Duration(b)) => a
                .approx_nanos()
                .cmp(&b.approx_nanos())
                .then(a.months.cmp(&b.months))
                .then(a.days.cmp(&b.days))
                .then(a.total_nanos().cmp(&b.total_nanos())),
            _ => self.compare(other).unwrap_or(Ordering::Equal),
        }
    }

    /// Hashes consistently with [`Temporal::equals`].
    pub fn hash_equivalent<H: std::hash::Hasher>(&self, state: &mut H) {
        use std::hash::Hash;
        self.kind_rank().hash(state);
        match self {
            Temporal::DateTime(dt, o, _) => instant_nanos(dt, *o).hash(state),
            other => other.to_string().hash(state),
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Temporal::Date(d) => Some(*d),
            Temporal::LocalDateTime(dt) | Temporal::DateTime(dt, ..) => Some(dt.date()),
            _ => None,
        }
    }

    pub fn time(&self) -> Option<NaiveTime> {
        match self {
            Temporal::LocalTime(t) | Temporal::Time(t, _) => Some(*t),
            Temporal::LocalDateTime(dt) | Temporal::DateTime(dt, ..) => Some(dt.time()),
            _ => None,
        }
    }

    pub fn offset(&self) -> Option<i32> {
        match self {
            Temporal::Time(_, o) | Temporal::DateTime(_, o, _) => Some(*o),
            _ => None,
        }
    }

    pub fn zone(&self) -> Option<&Arc<str>> {
        match self {
            Temporal::DateTime(_, _, z) => z.as_ref(),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Time zones and arithmetic.

/// The error of a date or time outside the representable range.
pub(crate) fn invalid_date() -> Error {
    Error::runtime(
        ErrorKind::TypeError,
        detail::INVALID_ARGUMENT_VALUE,
        "invalid date",
    )
}

/// A time zone: a fixed offset or a named zone.
#[derive(Clone)]
pub(crate) enum Zone {
    Fixed(i32),
    Named(chrono_tz::Tz, Arc<str>),
}

impl Zone {
    /// The offset in force at a local date-time.
    pub(crate) fn offset_at_local(&self, dt: &NaiveDateTime) -> i32 {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Named(tz, _) => match tz.offset_from_local_datetime(dt).earliest() {
                Some(o) => o.fix().local_minus_utc(),
                None => tz.offset_from_utc_datetime(dt).fix().local_minus_utc(),
            },
        }
    }
    /// The offset in force at a UTC date-time.
    pub(crate) fn offset_at_utc(&self, dt: &NaiveDateTime) -> i32 {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Named(tz, _) => tz.offset_from_utc_datetime(dt).fix().local_minus_utc(),
        }
    }
    pub(crate) fn name(&self) -> Option<Arc<str>> {
        match self {
            Zone::Fixed(_) => None,
            Zone::Named(_, n) => Some(n.clone()),
        }
    }
}

/// `dt` moved by `secs` seconds.
pub(crate) fn shift(dt: NaiveDateTime, secs: i64) -> Result<NaiveDateTime> {
    dt.checked_add_signed(chrono::TimeDelta::seconds(secs))
        .ok_or_else(invalid_date)
}

pub(crate) fn add_months_days(d: NaiveDate, months: i64, days: i64) -> Result<NaiveDate> {
    let d = if months >= 0 {
        d.checked_add_months(Months::new(
            u32::try_from(months).map_err(|_| invalid_date())?,
        ))
    } else {
        d.checked_sub_months(Months::new(
            u32::try_from(-months).map_err(|_| invalid_date())?,
        ))
    }
    .ok_or_else(invalid_date)?;
    if days >= 0 {
        d.checked_add_days(Days::new(days as u64))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .ok_or_else(invalid_date)
}

pub(crate) fn add_nanos_dt(dt: NaiveDateTime, nanos: i128) -> Result<NaiveDateTime> {
    let n = i128::from(NANOS);
    let secs = i64::try_from(nanos.div_euclid(n)).map_err(|_| invalid_date())?;
    let sub = i64::try_from(nanos.rem_euclid(n)).map_err(|_| invalid_date())?;
    dt.checked_add_signed(chrono::TimeDelta::seconds(secs))
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::nanoseconds(sub)))
        .ok_or_else(invalid_date)
}

pub(crate) fn add_nanos_time(t: NaiveTime, nanos: i128) -> NaiveTime {
    let day = 86_400 * i128::from(NANOS);
    let total = (i128::from(time_nanos(&t)) + nanos).rem_euclid(day);
    let secs = (total / i128::from(NANOS)) as u32;
    let sub = (total % i128::from(NANOS)) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, sub).unwrap_or(NaiveTime::MIN)
}

/// `temporal + duration`.
pub(crate) fn add_duration(t: &Temporal, d: &Duration) -> Result<Temporal> {
    let nanos = d.total_nanos();
    Ok(match t {
        Temporal::Duration(x) => Temporal::Duration(x.checked_add(d).ok_or_else(invalid_date)?),
        Temporal::Date(x) => {
            let extra = nanos / (86_400 * i128::from(NANOS));
            let days = d
                .days
                .saturating_add(i64::try_from(extra).unwrap_or(i64::MAX));
            Temporal::Date(add_months_days(*x, d.months, days)?)
        }
        Temporal::LocalTime(x) => Temporal::LocalTime(add_nanos_time(*x, nanos)),
        Temporal::Time(x, o) => Temporal::Time(add_nanos_time(*x, nanos), *o),
        Temporal::LocalDateTime(x) => {
            let date = add_months_days(x.date(), d.months, d.days)?;
            Temporal::LocalDateTime(add_nanos_dt(NaiveDateTime::new(date, x.time()), nanos)?)
        }
        Temporal::DateTime(x, o, zone) => {
            let date = add_months_days(x.date(), d.months, d.days)?;
            let local = NaiveDateTime::new(date, x.time());
            match zone.as_ref().and_then(|n| chrono_tz::Tz::from_str(n).ok()) {
                Some(tz) => {
                    let z = Zone::Named(tz, zone.clone().unwrap_or_else(|| "UTC".into()));
                    let off = z.offset_at_local(&local);
                    let utc = add_nanos_dt(shift(local, -i64::from(off))?, nanos)?;
                    let off = z.offset_at_utc(&utc);
                    Temporal::DateTime(shift(utc, i64::from(off))?, off, zone.clone())
                }
                None => Temporal::DateTime(add_nanos_dt(local, nanos)?, *o, None),
            }
        }
    })
}
