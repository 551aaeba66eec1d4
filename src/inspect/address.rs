//! How an address reads to a person: `LBA 16 (00:02:16)` on optical media,
//! `sector 16` on disks, where minutes and seconds mean nothing.

use crate::medium::{Medium, MediumKind};
use crate::units::Lba;

/// The address of `lba` on `medium`, for titles and status lines.
pub fn describe(medium: &Medium, lba: Lba) -> String {
    match medium.kind {
        MediumKind::Disk => format!("sector {lba}"),
        MediumKind::Optical => {
            let msf = lba
                .to_msf()
                .map_or_else(|| "--:--:--".to_owned(), |m| m.to_string());
            format!("LBA {lba} ({msf})")
        }
    }
}
