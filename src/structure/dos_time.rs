//! MS-DOS dates and times, as FAT directory entries and zip headers record
//! them: 16-bit fields in local time, no zone.
//!
//! Source: fatgen103 §6.3 (date: day 0-4, month 5-8, years since 1980
//! 9-15; time: seconds/2 0-4, minutes 5-10, hours 11-15).

use super::{Codec, Value};
use crate::timestamp::Timestamp;

/// The year, month and day of a date field.
fn date_parts(date: u16) -> (i64, u32, u32) {
    (
        1980 + i64::from(date >> 9),
        u32::from((date >> 5) & 0x0F),
        u32::from(date & 0x1F),
    )
}

/// The hour, minute and second of a time field.
fn time_parts(time: u16) -> (u32, u32, u32) {
    (
        u32::from(time >> 11),
        u32::from((time >> 5) & 0x3F),
        u32::from(time & 0x1F) * 2,
    )
}

/// A FAT date and time (local time; FAT records no zone). A zero date
/// means none was recorded.
pub fn timestamp(date: u16, time: u16) -> Option<Timestamp> {
    if date == 0 {
        return None;
    }
    let (year, month, day) = date_parts(date);
    let (hour, minute, second) = time_parts(time);
    Timestamp::from_civil(year, month, day, hour, minute, second.min(59), 0)
}

/// A date field: the program keeps the bits, people read the date.
#[derive(Clone, Copy, Debug)]
pub struct FatDate;

impl Codec for FatDate {
    type Out = u16;
    const WIDTH: Option<usize> = Some(2);
    fn decode(raw: &[u8]) -> u16 {
        u16::from_le_bytes(<[u8; 2]>::try_from(raw).unwrap_or_default())
    }
    fn value(raw: &[u8]) -> Value {
        match Self::decode(raw) {
            0 => Value::Text("none".to_owned()),
            date => {
                let (year, month, day) = date_parts(date);
                Value::Text(format!("{year}-{month:02}-{day:02}"))
            }
        }
    }
    fn note(raw: &[u8]) -> Option<String> {
        let date = Self::decode(raw);
        (date != 0 && timestamp(date, 0).is_none()).then(|| "not a valid date".to_owned())
    }
}

/// A time field, to two seconds.
#[derive(Clone, Copy, Debug)]
pub struct FatTime;

impl Codec for FatTime {
    type Out = u16;
    const WIDTH: Option<usize> = Some(2);
    fn decode(raw: &[u8]) -> u16 {
        FatDate::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        let (hour, minute, second) = time_parts(Self::decode(raw));
        Value::Text(format!("{hour:02}:{minute:02}:{second:02}"))
    }
    fn note(raw: &[u8]) -> Option<String> {
        let (hour, minute, second) = time_parts(Self::decode(raw));
        (hour > 23 || minute > 59 || second > 59).then(|| "not a valid time".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        // 2020-06-15 13:45:30
        let date: u16 = ((2020 - 1980) << 9) | (6 << 5) | 15;
        let time: u16 = (13 << 11) | (45 << 5) | 15;
        assert_eq!(
            timestamp(date, time).unwrap().to_string(),
            "2020-06-15T13:45:30Z"
        );
        assert_eq!(timestamp(0, 0), None);
        assert_eq!(
            FatDate::value(&date.to_le_bytes()).to_string(),
            "2020-06-15"
        );
        assert_eq!(FatTime::value(&time.to_le_bytes()).to_string(), "13:45:30");
        assert_eq!(FatDate::value(&[0, 0]).to_string(), "none");
        assert_eq!(
            FatDate::note(&[0x20, 0]).as_deref(),
            Some("not a valid date")
        );
        assert_eq!(
            FatTime::note(&[0, 0xC0]).as_deref(),
            Some("not a valid time")
        );
    }
}
