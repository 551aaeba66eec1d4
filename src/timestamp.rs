//! Points in time as filesystems record them, printed as RFC 3339.

use std::fmt;

/// Seconds since 1970-01-01T00:00:00Z plus the recorded UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since the Unix epoch, in UTC.
    pub unix_seconds: i64,
    pub nanos: u32,
    /// The offset the filesystem recorded (ISO 9660 keeps one; FAT does not).
    pub utc_offset_minutes: i16,
}

impl Timestamp {
    /// A civil date and time in the given offset. `None` when a part is out
    /// of range.
    pub fn from_civil(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        utc_offset_minutes: i16,
    ) -> Option<Timestamp> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let local =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Some(Timestamp {
            unix_seconds: local - i64::from(utc_offset_minutes) * 60,
            nanos: 0,
            utc_offset_minutes,
        })
    }

    /// The RFC 3339 text, in the recorded offset.
    pub fn rfc3339(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Digits written by hand into one buffer: listings print one per
        // entry, and `write!` with padding was a fifth of `ls -R -l`.
        let local = self.unix_seconds + i64::from(self.utc_offset_minutes) * 60;
        let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return write!(
                f,
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}",
                secs / 3600,
                secs % 3600 / 60,
                secs % 60,
                Offset(self.utc_offset_minutes)
            );
        }
        let mut buf = [0u8; 32];
        let mut n = 0usize;
        let put = |v: u64, width: usize, buf: &mut [u8; 32], n: &mut usize| {
            let mut div = 10u64.pow(width as u32 - 1);
            for _ in 0..width {
                if let Some(slot) = buf.get_mut(*n) {
                    *slot = b'0' + ((v / div) % 10) as u8;
                }
                *n += 1;
                div /= 10;
            }
        };
        let sep = |c: u8, buf: &mut [u8; 32], n: &mut usize| {
            if let Some(slot) = buf.get_mut(*n) {
                *slot = c;
            }
            *n += 1;
        };
        put(year as u64, 4, &mut buf, &mut n);
        sep(b'-', &mut buf, &mut n);
        put(u64::from(month), 2, &mut buf, &mut n);
        sep(b'-', &mut buf, &mut n);
        put(u64::from(day), 2, &mut buf, &mut n);
        sep(b'T', &mut buf, &mut n);
        put((secs / 3600) as u64, 2, &mut buf, &mut n);
        sep(b':', &mut buf, &mut n);
        put((secs % 3600 / 60) as u64, 2, &mut buf, &mut n);
        sep(b':', &mut buf, &mut n);
        put((secs % 60) as u64, 2, &mut buf, &mut n);
        if self.nanos > 0 {
            sep(b'.', &mut buf, &mut n);
            put(u64::from(self.nanos / 10_000_000), 2, &mut buf, &mut n);
        }
        f.write_str(std::str::from_utf8(buf.get(..n).unwrap_or_default()).unwrap_or_default())?;
        write!(f, "{}", Offset(self.utc_offset_minutes))
    }
}

/// The `Z` or `+hh:mm` suffix.
struct Offset(i16);

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("Z"),
            offset => {
                let sign = if offset < 0 { '-' } else { '+' };
                let offset = offset.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", offset / 60, offset % 60)
            }
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known algorithm, re-derived here).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_format() {
        let t = Timestamp::from_civil(2003, 4, 20, 11, 26, 46, 0).unwrap();
        assert_eq!(t.unix_seconds, 1_050_838_006);
        assert_eq!(t.to_string(), "2003-04-20T11:26:46Z");
        let t = Timestamp::from_civil(2024, 2, 29, 23, 59, 59, 60).unwrap();
        assert_eq!(t.to_string(), "2024-02-29T23:59:59+01:00");
        assert_eq!(
            t.unix_seconds,
            Timestamp::from_civil(2024, 2, 29, 22, 59, 59, 0)
                .unwrap()
                .unix_seconds
        );
        let t = Timestamp::from_civil(1969, 12, 31, 0, 0, 0, -300).unwrap();
        assert_eq!(t.to_string(), "1969-12-31T00:00:00-05:00");
        assert!(Timestamp::from_civil(2023, 2, 29, 0, 0, 0, 0).is_none());
        assert!(Timestamp::from_civil(2023, 13, 1, 0, 0, 0, 0).is_none());
    }
}
