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

/// The years a [`Date`] reaches, Cypher's range.
pub const MIN_YEAR: i64 = -999_999_999;
pub const MAX_YEAR: i64 = 999_999_999;

/// Days in 400 years of the Gregorian calendar: a whole number of weeks, after which the
/// calendar repeats itself.
pub(crate) const CYCLE_DAYS: i64 = 146_097;

/// A date of the proleptic Gregorian calendar, years [`MIN_YEAR`] to [`MAX_YEAR`]: its day
/// number, 0001-01-01 being day 1 (as chrono's `num_days_from_ce`).
///
/// chrono's dates reach the years -262,143 to 262,142 only. A date beyond them is built,
/// read, printed, compared, stored, moved by a duration and measured against another
/// (`duration.between`) through the 400-year cycle of the calendar: its day within the
/// first cycle, which chrono holds, and the number of whole cycles before it. A zoned
/// date-time stays a chrono one ([`Date::near`]); a zone's offset at a far date is its
/// offset at a day it treats alike ([`Date::for_zones`]). See decision 0031.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    pub fn from_naive(d: NaiveDate) -> Date {
        Date(i64::from(d.num_days_from_ce()))
    }

    /// The day number (0001-01-01 is day 1).
    pub fn days(self) -> i64 {
        self.0
    }

    /// The date of day number `days`, when its year is in range.
    pub fn from_days(days: i64) -> Option<Date> {
        // Some 365.2 billion days either way; beyond, the year's arithmetic could overflow.
        if days.unsigned_abs() > 400_000_000_000 {
            return None;
        }
        let d = Date(days);
        (MIN_YEAR..=MAX_YEAR).contains(&d.year()).then_some(d)
    }

    /// The date as chrono's, when chrono reaches it.
    pub fn naive(self) -> Option<NaiveDate> {
        i32::try_from(self.0)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    /// [`Date::naive`], or the error of a date too far for a zoned date-time.
    pub fn near(self) -> Result<NaiveDate> {
        self.naive().ok_or_else(|| {
            Error::runtime(
                ErrorKind::TypeError,
                detail::INVALID_ARGUMENT_VALUE,
                format!(
                    "a zoned date-time reaches the years -262143 to 262142 only; the date \
                     {} is beyond them",
                    Temporal::Date(self)
                ),
            )
        })
    }

    /// A date chrono holds that time zones treat as they treat this one: the date itself
    /// when chrono reaches it; beyond, the same day in the years 2401 to 2800 for a date
    /// after them (a zone keeps its last rules for ever) or in the years 1 to 400 for one
    /// before (a zone starts on local mean time).
    pub fn for_zones(self) -> NaiveDate {
        if let Some(d) = self.naive() {
            return d;
        }
        let (first, _) = self.cycle();
        if self.0 < 0 {
            return first;
        }
        first
            .checked_add_days(chrono::Days::new(6 * CYCLE_DAYS as u64))
            .unwrap_or(first)
    }

    /// The same day in the first 400-year cycle (years 1 to 400), and how many cycles lie
    /// between that one and the date's.
    pub(crate) fn cycle(self) -> (NaiveDate, i64) {
        let (cycles, day) = (
            (self.0 - 1).div_euclid(CYCLE_DAYS),
            (self.0 - 1).rem_euclid(CYCLE_DAYS),
        );
        // `day` is below CYCLE_DAYS, so chrono always has it.
        let first = i32::try_from(day + 1)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or(NaiveDate::MIN);
        (first, cycles)
    }

    /// The date of `year`, month `month`, day `day`, when there is one.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        Date::in_cycle(year, |y| NaiveDate::from_ymd_opt(y, month, day))
    }

    /// Day `ordinal` of `year`, when there is one.
    pub fn from_yo(year: i64, ordinal: u32) -> Option<Date> {
        Date::in_cycle(year, |y| NaiveDate::from_yo_opt(y, ordinal))
    }

    /// Weekday `weekday` of ISO week `week` of week-based year `year`, when there is one.
    pub fn from_isoywd(year: i64, week: u32, weekday: chrono::Weekday) -> Option<Date> {
        Date::in_cycle(year, |y| NaiveDate::from_isoywd_opt(y, week, weekday))
    }

    /// The date `build` makes of `year` moved into the first cycle, moved back.
    fn in_cycle(year: i64, build: impl Fn(i32) -> Option<NaiveDate>) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        let cycles = (year - 1).div_euclid(400);
        let first = build(i32::try_from(year - 400 * cycles).ok()?)?;
        Date::from_days(i64::from(first.num_days_from_ce()) + cycles * CYCLE_DAYS)
    }

    pub fn year(self) -> i64 {
        let (first, cycles) = self.cycle();
        i64::from(first.year()) + 400 * cycles
    }

    /// The ISO week-based year.
    pub fn iso_year(self) -> i64 {
        let (first, cycles) = self.cycle();
        i64::from(first.iso_week().year()) + 400 * cycles
    }

    /// What chrono's `Datelike` says of the date that the 400-year cycle leaves as it is:
    /// month, day, ordinal day, weekday and ISO week.
    pub fn same_in_cycle(self) -> NaiveDate {
        self.cycle().0
    }

    /// `f` of the date's day in the first 400-year cycle at `time`, the result moved back
    /// by as many cycles, and by `more_cycles` more.
    pub(crate) fn through_cycle(
        self,
        time: NaiveTime,
        more_cycles: i64,
        f: impl FnOnce(NaiveDateTime) -> Result<NaiveDateTime>,
    ) -> Result<(Date, NaiveTime)> {
        // Through the first cycle even for a date chrono reaches: within a cycle of chrono's
        // last years a step of less than 400 years could leave its range on the way.
        let (start, cycles) = self.cycle();
        let r = f(start.and_time(time))?;
        let date = cycles
            .checked_add(more_cycles)
            .and_then(|c| c.checked_mul(CYCLE_DAYS))
            .and_then(|shift| Date::from_naive(r.date()).days().checked_add(shift))
            .and_then(Date::from_days)
            .ok_or_else(invalid_date)?;
        Ok((date, r.time()))
    }
}

