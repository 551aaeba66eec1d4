//! The field map of every kind of sector: one table that the hex dump, the
//! JSON output, verification and the terminal UI's byte notes all read.
//!
//! Sources: ECMA-130 2nd ed. §14 (sector structure: sync §14.1, header
//! §14.2, modes 0/1/2 §14.3–§14.5) and Annex A (EDC, RSPC P and Q parity);
//! CD-ROM XA (Green Book) for the mode 2 subheader and forms; IEC 60908 for
//! audio.

use std::ops::Range;

use super::SectorMode;

/// Bytes in a raw CD sector.
pub const RAW_SIZE: usize = 2352;

/// What a run of bytes in a sector is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    Sync,
    Header,
    Subheader,
    UserData,
    Edc,
    Zero,
    EccP,
    EccQ,
    Audio,
    Subchannel,
    Data,
}

impl FieldKind {
    /// The name used in `sector --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Sync => "sync",
            FieldKind::Header => "header",
            FieldKind::Subheader => "subheader",
            FieldKind::UserData => "user_data",
            FieldKind::Edc => "edc",
            FieldKind::Zero => "zero",
            FieldKind::EccP => "ecc_p",
            FieldKind::EccQ => "ecc_q",
            FieldKind::Audio => "audio",
            FieldKind::Subchannel => "subchannel",
            FieldKind::Data => "data",
        }
    }
}

/// One field: where it is, what it means, and where that is written down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectorField {
    pub kind: FieldKind,
    /// Byte offset in the stored sector.
    pub offset: usize,
    pub length: usize,
    /// One line for people.
    pub meaning: &'static str,
    /// The specification section that defines it.
    pub source: &'static str,
}

impl SectorField {
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.length
    }

    pub fn name(&self) -> &'static str {
        self.kind.as_str()
    }
}

const fn f(
    kind: FieldKind,
    offset: usize,
    length: usize,
    meaning: &'static str,
    source: &'static str,
) -> SectorField {
    SectorField {
        kind,
        offset,
        length,
        meaning,
        source,
    }
}

const SYNC: SectorField = f(
    FieldKind::Sync,
    0,
    12,
    "sync pattern 00 FF×10 00 that marks the start of a data sector",
    "ECMA-130 §14.1",
);
const HEADER: SectorField = f(
    FieldKind::Header,
    12,
    4,
    "absolute address minute, second, frame (BCD, LBA + 150) and the mode byte",
    "ECMA-130 §14.2",
);
const SUBHEADER: SectorField = f(
    FieldKind::Subheader,
    16,
    8,
    "file, channel, submode, coding info; the four bytes written twice",
    "CD-ROM XA §4 (subheader)",
);
const ECC_P: SectorField = f(
    FieldKind::EccP,
    2076,
    172,
    "P parity: 86 Reed-Solomon (26,24) codewords over bytes 12..2076",
    "ECMA-130 Annex A (RSPC)",
);
const ECC_Q: SectorField = f(
    FieldKind::EccQ,
    2248,
    104,
    "Q parity: 52 Reed-Solomon (45,43) codewords over bytes 12..2248",
    "ECMA-130 Annex A (RSPC)",
);

