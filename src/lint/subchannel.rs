//! The Q subchannel of a `.sub` file, as far as track boundaries need it:
//! track and index numbers of each sector, with the CRC checked.
//!
//! Sources: ECMA-130 section 22.3 (Q channel, mode 1: CONTROL/ADR, TNO,
//! INDEX, relative and absolute time, CRC); CloneCD's `.sub` stores each
//! sector's 96 subchannel bytes de-interleaved, P then Q then R..W.

use crate::io::ReadAt;

/// Bytes of subchannel per sector in a `.sub` file.
pub const SUB_BYTES: u64 = 96;

/// What one sector's Q says, when it is a position (ADR 1) with a good CRC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QPosition {
    pub track: u8,
    pub index: u8,
    /// CONTROL bit 2: a data track.
    pub data: bool,
}

const Q_CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_GSM);

/// Decodes the Q of sector `n`; None when it is not a position or is damaged.
pub fn q_position(sub: &dyn ReadAt, n: u64) -> Option<QPosition> {
    let mut q = [0u8; 12];
    sub.read_exact_at(n.checked_mul(SUB_BYTES)?.checked_add(12)?, &mut q)
        .ok()?;
    let stored = u16::from_be_bytes([*q.get(10)?, *q.get(11)?]);
    if Q_CRC.checksum(q.get(..10)?) != stored {
        return None;
    }
    let control_adr = *q.first()?;
    if control_adr & 0x0F != 1 {
        return None;
    }
    let track = crate::units::bcd_to_u8(*q.get(1)?)?;
    let index = crate::units::bcd_to_u8(*q.get(2)?)?;
    Some(QPosition {
        track,
        index,
        data: control_adr & 0x40 != 0,
    })
}

/// Builds a Q position block (for tests and fixtures): CONTROL/ADR,
/// track, index, relative and absolute MSF, CRC.
pub fn q_block(position: QPosition, relative: [u8; 3], absolute: [u8; 3]) -> [u8; 12] {
    let control = if position.data { 0x40 } else { 0x00 };
    let mut q = [0u8; 12];
    let fields = [
        control | 1,
        crate::units::u8_to_bcd(position.track),
        crate::units::u8_to_bcd(position.index),
        relative[0],
        relative[1],
        relative[2],
        0,
        absolute[0],
        absolute[1],
        absolute[2],
    ];
    for (slot, value) in q.iter_mut().zip(fields) {
        *slot = value;
    }
    let crc = Q_CRC
        .checksum(q.get(..10).unwrap_or_default())
        .to_be_bytes();
    if let Some(tail) = q.get_mut(10..) {
        tail.copy_from_slice(&crc);
    }
    q
}
