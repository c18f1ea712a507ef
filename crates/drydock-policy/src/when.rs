//! Dates and instants, compared as Unix nanoseconds so that no caller-given
//! or input-given time can overflow a conversion.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, Time};

/// `t` as signed nanoseconds since the Unix epoch (saturating; only
/// absurd clocks saturate).
pub(crate) fn unix_nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(i128::MAX),
        Err(e) => i128::try_from(e.duration().as_nanos()).map_or(i128::MIN, |n| -n),
    }
}

/// A strict `YYYY-MM-DD` calendar date.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let year: i32 = s.get(0..4)?.parse().ok()?;
    let month: u8 = s.get(5..7)?.parse().ok()?;
    let day: u8 = s.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// An RFC 3339 timestamp with offset.
pub(crate) fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The first nanosecond of `date`, UTC.
pub(crate) fn start_of_day(date: Date) -> i128 {
    date.with_time(Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp_nanos()
}

/// The last nanosecond of `date`, UTC.
pub(crate) fn end_of_day(date: Date) -> i128 {
    const DAY_NANOS: i128 = 86_400 * 1_000_000_000;
    start_of_day(date) + DAY_NANOS - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2027-01-31").is_some());
        assert!(parse_date("2027-02-30").is_none());
        assert!(parse_date("2027-1-31").is_none());
        assert!(parse_date("+2027-01-3").is_none());
        assert!(parse_date("２０２７-01-31").is_none());
        assert!(parse_rfc3339("2023-01-08T18:02:03.647787998-06:00").is_some());
        assert!(parse_rfc3339("2023-01-08").is_none());
    }

    #[test]
    fn day_bounds() {
        let d = parse_date("1970-01-02").unwrap();
        assert_eq!(start_of_day(d), 86_400_000_000_000);
        assert_eq!(end_of_day(d), 2 * 86_400_000_000_000 - 1);
        assert_eq!(unix_nanos(UNIX_EPOCH), 0);
        assert_eq!(
            unix_nanos(UNIX_EPOCH - std::time::Duration::from_secs(1)),
            -1_000_000_000
        );
    }
}
