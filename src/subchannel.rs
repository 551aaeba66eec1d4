//! CD subchannel: the Q channel of each sector, decoded and CRC-checked,
//! from `.sub` files that store 96 bytes per sector de-interleaved (P, Q,
//! R..W, 12 bytes each, as CloneCD writes them).
//!
//! Sources: ECMA-130 §22.3 (Q channel: control and ADR nibbles, mode 1
//! position data with track, index, relative and absolute time in BCD;
//! mode 2 media catalogue number; mode 3 ISRC; CRC over 80 bits with
//! polynomial x^16+x^12+x^5+1, stored inverted).

use crc::{CRC_16_GSM, Crc};

use crate::error::Result;
use crate::io::ReadAt;
use crate::units::{Lba, Msf, bcd_to_u8};

/// Bytes per sector in a `.sub` file.
pub const SUB_BYTES: u64 = 96;
const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_GSM);

/// What a Q frame carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QData {
    /// ADR 1: where the sector is.
    Position {
        track: u8,
        index: u8,
        relative: Option<Msf>,
        absolute: Option<Msf>,
    },
    /// ADR 2: the disc's media catalogue number (13 digits).
    Catalog { mcn: String, absolute_frame: u8 },
    /// ADR 3: the track's ISRC.
    Isrc { isrc: String, absolute_frame: u8 },
    /// Another ADR, or BCD that does not decode.
    Other,
}

/// One decoded Q frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Q {
    pub raw: [u8; 12],
    pub control: u8,
    pub adr: u8,
    pub data: QData,
    pub crc_stored: u16,
    pub crc_computed: u16,
}

impl Q {
    pub fn crc_ok(&self) -> bool {
        self.crc_stored == self.crc_computed
    }

    /// The sector a position frame's absolute time names, when it decodes.
    pub fn absolute_lba(&self) -> Option<Lba> {
        match &self.data {
            QData::Position { absolute, .. } => absolute.map(|a| a.to_lba()),
            _ => None,
        }
    }

    /// Control bit 2: a data track.
    pub fn is_data(&self) -> bool {
        self.control & 0x4 != 0
    }
}

fn msf(bytes: &[u8]) -> Option<Msf> {
    match bytes {
        [m, s, f] => Msf::from_bcd([*m, *s, *f]),
        _ => None,
    }
}

/// The 13-digit catalogue number in bytes 1..8 (two BCD digits a byte).
fn mcn(raw: &[u8; 12]) -> String {
    raw.iter()
        .skip(1)
        .take(7)
        .flat_map(|&b| [b >> 4, b & 0x0F])
        .take(13)
        .map(|d| char::from_digit(u32::from(d), 10).unwrap_or('?'))
        .collect()
}

/// The ISRC: five 6-bit characters (country, owner) then seven BCD digits.
fn isrc(raw: &[u8; 12]) -> String {
    let bits = raw
        .iter()
        .skip(1)
        .take(4)
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    // 32 bits hold the first five characters' 30 bits, high first.
    let mut out: String = (0..5)
        .map(|i| {
            let code = ((bits >> (26 - 6 * i)) & 0x3F) as u8;
            match code {
                0..=9 => char::from(b'0' + code),
                17..=42 => char::from(b'A' + code - 17),
                _ => '?',
            }
        })
        .collect();
    let digits = raw
        .iter()
        .skip(5)
        .take(4)
        .flat_map(|&b| [b >> 4, b & 0x0F])
        .take(7)
        .map(|d| char::from_digit(u32::from(d), 10).unwrap_or('?'));
    out.extend(digits);
    out
}

