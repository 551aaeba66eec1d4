//! Sector addresses as users type them: `1234` (LBA), `-150` (pregap LBA),
//! `00:02:00` (absolute MSF = LBA + 150) or `0x1A2B00` (a byte offset into
//! the image's stored sectors, rounded down to its sector).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::medium::Medium;
use crate::units::{Lba, Msf};

/// A parsed ADDR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    Lba(Lba),
    Msf(Msf),
    ByteOffset(u64),
}

/// Why an ADDR could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a sector address ({why}); use 1234, -150, 00:02:00 or 0x1A2B00")]
pub struct AddressError {
    pub text: String,
    pub why: String,
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(text: &str) -> Result<Address, AddressError> {
        let fail = |why: &str| AddressError {
            text: text.to_owned(),
            why: why.to_owned(),
        };
        let trimmed = text.trim();
        if let Some(hex) = trimmed
            .strip_prefix("0x")
            .or_else(|| trimmed.strip_prefix("0X"))
        {
            let hex = hex.replace('_', "");
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(fail("bad hexadecimal digits"));
            }
            return u64::from_str_radix(&hex, 16)
                .map(Address::ByteOffset)
                .map_err(|_| fail("offset too large"));
        }
        if trimmed.contains(':') {
            return trimmed
                .parse::<Msf>()
                .map(Address::Msf)
                .map_err(|e| fail(&e.to_string()));
        }
        let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("not a number"));
        }
        trimmed
            .parse::<i64>()
            .map(|n| Address::Lba(Lba(n)))
            .map_err(|_| fail("number too large"))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Lba(lba) => write!(f, "{lba}"),
            Address::Msf(msf) => write!(f, "{msf}"),
            Address::ByteOffset(offset) => write!(f, "{offset:#x}"),
        }
    }
}

/// Where an address lands: a sector the image holds and the byte within
/// it (non-zero only for a byte offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    pub lba: Lba,
    pub byte: usize,
}

impl Address {
    /// The sector and byte this address names on `medium`, checked against
    /// the sectors it holds. A byte offset counts through the sectors the
    /// image stores (unstored gaps take no bytes), in address order: for a
    /// single-file image it is the offset in the file.
    pub fn resolve(&self, medium: &Medium) -> Result<Spot> {
        let spot = match *self {
            Address::Lba(lba) => Spot { lba, byte: 0 },
            Address::Msf(msf) => Spot {
                lba: msf.to_lba(),
                byte: 0,
            },
            Address::ByteOffset(offset) => byte_offset(medium, offset)?,
        };
        if spot.lba < medium.first_lba() || spot.lba >= medium.end_lba() {
            return Err(medium.out_of_range(spot.lba));
        }
        Ok(spot)
    }
}

fn byte_offset(medium: &Medium, offset: u64) -> Result<Spot> {
    let mut before = 0u64;
    for extent in &medium.extents {
        // Each stored sector takes its stride of the file (its subchannel
        // too, where the image keeps one after it).
        let Some((_, _, stride)) = extent.data.stored(extent.sector_size) else {
            continue;
        };
        let stride = stride.max(1);
        let bytes = extent.count.saturating_mul(stride);
        if offset < before.saturating_add(bytes) {
            let within = offset - before;
            let index = i64::try_from(within / stride).unwrap_or(i64::MAX);
            let lba = extent
                .start
                .checked_add(index)
                .ok_or_else(|| Error::Unsupported(format!("byte offset {offset:#x} overflows")))?;
            // A byte of a stored subchannel names the sector's last byte.
            let in_sector = (within % stride).min(u64::from(extent.sector_size).saturating_sub(1));
            let byte = usize::try_from(in_sector).unwrap_or(0);
            return Ok(Spot { lba, byte });
        }
        before = before.saturating_add(bytes);
    }
    Err(Error::Unsupported(format!(
        "byte offset {offset:#x} is past the end of the image's {before} stored bytes"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!("1234".parse(), Ok(Address::Lba(Lba(1234))));
        assert_eq!("-150".parse(), Ok(Address::Lba(Lba(-150))));
        let msf: Address = "00:02:00".parse().unwrap();
        assert_eq!(msf, Address::Msf(Msf::new(0, 2, 0).unwrap()));
        assert_eq!("0x1A2B00".parse(), Ok(Address::ByteOffset(0x1a2b00)));
        assert_eq!("0X10".parse(), Ok(Address::ByteOffset(16)));
        for bad in ["", "-", "12a", "0x", "0xZZ", "00:60:00", "1:2", "--1", "+5"] {
            assert!(bad.parse::<Address>().is_err(), "{bad}");
        }
        assert!("99999999999999999999".parse::<Address>().is_err());
    }

    #[test]
    fn resolves_against_extents() {
        use crate::medium::{Extent, ExtentData, Format, MediumKind};
        let medium = Medium {
            extents: vec![
                Extent {
                    start: Lba(-150),
                    count: 150,
                    sector_size: 2352,
                    track: None,
                    data: crate::medium::ExtentData::Zero(crate::medium::Gap::Pregap),
                },
                Extent {
                    start: Lba(0),
                    count: 10,
                    sector_size: 2352,
                    track: None,
                    data: ExtentData::File { file: 0, offset: 0 },
                },
            ],
            ..Medium::empty(
                Format::Bin,
                MediumKind::Optical,
                std::path::Path::new("x.bin"),
                2352,
            )
        };
        let at = |text: &str| text.parse::<Address>().unwrap().resolve(&medium);
        let spot = |lba, byte| Spot {
            lba: Lba(lba),
            byte,
        };
        assert_eq!(at("0x0").unwrap(), spot(0, 0));
        assert_eq!(at(&format!("{:#x}", 2352 * 3 + 5)).unwrap(), spot(3, 5));
        assert!(at(&format!("{:#x}", 2352 * 10)).is_err());
        assert_eq!(at("00:00:00").unwrap(), spot(-150, 0));
        let past = at("10").unwrap_err().to_string();
        assert_eq!(
            past,
            "sector 10 is outside the image (it holds sectors -150 to 9)"
        );
    }
}
