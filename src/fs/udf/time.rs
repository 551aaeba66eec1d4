//! UDF timestamps: a civil date and time with the recording's time zone.
//!
//! Sources: ECMA-167 1/7.3 (type and time zone: bits 12-15 type, bits 0-11
//! a signed offset in minutes from UTC, -2047 for none; year, month, day,
//! hour, minute, second, centiseconds, hundreds of microseconds,
//! microseconds), OSTA UDF 2.60 §2.1.4 (type 1, local time).

use crate::structure::{Codec, Value};
use crate::timestamp::Timestamp;

/// The offset field's "no time zone" value.
const NO_ZONE: i16 = -2047;

/// Decodes the 12 bytes of a timestamp; `None` for an all-zero or
/// impossible one.
pub fn decode(raw: &[u8]) -> Option<Timestamp> {
    if raw.len() < 12 || raw.iter().all(|&b| b == 0) {
        return None;
    }
    let get = |i: usize| raw.get(i).copied().unwrap_or(0);
    let type_zone = u16::from_le_bytes([get(0), get(1)]);
    // Sign-extend the 12-bit offset.
    let raw_offset = ((type_zone & 0x0FFF) << 4) as i16 >> 4;
    let offset = if raw_offset == NO_ZONE || !(-1440..=1440).contains(&raw_offset) {
        0
    } else {
        raw_offset
    };
    let year = i16::from_le_bytes([get(2), get(3)]);
    let mut t = Timestamp::from_civil(
        i64::from(year),
        u32::from(get(4)),
        u32::from(get(5)),
        u32::from(get(6)),
        u32::from(get(7)),
        u32::from(get(8)),
        offset,
    )?;
    let micros = u32::from(get(9)) * 10_000 + u32::from(get(10)) * 100 + u32::from(get(11));
    if micros < 1_000_000 {
        t.nanos = micros * 1000;
    }
    Some(t)
}

/// A timestamp field.
#[derive(Clone, Copy, Debug)]
pub struct UdfTime;

impl Codec for UdfTime {
    type Out = Option<Timestamp>;
    const WIDTH: Option<usize> = Some(12);
    fn decode(raw: &[u8]) -> Option<Timestamp> {
        decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(decode(raw).map_or_else(|| "not recorded".to_owned(), |t| t.rfc3339()))
    }
    fn note(raw: &[u8]) -> Option<String> {
        let type_zone = u16::from_le_bytes([
            raw.first().copied().unwrap_or(0),
            raw.get(1).copied().unwrap_or(0),
        ]);
        let offset = ((type_zone & 0x0FFF) << 4) as i16 >> 4;
        if raw.iter().any(|&b| b != 0) && decode(raw).is_none() {
            Some("not a valid date".to_owned())
        } else if offset == NO_ZONE {
            Some("no time zone recorded".to_owned())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_local_time_with_its_zone() {
        // 2023-11-14 23:13:20 at UTC+01:00, type 1.
        let raw = [0x3C, 0x10, 0xE7, 0x07, 11, 14, 23, 13, 20, 0, 0, 0];
        let t = decode(&raw).unwrap();
        assert_eq!(t.rfc3339(), "2023-11-14T23:13:20+01:00");
        assert_eq!(t.unix_seconds, 1_700_000_000);
        assert_eq!(decode(&[0; 12]), None);
    }
}
