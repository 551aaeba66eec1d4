//! Views of a CD CHD's frames as the rest of discscope reads sectors: one
//! track's sectors one after another (audio turned back to the
//! little-endian samples cue sheets' BINARY files hold), and the
//! subchannel of every sector, de-interleaved P to W.
//!
//! Sources: MAME `cdrom.cpp` (`read_partial_sector`: a frame is the
//! sector's data followed by its subcode, at frame × 2448; CD audio is
//! stored big-endian, except in old little-endian GD-ROM files) and
//! `chdman.cpp` (`do_extract_cd` swaps audio bytes for cue/bin output).

use std::sync::Arc;

use super::codec::FRAME;
use super::hunks::Hunks;
use crate::error::Result;
use crate::io::ReadAt;

/// Bytes of a sector's data in a frame.
pub const SECTOR_AREA: u64 = 2352;
/// Bytes of subcode in a frame.
pub const SUBCODE: u64 = 96;

/// Copies `len` bytes of the logical data at `at` into `dst`, hunk by hunk.
fn copy(hunks: &Hunks, at: u64, dst: &mut [u8]) -> Result<usize> {
    hunks.read_at(at, dst)
}

/// One track's stored frames, `sector_size` bytes of each.
#[derive(Debug)]
pub struct TrackView {
    hunks: Arc<Hunks>,
    name: String,
    /// Runs of CHD frames (first, count) the track's sectors are, in order.
    segments: Vec<(u64, u64)>,
    frames: u64,
    sector_size: u64,
    /// Audio stored big-endian: swap each pair of bytes.
    swap: bool,
}

impl TrackView {
    pub fn new(
        hunks: Arc<Hunks>,
        name: String,
        segments: Vec<(u64, u64)>,
        sector_size: u32,
        swap: bool,
    ) -> TrackView {
        let frames = segments.iter().map(|(_, n)| n).sum();
        TrackView {
            hunks,
            name,
            segments,
            frames,
            sector_size: u64::from(sector_size),
            swap,
        }
    }
}

impl TrackView {
    /// The CHD frame holding the track's sector `index`.
    fn frame(&self, mut index: u64) -> u64 {
        for &(first, count) in &self.segments {
            if index < count {
                return first + index;
            }
            index -= count;
        }
        // Past the segments (never asked for: `len` stops before).
        u64::MAX / u64::from(FRAME)
    }
}

impl ReadAt for TrackView {
    fn len(&self) -> u64 {
        self.frames * self.sector_size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let len = self.len();
        if offset >= len || buf.is_empty() {
            return Ok(0);
        }
        let want = (len - offset).min(buf.len() as u64) as usize;
        let mut done = 0usize;
        while done < want {
            let at = offset + done as u64;
            let sector = at / self.sector_size;
            let within = at % self.sector_size;
            let n = ((self.sector_size - within) as usize).min(want - done);
            let frame = self.frame(sector);
            let source = frame * u64::from(FRAME) + within;
            let dst = buf.get_mut(done..done + n).unwrap_or_default();
            let got = copy(&self.hunks, source, dst)?;
            // Frames past the logical data read as zeros (noted at open).
            dst.get_mut(got..)
                .into_iter()
                .flatten()
                .for_each(|b| *b = 0);
            if self.swap {
                // Swap within whole 16-bit samples of the sector.
                let mut i = 0usize;
                let parity = (within % 2) as usize;
                if parity == 1 {
                    // The first byte's partner lies before the buffer: read it.
                    let mut pair = [0u8; 2];
                    copy(&self.hunks, source - 1, &mut pair)?;
                    if let Some(first) = dst.first_mut() {
                        *first = pair[0];
                    }
                    i = 1;
                }
                while i + 1 < dst.len() {
                    dst.swap(i, i + 1);
                    i += 2;
                }
                if i < dst.len() {
                    // The last byte's partner lies after the buffer.
                    let mut pair = [0u8; 2];
                    copy(&self.hunks, source + i as u64, &mut pair)?;
                    if let Some(last) = dst.get_mut(i) {
                        *last = pair[1];
                    }
                }
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

/// How the stored 96 subcode bytes are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubcodeLayout {
    /// Twelve bytes of P, then Q, ... W (as CloneCD's `.sub`).
    Channels,
    /// Each byte one bit of each channel, P in bit 7 (raw P-W).
    Interleaved,
}

/// Interleaved P-W subcode to twelve-byte channels.
pub fn deinterleave(raw: &[u8]) -> [u8; 96] {
    let mut out = [0u8; 96];
    for (i, &byte) in raw.iter().take(96).enumerate() {
        for channel in 0..8 {
            if byte & (0x80 >> channel) != 0
                && let Some(slot) = out.get_mut(channel * 12 + i / 8)
            {
                *slot |= 0x80 >> (i % 8);
            }
        }
    }
    out
}

/// The subchannel of a run of sectors, from `first_frame` on, 96 bytes a
/// sector in channel order.
#[derive(Debug)]
pub struct SubcodeView {
    hunks: Arc<Hunks>,
    name: String,
    /// For each run of consecutive sectors: (first sector, first frame,
    /// count, where the subcode starts in the frame).
    runs: Vec<(u64, u64, u64, u64)>,
    sectors: u64,
    layout: SubcodeLayout,
}

impl SubcodeView {
    pub fn new(
        hunks: Arc<Hunks>,
        name: String,
        runs: Vec<(u64, u64, u64, u64)>,
        layout: SubcodeLayout,
    ) -> SubcodeView {
        let sectors = runs.iter().map(|r| r.0 + r.2).max().unwrap_or(0);
        SubcodeView {
            hunks,
            name,
            runs,
            sectors,
            layout,
        }
    }

    /// The 96 bytes of sector `index`, in channel order.
    fn record(&self, index: u64) -> Result<[u8; 96]> {
        let mut raw = [0u8; 96];
        if let Some((first, frame, _, within)) = self
            .runs
            .iter()
            .find(|(first, _, count, _)| index >= *first && index < first + count)
        {
            let at = (frame + index - first) * u64::from(FRAME) + within;
            copy(&self.hunks, at, &mut raw)?;
        }
        Ok(match self.layout {
            SubcodeLayout::Channels => raw,
            SubcodeLayout::Interleaved => deinterleave(&raw),
        })
    }
}

impl ReadAt for SubcodeView {
    fn len(&self) -> u64 {
        self.sectors * SUBCODE
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let len = self.len();
        if offset >= len || buf.is_empty() {
            return Ok(0);
        }
        let want = (len - offset).min(buf.len() as u64) as usize;
        let mut done = 0usize;
        while done < want {
            let at = offset + done as u64;
            let record = self.record(at / SUBCODE)?;
            let within = (at % SUBCODE) as usize;
            let n = (SUBCODE as usize - within).min(want - done);
            if let (Some(dst), Some(src)) =
                (buf.get_mut(done..done + n), record.get(within..within + n))
            {
                dst.copy_from_slice(src);
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deinterleaving_puts_each_bit_in_its_channel() {
        let mut raw = [0u8; 96];
        // Q (bit 6) set in subcode bytes 0 and 9: Q byte 0 bit 7, Q byte 1 bit 6.
        raw[0] = 0x40;
        raw[9] = 0x40;
        // P (bit 7) set in byte 95: P byte 11 bit 0.
        raw[95] = 0x80;
        let out = deinterleave(&raw);
        assert_eq!(out[12], 0x80);
        assert_eq!(out[13], 0x40);
        assert_eq!(out[11], 0x01);
        assert_eq!(out.iter().filter(|&&b| b != 0).count(), 3);
    }
}
