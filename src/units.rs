//! Disc addresses: logical block addresses, minute:second:frame times and BCD.
//!
//! Sources: ECMA-130 §14.3 (physical address in the header), CDRWIN cue sheet
//! description (INDEX times are MSF relative to the start of their FILE).

use std::fmt;
use std::str::FromStr;

/// Frames (sectors) per second of CD audio time.
pub const FRAMES_PER_SECOND: i64 = 75;
/// Frames per minute.
pub const FRAMES_PER_MINUTE: i64 = 60 * FRAMES_PER_SECOND;
/// The two-second offset between LBA 0 and absolute time 00:02:00.
pub const MSF_LBA_OFFSET: i64 = 150;

/// A logical block address on an optical disc or a sector number on a disk.
///
/// Signed, because the pregap of track 1 (and any unstored pregap before
/// 00:02:00) sits at negative addresses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Lba(pub i64);

impl Lba {
    /// The address `n` sectors later, or `None` on overflow.
    pub fn checked_add(self, n: i64) -> Option<Lba> {
        self.0.checked_add(n).map(Lba)
    }

    /// The number of sectors from `earlier` to `self`, or `None` on overflow.
    pub fn checked_distance(self, earlier: Lba) -> Option<i64> {
        self.0.checked_sub(earlier.0)
    }

    /// The absolute time of this address (LBA + 150 frames).
    pub fn to_msf(self) -> Option<Msf> {
        Msf::from_frames(self.0.checked_add(MSF_LBA_OFFSET)?)
    }
}

impl fmt::Display for Lba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As the number itself, so tables can pad and align it.
        fmt::Display::fmt(&self.0, f)
    }
}

/// A minute:second:frame time. As an absolute disc time it is LBA + 150; in a
/// cue sheet it is relative to the start of the FILE.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Msf {
    minute: u8,
    second: u8,
    frame: u8,
}

/// Why a time could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MsfError {
    #[error("expected mm:ss:ff")]
    Shape,
    #[error("{0} is not a number")]
    NotANumber(String),
    #[error("a time cannot be negative")]
    Negative,
    #[error("minute must be below 100")]
    MinuteRange,
    #[error("second must be below 60")]
    SecondRange,
    #[error("frame must be below 75")]
    FrameRange,
}

impl Msf {
    /// A time from its parts, checked against the ranges a CD allows.
    pub fn new(minute: u8, second: u8, frame: u8) -> Result<Msf, MsfError> {
        if minute > 99 {
            return Err(MsfError::MinuteRange);
        }
        if second >= 60 {
            return Err(MsfError::SecondRange);
        }
        if i64::from(frame) >= FRAMES_PER_SECOND {
            return Err(MsfError::FrameRange);
        }
        Ok(Msf {
            minute,
            second,
            frame,
        })
    }

    /// The time `frames` frames from zero; `None` if negative or past 99:59:74.
    pub fn from_frames(frames: i64) -> Option<Msf> {
        if frames < 0 {
            return None;
        }
        let minute = u8::try_from(frames / FRAMES_PER_MINUTE).ok()?;
        let second = u8::try_from((frames % FRAMES_PER_MINUTE) / FRAMES_PER_SECOND).ok()?;
        let frame = u8::try_from(frames % FRAMES_PER_SECOND).ok()?;
        Msf::new(minute, second, frame).ok()
    }

    /// `frames` as a sheet writes a time (`mm:ss:ff`), held at 99:59:74,
    /// the last time a sheet can write.
    pub fn sheet_time(frames: u64) -> String {
        i64::try_from(frames)
            .ok()
            .and_then(Msf::from_frames)
            .map_or_else(|| "99:59:74".to_owned(), |m| m.to_string())
    }

    /// Total frames from zero.
    pub fn frames(self) -> i64 {
        i64::from(self.minute) * FRAMES_PER_MINUTE
            + i64::from(self.second) * FRAMES_PER_SECOND
            + i64::from(self.frame)
    }

    /// The LBA this absolute time names (frames − 150).
    pub fn to_lba(self) -> Lba {
        Lba(self.frames() - MSF_LBA_OFFSET)
    }

