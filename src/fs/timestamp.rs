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
        let local = self.unix_seconds + i64::from(self.utc_offset_minutes) * 60;
        let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )?;
        if self.nanos > 0 {
            write!(f, ".{:02}", self.nanos / 10_000_000)?;
        }
        match self.utc_offset_minutes {
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