const AUDIO_FIELDS: [SectorField; 1] = [f(
    FieldKind::Audio,
    0,
    RAW_SIZE,
    "588 stereo frames of 16-bit little-endian samples",
    "IEC 60908",
)];
const CDG_FIELDS: [SectorField; 2] = [
    f(
        FieldKind::Audio,
        0,
        RAW_SIZE,
        "588 stereo frames of 16-bit little-endian samples",
        "IEC 60908",
    ),
    f(
        FieldKind::Subchannel,
        RAW_SIZE,
        96,
        "subchannel P-W bytes carrying CD+G graphics",
        "IEC 60908 §17",
    ),
];
const MODE0_FIELDS: [SectorField; 3] = [
    SYNC,
    HEADER,
    f(
        FieldKind::Zero,
        16,
        2336,
        "all zeros: mode 0 sectors carry no data",
        "ECMA-130 §14.3",
    ),
];
const MODE1_FIELDS: [SectorField; 7] = [
    SYNC,
    HEADER,
    f(
        FieldKind::UserData,
        16,
        2048,
        "2048 bytes of user data (one filesystem block)",
        "ECMA-130 §14.4",
    ),
    f(
        FieldKind::Edc,
        2064,
        4,
        "EDC: CRC-32 (0x8001801B) of bytes 0..2064, little-endian",
        "ECMA-130 §14.4, Annex A",
    ),
    f(
        FieldKind::Zero,
        2068,
        8,
        "intermediate field, eight zero bytes",
        "ECMA-130 §14.4",
    ),
    ECC_P,
    ECC_Q,
];
const FORM1_FIELDS: [SectorField; 7] = [
    SYNC,
    HEADER,
    SUBHEADER,
    f(
        FieldKind::UserData,
        24,
        2048,
        "2048 bytes of user data (one filesystem block)",
        "CD-ROM XA, form 1",
    ),
    f(
        FieldKind::Edc,
        2072,
        4,
        "EDC: CRC-32 (0x8001801B) of bytes 16..2072, little-endian",
        "CD-ROM XA, form 1; ECMA-130 Annex A",
    ),
    ECC_P,
    ECC_Q,
];
const FORM2_FIELDS: [SectorField; 5] = [
    SYNC,
    HEADER,
    SUBHEADER,
    f(
        FieldKind::UserData,
        24,
        2324,
        "2324 bytes of user data (video, audio), no error correction",
        "CD-ROM XA, form 2",
    ),
    f(
        FieldKind::Edc,
        2348,
        4,
        "EDC: CRC-32 of bytes 16..2348, little-endian; 0 means not computed",
        "CD-ROM XA, form 2",
    ),
];
const FORMLESS_FIELDS: [SectorField; 3] = [
    SYNC,
    HEADER,
    f(
        FieldKind::UserData,
        16,
        2336,
        "2336 bytes of user data without EDC or ECC",
        "ECMA-130 §14.5",
    ),
];
const COOKED_FIELDS: [SectorField; 1] = [f(
    FieldKind::UserData,
    0,
    2048,
    "user data only: the image does not store sync, header, EDC or ECC",
    "ECMA-130 §14.4 (user data field)",
)];
const DISK_FIELDS: [SectorField; 1] = [f(
    FieldKind::Data,
    0,
    512,
    "one logical sector of a floppy or hard disk",
    "(no CD structure)",
)];
const UNKNOWN_FIELDS: [SectorField; 1] = [f(
    FieldKind::Data,
    0,
    RAW_SIZE,
    "bytes whose structure could not be told",
    "(none)",
)];

/// The fields of one kind of sector as it is stored in an image.
///
/// The tables are written in raw 2352-byte coordinates; images that drop the
/// sync and header (MODE2/2336) shift every offset down by 16, and images
/// that store user data only, or disk sectors, stretch their one field to the
/// stored size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectorLayout {
    pub mode: SectorMode,
    table: &'static [SectorField],
    /// Raw bytes the image does not store before its first byte.
    skip: usize,
    /// Bytes stored per sector.
    size: usize,
}