/// A temporal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Temporal {
    Date(Date),
    LocalTime(NaiveTime),
    /// A time of day with its offset from UTC in seconds.
    Time(NaiveTime, i32),
    LocalDateTime(Date, NaiveTime),
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

    /// [`Duration::from_nanos`], or none when the seconds do not fit.
    pub fn checked_from_nanos(months: i64, days: i64, nanos: i128) -> Option<Duration> {
        let n = i128::from(NANOS);
        Some(Duration {
            months,
            days,
            secs: i64::try_from(nanos.div_euclid(n)).ok()?,
            nanos: i64::try_from(nanos.rem_euclid(n)).ok()?,
        })
    }

    pub fn checked_add(&self, o: &Duration) -> Option<Duration> {
        Duration::checked_from_nanos(
            self.months.checked_add(o.months)?,
            self.days.checked_add(o.days)?,
            self.total_nanos() + o.total_nanos(),
        )
    }

    /// The negated duration, or none when a part is the smallest integer.
    pub fn checked_neg(&self) -> Option<Duration> {
        Duration::checked_from_nanos(
            self.months.checked_neg()?,
            self.days.checked_neg()?,
            -self.total_nanos(),
        )
    }

    /// Multiplies by a factor, cascading fractions of months into days and of days into
    /// seconds; none when a part does not fit (or the factor is not finite).
    pub fn checked_scale(&self, f: f64) -> Option<Duration> {
        let months = self.months as f64 * f;
        let days = self.days as f64 * f;
        let nanos = self.total_nanos() as f64 * f;
        Duration::checked_fractional(months, days, nanos)
    }

    /// Builds a duration from fractional components, cascading fractions downwards (a month
    /// is 30.436875 days, a day 86400 seconds); none when a part does not fit in its
    /// integer (a float cast to an integer would clamp it, silently).
    pub fn checked_fractional(months: f64, days: f64, nanos: f64) -> Option<Duration> {
        // 2^63 as a float: the first value past `i64::MAX`.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        let whole = |x: f64| (x.is_finite() && (-LIMIT..LIMIT).contains(&x)).then_some(x as i64);
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
        if !nanos.is_finite() {
            return None;
        }
        Duration::checked_from_nanos(whole(m)?, whole(d)?, nanos as i128)
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

fn write_date(f: &mut fmt::Formatter<'_>, d: Date) -> fmt::Result {
    let y = d.year();
    if (0..=9999).contains(&y) {
        write!(f, "{y:04}")?;
    } else if y < 0 {
        write!(f, "-{:04}", -y)?;
    } else {
        write!(f, "+{y}")?;
    }
    let d = d.same_in_cycle();
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
            Temporal::Date(d) => write_date(f, *d),
            Temporal::LocalTime(t) => write_time(f, t),
            Temporal::Time(t, o) => {
                write_time(f, t)?;
                f.write_str(&format_offset(*o))
            }
            Temporal::LocalDateTime(d, t) => {
                write_date(f, *d)?;
                f.write_str("T")?;
                write_time(f, t)
            }
            Temporal::DateTime(dt, o, zone) => {
                write_date(f, Date::from_naive(dt.date()))?;
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
            Temporal::LocalDateTime(..) => "localdatetime",
            Temporal::DateTime(..) => "datetime",
            Temporal::Duration(_) => "duration",
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "DATE",
            Temporal::LocalTime(_) => "LOCAL TIME",
            Temporal::Time(..) => "ZONED TIME",
            Temporal::LocalDateTime(..) => "LOCAL DATETIME",
            Temporal::DateTime(..) => "ZONED DATETIME",
            Temporal::Duration(_) => "DURATION",
        }
    }

    /// Rank among temporal kinds for the global order.
    pub fn kind_rank(&self) -> u8 {
        match self {
            Temporal::DateTime(..) => 0,
            Temporal::LocalDateTime(..) => 1,
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
            (Temporal::LocalDateTime(a, x), Temporal::LocalDateTime(b, y)) => {
                Some(a.cmp(b).then(x.cmp(y)))
            }
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

    pub fn date(&self) -> Option<Date> {
        match self {
            Temporal::Date(d) | Temporal::LocalDateTime(d, _) => Some(*d),
            Temporal::DateTime(dt, ..) => Some(Date::from_naive(dt.date())),
            _ => None,
        }
    }

    pub fn time(&self) -> Option<NaiveTime> {
        match self {
            Temporal::LocalTime(t) | Temporal::Time(t, _) | Temporal::LocalDateTime(_, t) => {
                Some(*t)
            }
            Temporal::DateTime(dt, ..) => Some(dt.time()),
            _ => None,
        }
    }

    /// A date of chrono's.
    pub fn date_of(d: NaiveDate) -> Temporal {
        Temporal::Date(Date::from_naive(d))
    }

    /// A local date-time of chrono's.
    pub fn local_datetime(dt: NaiveDateTime) -> Temporal {
        Temporal::LocalDateTime(Date::from_naive(dt.date()), dt.time())
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

/// The error of duration arithmetic (`op`) whose result does not fit: a part beyond the
/// 64-bit integers, as Neo4j's durations are.
pub(crate) fn duration_overflow(op: &str) -> Error {
    Error::runtime(
        ErrorKind::ArithmeticError,
        detail::INTEGER_OVERFLOW,
        format!("duration overflow in `{op}`: a part of the result is beyond the 64-bit integers"),
    )
}

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
    // `try_seconds`: `seconds` panics beyond some 292 million years.
    chrono::TimeDelta::try_seconds(secs)
        .and_then(|delta| dt.checked_add_signed(delta))
        .ok_or_else(invalid_date)
}

pub(crate) fn add_months_days(d: NaiveDate, months: i64, days: i64) -> Result<NaiveDate> {
    let d = if months >= 0 {
        d.checked_add_months(Months::new(
            u32::try_from(months).map_err(|_| invalid_date())?,
        ))
    } else {
        d.checked_sub_months(Months::new(
            u32::try_from(months.unsigned_abs()).map_err(|_| invalid_date())?,
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
    chrono::TimeDelta::try_seconds(secs)
        .and_then(|delta| dt.checked_add_signed(delta))
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

/// Local date `x` at `time` (none for a date) moved by `d`: months first, then days, then
/// the seconds (a date drops what is less than a day). Local values have no zone, so whole
/// days of the seconds are days; whole 400-year cycles of the months and days move the date
/// by cycles, and the rest goes through chrono.
fn add_to_local(x: Date, time: Option<NaiveTime>, d: &Duration) -> Result<(Date, NaiveTime)> {
    let day = 86_400 * i128::from(NANOS);
    let nanos = d.total_nanos();
    let days = i64::try_from(nanos / day)
        .ok()
        .and_then(|n| n.checked_add(d.days))
        .ok_or_else(invalid_date)?;
    let cycles = (d.months / 4800)
        .checked_add(days / CYCLE_DAYS)
        .ok_or_else(invalid_date)?;
    let (months, days) = (d.months % 4800, days % CYCLE_DAYS);
    let rest = if time.is_some() { nanos % day } else { 0 };
    x.through_cycle(time.unwrap_or(NaiveTime::MIN), cycles, |dt| {
        let date = add_months_days(dt.date(), months, days)?;
        add_nanos_dt(date.and_time(dt.time()), rest)
    })
}

/// `temporal + duration`.
pub(crate) fn add_duration(t: &Temporal, d: &Duration) -> Result<Temporal> {
    let nanos = d.total_nanos();
    Ok(match t {
        Temporal::Duration(x) => {
            Temporal::Duration(x.checked_add(d).ok_or_else(|| duration_overflow("+"))?)
        }
        Temporal::Date(x) => Temporal::Date(add_to_local(*x, None, d)?.0),
        Temporal::LocalTime(x) => Temporal::LocalTime(add_nanos_time(*x, nanos)),
        Temporal::Time(x, o) => Temporal::Time(add_nanos_time(*x, nanos), *o),
        Temporal::LocalDateTime(x, t) => {
            let (date, time) = add_to_local(*x, Some(*t), d)?;
            Temporal::LocalDateTime(date, time)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_beyond_the_years_are_refused_without_overflow() {
        let last = Date::from_ymd(MAX_YEAR, 12, 31).expect("the last day");
        let first = Date::from_ymd(MIN_YEAR, 1, 1).expect("the first day");
        assert_eq!(Date::from_days(last.days()), Some(last));
        assert_eq!(Date::from_days(first.days()), Some(first));
        for days in [
            last.days() + 1,
            first.days() - 1,
            i64::MIN,
            i64::MAX,
            -i64::MAX,
        ] {
            assert_eq!(Date::from_days(days), None, "{days}");
        }
        assert_eq!(Date::from_ymd(MAX_YEAR + 1, 1, 1), None);
        assert_eq!(Date::from_ymd(MIN_YEAR - 1, 12, 31), None);
        // Within chrono's years the day number is chrono's own.
        let d = NaiveDate::from_ymd_opt(-1, 2, 28).expect("a date");
        assert_eq!(Date::from_ymd(-1, 2, 28), Some(Date::from_naive(d)));
        assert_eq!(Date::from_naive(d).naive(), Some(d));
    }
}
