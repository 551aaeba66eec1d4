//! Building raw sectors from user data: sync, header, subheader, EDC and ECC.
//!
//! Sources: ECMA-130 §14.1–§14.4 and Annex A; CD-ROM XA (form 1 and form 2).

use super::SYNC;
use super::ecc;
use super::edc;
use super::header::SectorHeader;
use super::layout::RAW_SIZE;
use super::subheader::Subheader;
use crate::error::{Error, Result};
use crate::units::Lba;

fn start(lba: Lba, mode: u8) -> Result<[u8; RAW_SIZE]> {
    let header = SectorHeader::for_lba(lba, mode)
        .ok_or_else(|| Error::Unsupported(format!("sector {lba} has no CD address")))?;
    let mut sector = [0u8; RAW_SIZE];
    put(&mut sector, 0, &SYNC);
    put(&mut sector, 12, &header.to_bytes());
    Ok(sector)
}

fn put(sector: &mut [u8; RAW_SIZE], at: usize, bytes: &[u8]) {
    if let Some(dst) = sector.get_mut(at..at + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
}

fn put_edc(sector: &mut [u8; RAW_SIZE], from: usize, at: usize) {
    let value = edc::compute(sector.get(from..at).unwrap_or_default());
    put(sector, at, &value.to_le_bytes());
}

/// A MODE1/2352 sector holding `user` at `lba`.
pub fn mode1(lba: Lba, user: &[u8; 2048]) -> Result<[u8; RAW_SIZE]> {
    let mut sector = start(lba, 1)?;
    put(&mut sector, 16, user);
    put_edc(&mut sector, 0, 2064);
    ecc::write_parity(&mut sector, false);
    Ok(sector)
}

fn mode2(lba: Lba, subheader: Subheader) -> Result<[u8; RAW_SIZE]> {
    let mut sector = start(lba, 2)?;
    let sub = subheader.to_bytes();
    put(&mut sector, 16, &sub);
    put(&mut sector, 20, &sub);
    Ok(sector)
}

/// A mode 2 form 1 sector. The subheader is written as given (its form 2
/// bit should be clear).
pub fn mode2_form1(lba: Lba, subheader: Subheader, user: &[u8; 2048]) -> Result<[u8; RAW_SIZE]> {
    let mut sector = mode2(lba, subheader)?;
    put(&mut sector, 24, user);
    put_edc(&mut sector, 16, 2072);
    ecc::write_parity(&mut sector, true);
    Ok(sector)
}

/// A mode 2 form 2 sector; with `edc` false the EDC field is left 0 ("not
/// computed"), as some mastering tools do.
pub fn mode2_form2(
    lba: Lba,
    subheader: Subheader,
    user: &[u8; 2324],
    edc: bool,
) -> Result<[u8; RAW_SIZE]> {
    let mut sector = mode2(lba, subheader)?;
    put(&mut sector, 24, user);
    if edc {
        put_edc(&mut sector, 16, 2348);
    }
    Ok(sector)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sector::{Storage, judge};

    #[test]
    fn encoded_sectors_verify() {
        let user: Vec<u8> = (0..2324u32).map(|i| (i * 7 + 3) as u8).collect();
        let data: &[u8; 2048] = user[..2048].try_into().unwrap();
        let m1 = mode1(Lba(1234), data).unwrap();
        let v = judge(
            &m1,
            Lba(1234),
            Storage::Raw {
                expected_mode: Some(1),
            },
        );
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        let sub = Subheader {
            file: 1,
            channel: 0,
            submode: 0x08,
            coding: 0,
        };
        let f1 = mode2_form1(Lba(-20), sub, data).unwrap();
        let v = judge(
            &f1,
            Lba(-20),
            Storage::Raw {
                expected_mode: Some(2),
            },
        );
        assert_eq!(v.mode, crate::sector::SectorMode::Mode2Form1);
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        let sub2 = Subheader {
            submode: 0x64,
            ..sub
        };
        let f2 = mode2_form2(Lba(5), sub2, user[..].try_into().unwrap(), true).unwrap();
        let v = judge(
            &f2,
            Lba(5),
            Storage::Raw {
                expected_mode: Some(2),
            },
        );
        assert_eq!(v.mode, crate::sector::SectorMode::Mode2Form2);
        assert!(v.problems.is_empty() && v.note.is_none());
        assert!(mode1(Lba(-151), data).is_err());
    }
}