/// Decodes a 12-byte Q frame.
pub fn decode_q(raw: [u8; 12]) -> Q {
    let control = raw[0] >> 4;
    let adr = raw[0] & 0x0F;
    let data = match adr {
        1 => match (bcd_to_u8(raw[1]), bcd_to_u8(raw[2])) {
            (Some(track), Some(index)) => QData::Position {
                track,
                index,
                relative: msf(&raw[3..6]),
                absolute: msf(&raw[7..10]),
            },
            // The lead-in's POINT A0..A2 are hex, not BCD: keep them raw.
            _ => QData::Other,
        },
        2 => QData::Catalog {
            mcn: mcn(&raw),
            absolute_frame: bcd_to_u8(raw[9]).unwrap_or(raw[9]),
        },
        3 => QData::Isrc {
            isrc: isrc(&raw),
            absolute_frame: bcd_to_u8(raw[9]).unwrap_or(raw[9]),
        },
        _ => QData::Other,
    };
    Q {
        raw,
        control,
        adr,
        data,
        crc_stored: u16::from_be_bytes([raw[10], raw[11]]),
        crc_computed: CRC16.checksum(&raw[..10]),
    }
}

/// The CRC a Q frame's first ten bytes should carry.
pub fn q_crc(first_ten: &[u8]) -> u16 {
    CRC16.checksum(first_ten)
}

/// A `.sub` file: the subchannel of sector `lba` is record `lba - first`.
#[derive(Debug)]
pub struct SubFile<R> {
    reader: R,
    first: Lba,
    /// Address ranges `[start, end)` whose records mean nothing: sectors
    /// the image does not store (session gaps, unstored pregaps).
    unstored: Vec<(Lba, Lba)>,
}

impl SubFile<std::sync::Arc<dyn ReadAt>> {
    /// The subchannel a medium carries, if it carries one. Records of
    /// addresses the medium does not store are passed over.
    pub fn of(medium: &crate::medium::Medium) -> Option<Self> {
        let sub = medium.subchannel.as_ref()?;
        let mut file = SubFile::new(std::sync::Arc::clone(&sub.reader), sub.first);
        file.unstored = medium
            .extents
            .iter()
            .filter(|e| e.data.stored(e.sector_size).is_none())
            .map(|e| (e.start, e.end()))
            .collect();
        Some(file)
    }
}

impl<R: ReadAt> SubFile<R> {
    /// `first` is the LBA of the first record (0 for CloneCD).
    pub fn new(reader: R, first: Lba) -> SubFile<R> {
        SubFile {
            reader,
            first,
            unstored: Vec::new(),
        }
    }

    /// Whether `lba` lies where the image stores no sector.
    fn is_unstored(&self, lba: Lba) -> bool {
        self.unstored
            .iter()
            .any(|&(start, end)| lba >= start && lba < end)
    }

    /// Sectors the file covers.
    pub fn sectors(&self) -> u64 {
        self.reader.len() / SUB_BYTES
    }

    /// The Q frame of `lba`, or `None` when the file does not reach it.
    pub fn q(&self, lba: Lba) -> Result<Option<Q>> {
        let Some(index) = lba
            .checked_distance(self.first)
            .and_then(|d| u64::try_from(d).ok())
        else {
            return Ok(None);
        };
        if index >= self.sectors() || self.is_unstored(lba) {
            return Ok(None);
        }
        let mut raw = [0u8; 12];
        self.reader
            .read_exact_at(index * SUB_BYTES + 12, &mut raw)?;
        Ok(Some(decode_q(raw)))
    }

    /// Checks every sector's Q: the LBAs whose CRC is wrong, and whether
    /// position frames name a different absolute time than their LBA.
    pub fn scan(&self) -> Result<QReport> {
        let mut report = QReport::default();
        const CHUNK: u64 = 1024;
        let mut at = 0;
        while at < self.sectors() {
            let count = CHUNK.min(self.sectors() - at);
            let bytes = self
                .reader
                .read_vec(at * SUB_BYTES, (count * SUB_BYTES) as usize)?;
            for (i, record) in bytes.chunks_exact(SUB_BYTES as usize).enumerate() {
                let lba = Lba(self.first.0 + (at + i as u64) as i64);
                if self.is_unstored(lba) {
                    continue;
                }
                let Some(raw) = record
                    .get(12..24)
                    .and_then(|q| <[u8; 12]>::try_from(q).ok())
                else {
                    continue;
                };
                let q = decode_q(raw);
                report.sectors += 1;
                if !q.crc_ok() {
                    report.bad_crc.push(lba);
                } else if q.absolute_lba().is_some_and(|a| a != lba) {
                    report.wrong_position.push(lba);
                }
            }
            at += count;
        }
        Ok(report)
    }
}