    /// Decodes three BCD bytes as found in a sector header or subchannel Q.
    /// `None` when a nibble is not a decimal digit or a part is out of range.
    pub fn from_bcd(bytes: [u8; 3]) -> Option<Msf> {
        let [m, s, f] = bytes;
        Msf::new(bcd_to_u8(m)?, bcd_to_u8(s)?, bcd_to_u8(f)?).ok()
    }

    /// The three BCD bytes of this time.
    pub fn to_bcd(self) -> [u8; 3] {
        [
            u8_to_bcd(self.minute),
            u8_to_bcd(self.second),
            u8_to_bcd(self.frame),
        ]
    }

    pub fn minute(self) -> u8 {
        self.minute
    }
    pub fn second(self) -> u8 {
        self.second
    }
    pub fn frame(self) -> u8 {
        self.frame
    }
}

impl fmt::Display for Msf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.minute, self.second, self.frame)
    }
}

impl FromStr for Msf {
    type Err = MsfError;

    /// Parses `mm:ss:ff`: digits only, no sign, frame < 75, second < 60.
    fn from_str(text: &str) -> Result<Msf, MsfError> {
        if text.starts_with('-') {
            return Err(MsfError::Negative);
        }
        let mut parts = text.split(':');
        let (Some(m), Some(s), Some(f), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(MsfError::Shape);
        };
        let number = |part: &str| -> Result<u32, MsfError> {
            if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MsfError::NotANumber(part.to_owned()));
            }
            part.parse::<u32>()
                .map_err(|_| MsfError::NotANumber(part.to_owned()))
        };
        let (m, s, f) = (number(m)?, number(s)?, number(f)?);
        let minute = u8::try_from(m).map_err(|_| MsfError::MinuteRange)?;
        let second = u8::try_from(s).map_err(|_| MsfError::SecondRange)?;
        let frame = u8::try_from(f).map_err(|_| MsfError::FrameRange)?;
        Msf::new(minute, second, frame)
    }
}

/// A packed BCD byte to its value; `None` if either nibble is above 9.
pub fn bcd_to_u8(byte: u8) -> Option<u8> {
    let (high, low) = (byte >> 4, byte & 0x0f);
    (high <= 9 && low <= 9).then_some(high * 10 + low)
}

/// A value below 100 as a packed BCD byte (values above 99 wrap modulo 100).
pub fn u8_to_bcd(value: u8) -> u8 {
    let value = value % 100;
    ((value / 10) << 4) | (value % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msf_lba_round_trip() {
        let msf: Msf = "00:02:00".parse().unwrap();
        assert_eq!(msf.to_lba(), Lba(0));
        assert_eq!(Lba(0).to_msf(), Some(msf));
        assert_eq!(Lba(-150).to_msf().unwrap().to_string(), "00:00:00");
        assert_eq!(Lba(-151).to_msf(), None);
        assert_eq!(Lba(449_849).to_msf().unwrap().to_string(), "99:59:74");
        assert_eq!(Lba(449_850).to_msf(), None);
    }

    #[test]
    fn msf_parse_validates() {
        assert_eq!("00:00:75".parse::<Msf>(), Err(MsfError::FrameRange));
        assert_eq!("00:60:00".parse::<Msf>(), Err(MsfError::SecondRange));
        assert_eq!("-1:00:00".parse::<Msf>(), Err(MsfError::Negative));
        assert_eq!(
            "00:+1:00".parse::<Msf>(),
            Err(MsfError::NotANumber("+1".into()))
        );
        assert_eq!("00:00".parse::<Msf>(), Err(MsfError::Shape));
        assert_eq!("100:00:00".parse::<Msf>(), Err(MsfError::MinuteRange));
        assert_eq!("79:59:74".parse::<Msf>().unwrap().frames(), 359_999);
    }

    #[test]
    fn bcd() {
        assert_eq!(bcd_to_u8(0x59), Some(59));
        assert_eq!(bcd_to_u8(0x5a), None);
        assert_eq!(u8_to_bcd(74), 0x74);
        let msf = Msf::from_bcd([0x00, 0x02, 0x16]).unwrap();
        assert_eq!(msf.to_lba(), Lba(16));
        assert_eq!(msf.to_bcd(), [0x00, 0x02, 0x16]);
    }
}
