//! A small CHD v5 writer for tests: the header, a compressed map (every
//! type coded in 4 bits), metadata, and the digests, laid out as MAME's
//! chd.cpp lays them out. It makes files chdman 0.251 cannot (zstd and
//! cdzs hunks) and damaged ones.

use crc::{CRC_16_IBM_3740, Crc};
use sha1::{Digest, Sha1};

const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);

/// How one hunk is stored.
pub enum Stored {
    /// Compressed with the header's codec in `slot`; the CRC is of `plain`.
    Codec {
        slot: u8,
        bytes: Vec<u8>,
        plain: Vec<u8>,
    },
    /// A copy of an earlier hunk.
    Copy(u32),
}

/// CloneCD channels (12 bytes each, P..W) as raw P-W: byte i holds bit i
/// of every channel, P in bit 7.
pub fn raw_pw(channels: &[u8]) -> [u8; 96] {
    let mut out = [0u8; 96];
    for channel in 0..8 {
        for (i, byte) in out.iter_mut().enumerate() {
            if channels[channel * 12 + i / 8] & (0x80 >> (i % 8)) != 0 {
                *byte |= 0x80 >> channel;
            }
        }
    }
    out
}

struct Bits(Vec<bool>);

impl Bits {
    fn write(&mut self, value: u64, count: u8) {
        for i in (0..count).rev() {
            self.0.push((value >> i) & 1 == 1);
        }
    }
    fn bytes(&self) -> Vec<u8> {
        self.0
            .chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &bit)| b | (u8::from(bit) << (7 - i)))
            })
            .collect()
    }
}

fn tag(name: &[u8; 4]) -> [u8; 4] {
    *name
}

/// A CHD whose logical data is `logical` bytes, stored as `hunks`, with
/// `metadata` entries (tag, checksummed, data). The digests are those of
/// `data`, the bytes the hunks are meant to hold.
pub fn chd(
    codecs: [&[u8; 4]; 4],
    hunk_bytes: u32,
    unit_bytes: u32,
    data: &[u8],
    hunks: &[Stored],
    metadata: &[(&[u8; 4], bool, Vec<u8>)],
) -> Vec<u8> {
    let mut meta = Vec::new();
    let meta_start = 124u64;
    let mut at = meta_start;
    for (i, (name, checksummed, value)) in metadata.iter().enumerate() {
        let next = if i + 1 == metadata.len() {
            0
        } else {
            at + 16 + value.len() as u64
        };
        meta.extend_from_slice(&tag(name));
        meta.push(u8::from(*checksummed));
        meta.extend_from_slice(&(value.len() as u32).to_be_bytes()[1..]);
        meta.extend_from_slice(&next.to_be_bytes());
        meta.extend_from_slice(value);
        at += 16 + value.len() as u64;
    }
    let data_start = meta_start + meta.len() as u64;
    let mut blob = Vec::new();
    let mut entries: Vec<(u8, u32, u64, u16)> = Vec::new();
    for hunk in hunks {
        match hunk {
            Stored::Codec { slot, bytes, plain } => {
                entries.push((
                    *slot,
                    bytes.len() as u32,
                    data_start + blob.len() as u64,
                    CRC16.checksum(plain),
                ));
                blob.extend_from_slice(bytes);
            }
            Stored::Copy(target) => entries.push((5, 0, u64::from(*target), 0)),
        }
    }
    let map_offset = data_start + blob.len() as u64;
    // The map: lengths table 1,4,13 (all 16 codes 4 bits), the types, then
    // each entry's fields.
    let mut bits = Bits(Vec::new());
    for nibble in [1, 4, 13] {
        bits.write(nibble, 4);
    }
    for (kind, ..) in &entries {
        bits.write(u64::from(*kind), 4);
    }
    let (length_bits, self_bits) = (24u8, 32u8);
    let mut raw = Vec::new();
    for &(kind, length, offset, crc) in &entries {
        match kind {
            0..=3 => {
                bits.write(u64::from(length), length_bits);
                bits.write(u64::from(crc), 16);
            }
            5 => bits.write(offset, self_bits),
            _ => unreachable!(),
        }
        raw.push(kind);
        raw.extend_from_slice(&length.to_be_bytes()[1..]);
        raw.extend_from_slice(&offset.to_be_bytes()[2..]);
        raw.extend_from_slice(&crc.to_be_bytes());
    }
    let stream = bits.bytes();
    let mut map = Vec::new();
    map.extend_from_slice(&(stream.len() as u32).to_be_bytes());
    map.extend_from_slice(&data_start.to_be_bytes()[2..]);
    map.extend_from_slice(&CRC16.checksum(&raw).to_be_bytes());
    map.extend_from_slice(&[length_bits, self_bits, 0, 0]);
    map.extend_from_slice(&stream);
    // Digests as chd.cpp computes them.
    let raw_sha1: [u8; 20] = Sha1::digest(data).into();
    let mut records: Vec<Vec<u8>> = metadata
        .iter()
        .filter(|(_, checksummed, _)| *checksummed)
        .map(|(name, _, value)| {
            let mut r = name.to_vec();
            r.extend_from_slice(&Sha1::digest(value));
            r
        })
        .collect();
    records.sort();
    let mut overall = Sha1::new();
    overall.update(raw_sha1);
    for r in &records {
        overall.update(r);
    }
    let sha1: [u8; 20] = overall.finalize().into();
    let mut out = Vec::new();
    out.extend_from_slice(b"MComprHD");
    out.extend_from_slice(&124u32.to_be_bytes());
    out.extend_from_slice(&5u32.to_be_bytes());
    for codec in codecs {
        out.extend_from_slice(codec);
    }
    out.extend_from_slice(&(data.len() as u64).to_be_bytes());
    out.extend_from_slice(&map_offset.to_be_bytes());
    out.extend_from_slice(&meta_start.to_be_bytes());
    out.extend_from_slice(&hunk_bytes.to_be_bytes());
    out.extend_from_slice(&unit_bytes.to_be_bytes());
    out.extend_from_slice(&raw_sha1);
    out.extend_from_slice(&sha1);
    out.extend_from_slice(&[0; 20]);
    assert_eq!(out.len(), 124);
    out.extend_from_slice(&meta);
    out.extend_from_slice(&blob);
    out.extend_from_slice(&map);
    out
}