/// The outcome of [`SubFile::scan`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QReport {
    pub sectors: u64,
    pub bad_crc: Vec<Lba>,
    /// Valid CRC but an absolute time that is not the sector's.
    pub wrong_position: Vec<Lba>,
}

impl QReport {
    /// Names a known copy-protection pattern in the bad CRCs. LibCrypt
    /// (PlayStation) corrupts Q in pairs of sectors five apart; a scratched
    /// disc's errors do not pair up like that.
    pub fn pattern(&self) -> Option<&'static str> {
        let bad = &self.bad_crc;
        if bad.len() < 2 || bad.len() > 64 {
            return None;
        }
        let paired = bad
            .iter()
            .all(|lba| bad.iter().any(|other| (other.0 - lba.0).abs() == 5));
        paired.then_some("LibCrypt-style: bad Q CRCs in pairs five sectors apart")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(first_ten: [u8; 10]) -> [u8; 12] {
        let crc = q_crc(&first_ten);
        let mut raw = [0u8; 12];
        raw[..10].copy_from_slice(&first_ten);
        raw[10..].copy_from_slice(&crc.to_be_bytes());
        raw
    }

    #[test]
    fn position_frame() {
        let q = decode_q(frame([
            0x41, 0x01, 0x01, 0x00, 0x00, 0x16, 0x00, 0x00, 0x02, 0x16,
        ]));
        assert!(q.crc_ok() && q.is_data());
        assert_eq!(q.adr, 1);
        match q.data {
            QData::Position {
                track,
                index,
                relative,
                absolute,
            } => {
                assert_eq!((track, index), (1, 1));
                assert_eq!(relative.unwrap().to_string(), "00:00:16");
                assert_eq!(absolute.unwrap().to_lba(), Lba(16));
            }
            other => panic!("{other:?}"),
        }
        let mut bad = frame([0x41, 0x01, 0x01, 0, 0, 0, 0, 0, 2, 0]);
        bad[11] ^= 1;
        assert!(!decode_q(bad).crc_ok());
    }

    #[test]
    fn catalog_and_isrc() {
        let q = decode_q(frame([
            0x02, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x30, 0x00, 0x21,
        ]));
        assert_eq!(
            q.data,
            QData::Catalog {
                mcn: "1234567890123".into(),
                absolute_frame: 21
            }
        );
        // "US" "ABC" → codes 37 35 17 18 19, then 9912345.
        let chars = [37u64, 35, 17, 18, 19];
        let bits = chars.iter().fold(0u64, |acc, &c| (acc << 6) | c) << 2;
        let b = (bits as u32).to_be_bytes();
        let q = decode_q(frame([
            0x03, b[0], b[1], b[2], b[3], 0x99, 0x12, 0x34, 0x50, 0x07,
        ]));
        assert_eq!(
            q.data,
            QData::Isrc {
                isrc: "USABC9912345".into(),
                absolute_frame: 7
            }
        );
    }

    #[test]
    fn libcrypt_pairs() {
        let report = QReport {
            sectors: 1000,
            bad_crc: vec![Lba(100), Lba(105), Lba(300), Lba(305)],
            wrong_position: vec![],
        };
        assert!(report.pattern().is_some());
        let report = QReport {
            sectors: 1000,
            bad_crc: vec![Lba(100), Lba(177)],
            wrong_position: vec![],
        };
        assert!(report.pattern().is_none());
    }
}
