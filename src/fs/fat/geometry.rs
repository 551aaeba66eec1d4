//! Floppy geometry: from the image size and from the BPB.
//!
//! Sources: the IBM PC floppy formats (160/180 KiB single-sided 5.25",
//! 320/360 KiB double-sided, 720 KiB and 1.44 MiB 3.5", 1.2 MiB 5.25" HD,
//! 1.68 MiB DMF with 21 sectors per track, 2.88 MiB ED).

/// A cylinders × heads × sectors layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub cylinders: u16,
    pub heads: u16,
    pub sectors_per_track: u16,
    /// The usual name ("1.44 MB 3.5\"").
    pub name: &'static str,
}

impl Geometry {
    pub fn bytes(&self) -> u64 {
        u64::from(self.cylinders) * u64::from(self.heads) * u64::from(self.sectors_per_track) * 512
    }
}

/// The standard floppy formats.
pub const FLOPPIES: [Geometry; 9] = [
    Geometry {
        cylinders: 40,
        heads: 1,
        sectors_per_track: 8,
        name: "160 KB 5.25\"",
    },
    Geometry {
        cylinders: 40,
        heads: 1,
        sectors_per_track: 9,
        name: "180 KB 5.25\"",
    },
    Geometry {
        cylinders: 40,
        heads: 2,
        sectors_per_track: 8,
        name: "320 KB 5.25\"",
    },
    Geometry {
        cylinders: 40,
        heads: 2,
        sectors_per_track: 9,
        name: "360 KB 5.25\"",
    },
    Geometry {
        cylinders: 80,
        heads: 2,
        sectors_per_track: 9,
        name: "720 KB 3.5\"",
    },
    Geometry {
        cylinders: 80,
        heads: 2,
        sectors_per_track: 15,
        name: "1.2 MB 5.25\"",
    },
    Geometry {
        cylinders: 80,
        heads: 2,
        sectors_per_track: 18,
        name: "1.44 MB 3.5\"",
    },
    Geometry {
        cylinders: 80,
        heads: 2,
        sectors_per_track: 21,
        name: "1.68 MB DMF",
    },
    Geometry {
        cylinders: 80,
        heads: 2,
        sectors_per_track: 36,
        name: "2.88 MB 3.5\"",
    },
];

/// The floppy format an image of `bytes` bytes is.
pub fn from_size(bytes: u64) -> Option<Geometry> {
    FLOPPIES.iter().copied().find(|g| g.bytes() == bytes)
}

/// The geometry a BPB describes, if it is a whole number of cylinders.
pub fn from_bpb(total_sectors: u64, heads: u16, sectors_per_track: u16) -> Option<Geometry> {
    let per_cylinder = u64::from(heads) * u64::from(sectors_per_track);
    if per_cylinder == 0 || !total_sectors.is_multiple_of(per_cylinder) {
        return None;
    }
    let cylinders = u16::try_from(total_sectors / per_cylinder).ok()?;
    let name = FLOPPIES
        .iter()
        .find(|g| {
            g.heads == heads && g.sectors_per_track == sectors_per_track && g.cylinders == cylinders
        })
        .map_or("non-standard", |g| g.name);
    Some(Geometry {
        cylinders,
        heads,
        sectors_per_track,
        name,
    })
}

/// Checks the BPB's geometry against the image size; a message when they disagree.
pub fn disagreement(
    image_bytes: u64,
    total_sectors: u64,
    heads: u16,
    sectors_per_track: u16,
) -> Option<String> {
    let by_size = from_size(image_bytes)?;
    match from_bpb(total_sectors, heads, sectors_per_track) {
        Some(g)
            if g.heads == by_size.heads
                && g.sectors_per_track == by_size.sectors_per_track
                && g.cylinders == by_size.cylinders =>
        {
            None
        }
        Some(g) => Some(format!(
            "the image's size says {} ({}×{}×{}), the boot sector says {}×{}×{}",
            by_size.name,
            by_size.cylinders,
            by_size.heads,
            by_size.sectors_per_track,
            g.cylinders,
            g.heads,
            g.sectors_per_track
        )),
        None => Some(format!(
            "the image's size says {} but the boot sector's {total_sectors} sectors, {heads} heads and {sectors_per_track} sectors per track are not a whole number of cylinders",
            by_size.name
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(from_size(1_474_560).unwrap().sectors_per_track, 18);
        assert_eq!(from_size(1_720_320).unwrap().name, "1.68 MB DMF");
        assert_eq!(from_size(163_840).unwrap().name, "160 KB 5.25\"");
        assert_eq!(from_size(2_949_120).unwrap().sectors_per_track, 36);
        assert!(from_size(1_000_000).is_none());
        assert!(disagreement(1_474_560, 2880, 2, 18).is_none());
        assert!(disagreement(1_474_560, 2880, 2, 9).is_some());
    }
}
