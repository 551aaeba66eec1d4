//! Dates: seconds since 1904-01-01 00:00:00, unsigned 32 bits.
//!
//! Sources: Inside Macintosh: Files, "Data Organization on Volumes" (HFS
//! dates are the local time of the Mac that wrote them); TN1150 "HFS Plus
//! Dates" (HFS+ dates are UTC, except the volume header's creation date,
//! which is local time). The zone of a local time is not recorded, so
//! local dates are shown as written, marked "local time".

use crate::structure::{Codec, Value};
use crate::timestamp::Timestamp;

/// Seconds from 1904-01-01 to 1970-01-01.
pub const MAC_TO_UNIX: i64 = 2_082_844_800;

/// The time `secs` after 1904-01-01 00:00:00 (in UTC, or in the writer's
/// unknown local zone, shown as if UTC); `None` for 0 (never set).
pub fn timestamp(secs: u32) -> Option<Timestamp> {
    (secs != 0).then(|| Timestamp {
        unix_seconds: i64::from(secs) - MAC_TO_UNIX,
        nanos: 0,
        utc_offset_minutes: 0,
    })
}

/// A local date as people read it: the digits as written, no zone.
pub fn local_text(secs: u32) -> String {
    match timestamp(secs) {
        Some(t) => {
            let text = t.rfc3339();
            format!("{} local time", text.trim_end_matches('Z'))
        }
        None => "not set".to_owned(),
    }
}

fn utc_text(secs: u32) -> String {
    timestamp(secs).map_or_else(|| "not set".to_owned(), |t| t.rfc3339())
}

fn be32(raw: &[u8]) -> u32 {
    raw.try_into().map(u32::from_be_bytes).unwrap_or(0)
}

/// An HFS+ date in UTC.
#[derive(Clone, Copy, Debug)]
pub struct MacDate;

impl Codec for MacDate {
    type Out = u32;
    const WIDTH: Option<usize> = Some(4);
    fn decode(raw: &[u8]) -> u32 {
        be32(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(utc_text(be32(raw)))
    }
}

/// A date in the local time of the Mac that wrote it (every HFS date, and
/// the HFS+ volume header's creation date).
#[derive(Clone, Copy, Debug)]
pub struct MacLocalDate;

impl Codec for MacLocalDate {
    type Out = u32;
    const WIDTH: Option<usize> = Some(4);
    fn decode(raw: &[u8]) -> u32 {
        be32(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(local_text(be32(raw)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_from_1904() {
        assert_eq!(timestamp(0), None);
        // 2008-10-08 00:28:13, the util-linux HFS image's creation date.
        assert_eq!(
            timestamp(0xC511_AF1D).unwrap().rfc3339(),
            "2008-10-08T00:28:13Z"
        );
        assert_eq!(local_text(0xC511_AF1D), "2008-10-08T00:28:13 local time");
        assert_eq!(timestamp(MAC_TO_UNIX as u32).unwrap().unix_seconds, 0);
    }
}
