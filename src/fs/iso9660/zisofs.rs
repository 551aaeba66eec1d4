//! zisofs: files stored as zlib blocks behind a table of block pointers.
//!
// Sources: the zisofs format as mkzftree and libisofs write it: a 16-byte
// header (magic 37 E4 53 96 C9 DB D6 07, uncompressed size LE32, header
// size / 4, log2 block size), then (blocks + 1) LE32 pointers from the file
// start; equal neighbouring pointers mean an all-zero block.

use crate::error::{Error, Result};
use crate::fs::Node;

use super::IsoFs;

const MAGIC: [u8; 8] = [0x37, 0xE4, 0x53, 0x96, 0xC9, 0xDB, 0xD6, 0x07];

/// Reads uncompressed bytes at `offset` of a zisofs file into `buf`.
pub fn read(fs: &IsoFs, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
    let bad = |m: &str| Error::Unsupported(format!("{}: zisofs: {m}", file.name));
    let mut header = [0u8; 16];
    let read = fs.read_extents(&file.extents, 0, &mut header)?;
    // Magic, uncompressed size, header size / 4, log2 block size, reserved.
    let [magic @ .., _, _, _, _, header_div4, log2, _, _] = header;
    if read < 16 || magic != MAGIC {
        return Err(bad("no zisofs header"));
    }
    let header_size = u64::from(header_div4) * 4;
    let log2 = u32::from(log2);
    if !(10..=20).contains(&log2) || header_size < 16 {
        return Err(bad("block size or header size out of range"));
    }
    let block = 1u64 << log2;
    let mut done = 0usize;
    while done < buf.len() {
        let at = offset + done as u64;
        let index = at >> log2;
        let mut ptrs = [0u8; 8];
        let pos = header_size + index * 4;
        if fs.read_extents(&file.extents, pos, &mut ptrs)? < 8 {
            return Err(bad("block pointer table is cut short"));
        }
        let [a0, a1, a2, a3, b0, b1, b2, b3] = ptrs;
        let (start, end) = (
            u64::from(u32::from_le_bytes([a0, a1, a2, a3])),
            u64::from(u32::from_le_bytes([b0, b1, b2, b3])),
        );
        let within = (at & (block - 1)) as usize;
        let n = (block as usize - within).min(buf.len() - done);
        let dst = buf.get_mut(done..done + n).unwrap_or_default();
        if end <= start {
            dst.iter_mut().for_each(|b| *b = 0);
        } else {
            let len = end - start;
            if len > block * 2 {
                return Err(bad("compressed block larger than twice the block size"));
            }
            let mut packed = vec![0u8; len as usize];
            if fs.read_extents(&file.extents, start, &mut packed)? < packed.len() {
                return Err(bad("compressed block runs past the file"));
            }
            let plain =
                miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, block as usize)
                    .map_err(|e| bad(&format!("inflate failed ({:?})", e.status)))?;
            let src = plain.get(within..).unwrap_or_default();
            let k = src.len().min(n);
            if let (Some(d), Some(s)) = (dst.get_mut(..k), src.get(..k)) {
                d.copy_from_slice(s);
            }
            dst.get_mut(k..).into_iter().flatten().for_each(|b| *b = 0);
        }
        done += n;
    }
    Ok(done)
}