/// The empty codec slot.
pub const NONE: &[u8; 4] = &[0; 4];

/// How one hunk of a v3/v4 file is stored.
pub enum Legacy {
    /// Raw deflate of the hunk.
    Zlib(Vec<u8>),
    Uncompressed,
    /// The hunk is its first 8 bytes repeated.
    Mini,
    Copy(u64),
}

/// A v3 or v4 CHD (zlib, 16-byte map entries with CRC-32) holding `data`
/// in hunks of `hunk_bytes`, stored as `hunks` say, with metadata.
pub fn chd_legacy(
    version: u32,
    hunk_bytes: u32,
    data: &[u8],
    hunks: &[Legacy],
    metadata: &[(&[u8; 4], bool, Vec<u8>)],
) -> Vec<u8> {
    const CRC32: Crc<u32> = Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let header_len: u64 = if version == 3 { 120 } else { 108 };
    let map_len = 16 * hunks.len() as u64;
    let meta_start = header_len + map_len;
    let mut meta = Vec::new();
    let mut at = meta_start;
    for (i, (name, checksummed, value)) in metadata.iter().enumerate() {
        let next = if i + 1 == metadata.len() {
            0
        } else {
            at + 16 + value.len() as u64
        };
        meta.extend_from_slice(&tag(name));
        meta.push(u8::from(*checksummed));
        meta.extend_from_slice(&(value.len() as u32).to_be_bytes()[1..]);
        meta.extend_from_slice(&next.to_be_bytes());
        meta.extend_from_slice(value);
        at += 16 + value.len() as u64;
    }
    let data_start = meta_start + meta.len() as u64;
    let mut blob = Vec::new();
    let mut map = Vec::new();
    for (i, hunk) in hunks.iter().enumerate() {
        let plain = &data[i * hunk_bytes as usize..][..hunk_bytes as usize];
        let crc = CRC32.checksum(plain);
        let (offset, length, flags) = match hunk {
            Legacy::Zlib(bytes) => {
                let offset = data_start + blob.len() as u64;
                blob.extend_from_slice(bytes);
                (offset, bytes.len() as u32, 1u8)
            }
            Legacy::Uncompressed => {
                let offset = data_start + blob.len() as u64;
                blob.extend_from_slice(plain);
                (offset, hunk_bytes, 2)
            }
            Legacy::Mini => (u64::from_be_bytes(plain[..8].try_into().unwrap()), 0, 3),
            Legacy::Copy(target) => (*target, 0, 4),
        };
        map.extend_from_slice(&offset.to_be_bytes());
        map.extend_from_slice(&crc.to_be_bytes());
        map.extend_from_slice(&(length as u16).to_be_bytes());
        map.push((length >> 16) as u8);
        map.push(flags);
    }
    let raw_sha1: [u8; 20] = Sha1::digest(data).into();
    let mut records: Vec<Vec<u8>> = metadata
        .iter()
        .filter(|(_, checksummed, _)| *checksummed)
        .map(|(name, _, value)| {
            let mut r = name.to_vec();
            r.extend_from_slice(&Sha1::digest(value));
            r
        })
        .collect();
    records.sort();
    let mut overall = Sha1::new();
    overall.update(raw_sha1);
    for r in &records {
        overall.update(r);
    }
    let overall: [u8; 20] = overall.finalize().into();
    let mut out = Vec::new();
    out.extend_from_slice(b"MComprHD");
    out.extend_from_slice(&(header_len as u32).to_be_bytes());
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes()); // flags
    out.extend_from_slice(&1u32.to_be_bytes()); // zlib
    out.extend_from_slice(&(hunks.len() as u32).to_be_bytes());
    out.extend_from_slice(&(data.len() as u64).to_be_bytes());
    out.extend_from_slice(&meta_start.to_be_bytes());
    if version == 3 {
        out.extend_from_slice(&[0; 32]); // MD5, parent MD5
        out.extend_from_slice(&hunk_bytes.to_be_bytes());
        out.extend_from_slice(&raw_sha1); // v3: SHA-1 of the data
        out.extend_from_slice(&[0; 20]);
    } else {
        out.extend_from_slice(&hunk_bytes.to_be_bytes());
        out.extend_from_slice(&overall);
        out.extend_from_slice(&[0; 20]);
        out.extend_from_slice(&raw_sha1);
    }
    assert_eq!(out.len() as u64, header_len);
    out.extend_from_slice(&map);
    out.extend_from_slice(&meta);
    out.extend_from_slice(&blob);
    out
}