impl SectorLayout {
    /// The layout of a sector of `mode` stored in `size` bytes.
    pub fn new(mode: SectorMode, size: usize) -> SectorLayout {
        let table: &'static [SectorField] = match mode {
            SectorMode::Audio if size > RAW_SIZE => &CDG_FIELDS,
            SectorMode::Audio => &AUDIO_FIELDS,
            SectorMode::Mode0 => &MODE0_FIELDS,
            SectorMode::Mode1 => &MODE1_FIELDS,
            SectorMode::Mode2Form1 => &FORM1_FIELDS,
            SectorMode::Mode2Form2 => &FORM2_FIELDS,
            SectorMode::Mode2Formless => &FORMLESS_FIELDS,
            SectorMode::Cooked => &COOKED_FIELDS,
            SectorMode::Disk => &DISK_FIELDS,
            SectorMode::Unknown => &UNKNOWN_FIELDS,
        };
        let raw = matches!(
            mode,
            SectorMode::Mode0
                | SectorMode::Mode1
                | SectorMode::Mode2Form1
                | SectorMode::Mode2Form2
                | SectorMode::Mode2Formless
        );
        let skip = if raw {
            RAW_SIZE.saturating_sub(size)
        } else {
            0
        };
        SectorLayout {
            mode,
            table,
            skip,
            size,
        }
    }

    /// Bytes per stored sector.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Raw bytes (sync, header) the image leaves out before its first byte.
    pub fn skip(&self) -> usize {
        self.skip
    }

    /// The fields in order, at their stored offsets. Fields the image does
    /// not store are left out.
    pub fn fields(&self) -> impl Iterator<Item = SectorField> + '_ {
        let stretch = matches!(
            self.mode,
            SectorMode::Cooked | SectorMode::Disk | SectorMode::Unknown
        );
        self.table.iter().filter_map(move |field| {
            let offset = field.offset.checked_sub(self.skip)?;
            if offset >= self.size {
                return None;
            }
            let length = if stretch {
                self.size - offset
            } else {
                field.length.min(self.size - offset)
            };
            Some(SectorField {
                offset,
                length,
                ..*field
            })
        })
    }

    /// The field of a kind, if this layout has it.
    pub fn field(&self, kind: FieldKind) -> Option<SectorField> {
        self.fields().find(|field| field.kind == kind)
    }

    /// The byte range of a field, if this layout has it.
    pub fn range(&self, kind: FieldKind) -> Option<Range<usize>> {
        self.field(kind).map(|field| field.range())
    }

    /// The field holding byte `offset` ("explain this byte").
    pub fn field_at(&self, offset: usize) -> Option<SectorField> {
        self.fields().find(|field| field.range().contains(&offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_layouts_tile_the_sector() {
        for mode in [
            SectorMode::Audio,
            SectorMode::Mode0,
            SectorMode::Mode1,
            SectorMode::Mode2Form1,
            SectorMode::Mode2Form2,
            SectorMode::Mode2Formless,
            SectorMode::Unknown,
        ] {
            let layout = SectorLayout::new(mode, RAW_SIZE);
            let mut at = 0;
            for field in layout.fields() {
                assert_eq!(field.offset, at, "{mode} {}", field.name());
                at += field.length;
            }
            assert_eq!(at, RAW_SIZE, "{mode}");
        }
    }

    #[test]
    fn headerless_mode2_shifts_by_16() {
        let layout = SectorLayout::new(SectorMode::Mode2Form1, 2336);
        let names: Vec<_> = layout.fields().map(|f| f.name()).collect();
        assert_eq!(names, ["subheader", "user_data", "edc", "ecc_p", "ecc_q"]);
        assert_eq!(layout.range(FieldKind::Edc), Some(2056..2060));
        assert_eq!(layout.fields().map(|f| f.length).sum::<usize>(), 2336);
    }

    #[test]
    fn stretched_and_lookup() {
        assert_eq!(
            SectorLayout::new(SectorMode::Disk, 4096).range(FieldKind::Data),
            Some(0..4096)
        );
        assert_eq!(
            SectorLayout::new(SectorMode::Cooked, 2324).range(FieldKind::UserData),
            Some(0..2324)
        );
        let m1 = SectorLayout::new(SectorMode::Mode1, RAW_SIZE);
        assert_eq!(m1.field_at(2070).map(|f| f.kind), Some(FieldKind::Zero));
        assert_eq!(m1.field_at(15).map(|f| f.kind), Some(FieldKind::Header));
        assert_eq!(m1.field_at(RAW_SIZE), None);
        let cdg = SectorLayout::new(SectorMode::Audio, 2448);
        assert_eq!(cdg.range(FieldKind::Subchannel), Some(2352..2448));
    }
}
