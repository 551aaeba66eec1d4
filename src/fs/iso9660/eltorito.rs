//! El Torito: the boot catalog and its boot images, shown as the files of
//! an `eltorito` view (`/1-x86-noemul.img`, ...), like 7-Zip's `[BOOT]`.
//!
// Sources: El Torito Bootable CD-ROM Format Specification 1.0 (1995):
// §2.1 validation entry (header id 1, platform, id string, checksum making
// the 16-bit word sum 0, key 55 AA), §2.2 initial/default entry, §2.3
// section header (0x90 more follow, 0x91 final), §2.4 section entry, §2.5
// extension entry (0x44); UEFI 2.x §13.3.2.1 (platform id 0xEF); the boot
// info table (bytes 8-63 of a no-emulation image) as mkisofs writes it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fs::{FileExtent, Filesystem, FsKind, Node, NodeKind};
use crate::io::ReadAt;
use crate::structure::{
    Bytes, Codec, Field, Hex8, Kind, Latin1, Layout, Le16, Le16Hex, Le32, Le32Hex, Place, Raw,
    Reserved, Structure, Value, declare,
};
use crate::units::Lba;

use super::{BLOCK, at_sector};
use crate::structure::named::{bit_names, codes, flags, named};

/// Catalog sectors read at most.
const MAX_CATALOG_SECTORS: u64 = 64;
/// Boot entries kept at most.
const MAX_ENTRIES: usize = 1024;

/// One bootable image named by the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BootEntry {
    pub number: usize,
    pub platform: u8,
    pub bootable: bool,
    pub media: u8,
    pub load_segment: u16,
    pub system_type: u8,
    pub sector_count: u16,
    pub load_rba: u32,
    /// Byte offset of the entry in the catalog.
    pub offset: u64,
}

impl BootEntry {
    /// The platform's word in the image's file name.
    pub fn platform_name(&self) -> String {
        word(u64::from(self.platform), &PLATFORMS)
            .map_or_else(|| format!("0x{:02x}", self.platform), str::to_owned)
    }
    /// The emulation's word in the image's file name.
    pub fn emulation(&self) -> &'static str {
        word(u64::from(self.media & 0x0F), &EMULATIONS).unwrap_or("unknown")
    }
    /// The image file name in the view.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}-{}.img",
            self.number,
            self.platform_name(),
            self.emulation()
        )
    }
    /// Bytes of the image: the floppy size, the sector count in 512-byte
    /// units for no emulation and hard disks.
    pub fn image_bytes(&self) -> u64 {
        match self.media & 0x0F {
            1 => 1_228_800,
            2 => 1_474_560,
            3 => 2_949_120,
            _ => u64::from(self.sector_count.max(1)) * 512,
        }
    }
}

/// The decoded catalog.
#[derive(Clone, Debug, Default)]
pub struct BootCatalog {
    pub lba: u32,
    pub platform: u8,
    pub id: String,
    pub checksum_ok: bool,
    pub entries: Vec<BootEntry>,
    /// Every entry's fields, offsets from the catalog's start.
    pub fields: Vec<Field>,
}

/// Platform ids (§2.1, §2.3; UEFI §13.3.2.1 for 0xEF): the word image
/// file names use, and the name.
const PLATFORMS: [(u64, &str, &str); 4] = [
    (0, "x86", "x86"),
    (1, "ppc", "PowerPC"),
    (2, "mac", "Mac"),
    (0xEF, "efi", "EFI"),
];

/// The emulations of the media type's low four bits (§2.2): the word
/// image file names use, and the name.
const EMULATIONS: [(u64, &str, &str); 5] = [
    (0, "noemul", "no emulation"),
    (1, "fd1.2", "1.2M floppy"),
    (2, "fd1.44", "1.44M floppy"),
    (3, "fd2.88", "2.88M floppy"),
    (4, "hd", "hard disk"),
];

/// The media type's low bits for hard-disk emulation.
const HARD_DISK: u8 = 4;

/// The file-name word `table` gives `value`.
fn word(value: u64, table: &[(u64, &'static str, &str)]) -> Option<&'static str> {
    table.iter().find(|(v, ..)| *v == value).map(|(_, w, _)| *w)
}

/// The name `table` gives `value`.
fn name(value: u64, table: &[(u64, &str, &str)]) -> Option<String> {
    table
        .iter()
        .find(|(v, ..)| *v == value)
        .map(|(.., name)| (*name).to_owned())
}

named!(
    /// A platform id, named in the note.
    Platform: Hex8 => u8, 2, name, PLATFORMS
);

codes!(
    /// A boot indicator (§2.2, §2.4).
    BootIndicator: Hex8 => u8, 2, [(0x88, "bootable"), (0x00, "not bootable")]
);

codes!(
    /// A section header's indicator (§2.3).
    HeaderIndicator: Hex8 => u8, 2,
    [(0x90, "more sections follow"), (0x91, "final section")]
);

codes!(
    /// A section entry's selection criteria type (§2.4).
    CriteriaType: Hex8 => u8, 2,
    [(0, "none"), (1, "language and version information (IBM)")]
);

flags!(
    /// A section entry extension's flags (§2.5).
    ExtensionFlags: Hex8 => u8, 2, [(0x20, "more extensions follow")]
);

/// The boot media type (§2.2, §2.4): the emulation in bits 0-3, and in a
/// section entry bits 5-7 for an extension, an ATAPI or SCSI driver.
#[derive(Clone, Copy, Debug)]
pub struct Media;

impl Codec for Media {
    type Out = u8;
    const WIDTH: Option<usize> = Some(1);
    fn decode(raw: &[u8]) -> u8 {
        Hex8::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Hex8::value(raw)
    }
    fn note(raw: &[u8]) -> Option<String> {
        let media = u64::from(Hex8::decode(raw));
        let emulation = name(media & 0x0F, &EMULATIONS);
        let bits = bit_names(
            media,
            &[
                (0x20, "extension follows"),
                (0x40, "ATAPI driver"),
                (0x80, "SCSI drivers"),
            ],
        );
        match (emulation, bits) {
            (Some(e), Some(b)) => Some(format!("{e}, {b}")),
            (e, b) => e.or(b),
        }
    }
}

declare! {
    /// The validation entry that opens the catalog.
    pub struct Validation = "Validation entry", BootCatalog, "El Torito 1.0 §2.1", 32 {
        0, 1 => header_id: Hex8, "header id", "1";
        1, 1 => platform: Platform, "platform id", "0 x86, 1 PowerPC, 2 Mac, 0xEF EFI";
        2, 2 => reserved: Reserved, "reserved", "zero";
        4, 24 => id: Latin1, "id string", "the manufacturer or developer of the CD";
        28, 2 => checksum: Le16Hex, "checksum", "makes the sum of the entry's sixteen words zero";
        30, 2 => key: Raw<2>, "key", "55 AA";
    }
}

/// Declares a boot entry: the fields the initial/default entry and the
/// section entries share, then the rest.
macro_rules! boot_entry {
    (
        $(#[$meta:meta])*
        $name:ident = $title:literal, $source:literal { $($tail:tt)* }
    ) => {
        declare! {
            $(#[$meta])*
            pub struct $name = $title, BootCatalog, $source, 32 {
                0, 1 => indicator: BootIndicator, "boot indicator", "0x88 bootable, 0x00 not bootable";
                1, 1 => media: Media, "boot media type", "the emulation in bits 0-3: 0 none, 1-3 floppy, 4 hard disk";
                2, 2 => load_segment: Le16Hex, "load segment", "where the BIOS loads a no-emulation image; 0 means 0x7C0";
                4, 1 => system_type: Hex8, "system type", "the partition type byte of the image's partition table";
                5, 1 => unused_5: Reserved, "unused", "zero";
                6, 2 => sector_count: Le16, "sector count", "512-byte sectors the BIOS loads";
                8, 4 => load_rba: Le32, "load RBA", "the image's first 2048-byte block";
                $($tail)*
            }
        }

        impl $name {
            /// The entry numbered `number`, at `offset` in the catalog.
            fn entry(&self, number: usize, offset: u64, platform: u8) -> BootEntry {
                BootEntry {
                    number,
                    platform,
                    bootable: self.indicator == 0x88,
                    media: self.media,
                    load_segment: self.load_segment,
                    system_type: self.system_type,
                    sector_count: self.sector_count,
                    load_rba: self.load_rba,
                    offset,
                }
            }
        }
    };
}

boot_entry! {
    /// The initial/default entry, after the validation entry.
    InitialEntry = "Initial/default entry", "El Torito 1.0 §2.2" {
        12, 20 => unused_12: Reserved, "unused", "zero";
    }
}

boot_entry! {
    /// One entry of a section.
    SectionEntry = "Section entry", "El Torito 1.0 §2.4" {
        12, 1 => criteria_type: CriteriaType, "selection criteria type", "0 none, 1 language and version information";
        13, 19 => criteria: Bytes, "selection criteria", "vendor-unique criteria for choosing the image";
    }
}

declare! {
    /// A section header: the platform and count of the entries after it.
    pub struct SectionHeader = "Section header", BootCatalog, "El Torito 1.0 §2.3", 32 {
        0, 1 => indicator: HeaderIndicator, "header indicator", "0x90 more headers follow, 0x91 final header";
        1, 1 => platform: Platform, "platform id", "0 x86, 1 PowerPC, 2 Mac, 0xEF EFI";
        2, 2 => count: Le16, "section entries", "entries in this section";
        4, 28 => id: Latin1, "id string", "identifies the section";
    }
}

declare! {
    /// More selection criteria for the section entry before it.
    pub struct Extension = "Section entry extension", BootCatalog, "El Torito 1.0 §2.5", 32 {
        0, 1 => indicator: Hex8, "extension indicator", "0x44";
        1, 1 => flags: ExtensionFlags, "flags", "bit 5: another extension follows";
        2, 30 => criteria: Bytes, "selection criteria", "vendor-unique criteria, continued";
    }
}

declare! {
    /// The boot info table mkisofs writes into bytes 8-63 of a
    /// no-emulation image (-boot-info-table).
    pub struct BootInfoTable = "Boot info table", BootCatalog, "mkisofs -boot-info-table", 56 {
        0, 4 => pvd: Le32, "primary volume descriptor", "LBA of the primary volume descriptor, 16";
        4, 4 => file: Le32, "boot file", "LBA of the boot image";
        8, 4 => length: Le32, "boot file length", "bytes of the boot image";
        12, 4 => checksum: Le32Hex, "checksum", "sum of the image's 32-bit words from byte 64";
        16, 40 => reserved: Reserved, "reserved", "zero";
    }
}

/// An entry at `offset` in the catalog `bytes`.
fn at(bytes: &[u8], offset: usize) -> &[u8] {
    bytes.get(offset..).unwrap_or_default()
}

/// The fields of `layout` for the entry at `offset`, named `prefix`.
fn annotate(cat: &mut BootCatalog, layout: &Layout, bytes: &[u8], offset: usize, prefix: &str) {
    cat.fields
        .extend(layout.fields_at(at(bytes, offset), offset as u64, Some(prefix)));
}

/// Reads and checks the catalog at `lba`.
pub fn read_catalog(reader: &dyn ReadAt, lba: u32, diags: &mut Vec<Diagnostic>) -> BootCatalog {
    let mut cat = BootCatalog {
        lba,
        ..BootCatalog::default()
    };
    let start = u64::from(lba) * BLOCK;
    let avail = reader
        .len()
        .saturating_sub(start)
        .min(MAX_CATALOG_SECTORS * BLOCK);
    let warn = |code: &'static str, message: &'static str| {
        at_sector(Diagnostic::warning(code, message), u64::from(lba))
    };
    let Ok(bytes) = reader.read_vec(start, avail as usize) else {
        diags.push(warn(
            "eltorito.catalog-unreadable",
            "the boot catalog is outside the image",
        ));
        return cat;
    };
    annotate(&mut cat, &Validation::LAYOUT, &bytes, 0, "validation");
    let Ok(v) = Validation::decode(&bytes) else {
        diags.push(warn(
            "eltorito.bad-validation",
            "the boot catalog's validation entry is malformed",
        ));
        return cat;
    };
    let sum = bytes
        .get(..Validation::LAYOUT.size)
        .unwrap_or_default()
        .chunks_exact(2)
        .fold(0u16, |s, w| s.wrapping_add(Le16::decode(w)));
    cat.checksum_ok = sum == 0;
    cat.platform = v.platform;
    cat.id = v.id;
    if let Some(checksum) = cat
        .fields
        .iter_mut()
        .find(|f| f.name == "validation checksum")
    {
        checksum.note = Some(if cat.checksum_ok { "ok" } else { "bad" }.to_owned());
    }
    if v.header_id != 1 || v.key != [0x55, 0xAA] {
        diags.push(warn(
            "eltorito.bad-validation",
            "the boot catalog's validation entry is malformed",
        ));
        return cat;
    }
    if !cat.checksum_ok {
        diags.push(warn(
            "eltorito.bad-checksum",
            "the boot catalog's validation checksum is wrong",
        ));
    }
    let mut pos = Validation::LAYOUT.size;
    let Ok(initial) = InitialEntry::decode(at(&bytes, pos)) else {
        diags.push(warn(
            "eltorito.catalog-truncated",
            "the image ends inside the boot catalog",
        ));
        return cat;
    };
    annotate(&mut cat, &InitialEntry::LAYOUT, &bytes, pos, "entry 1");
    cat.entries.push(initial.entry(1, pos as u64, cat.platform));
    pos += InitialEntry::LAYOUT.size;
    let mut more = true;
    let mut section = 0usize;
    while more && cat.entries.len() < MAX_ENTRIES {
        let Ok(header) = SectionHeader::decode(at(&bytes, pos)) else {
            break;
        };
        if header.indicator != 0x90 && header.indicator != 0x91 {
            break;
        }
        more = header.indicator == 0x90;
        section += 1;
        annotate(
            &mut cat,
            &SectionHeader::LAYOUT,
            &bytes,
            pos,
            &format!("section {section}"),
        );
        pos += SectionHeader::LAYOUT.size;
        let mut seen = 0usize;
        let mut extensions = 0usize;
        // Extensions follow their entry, the section's last one's too.
        while cat.entries.len() < MAX_ENTRIES {
            let Ok(entry) = SectionEntry::decode(at(&bytes, pos)) else {
                break;
            };
            let number = cat.entries.len();
            if entry.indicator == 0x44 {
                // An extension of the entry before it (§2.5).
                extensions += 1;
                annotate(
                    &mut cat,
                    &Extension::LAYOUT,
                    &bytes,
                    pos,
                    &format!("entry {number} extension {extensions}"),
                );
                pos += Extension::LAYOUT.size;
                continue;
            }
            if seen == usize::from(header.count) {
                break;
            }
            extensions = 0;
            annotate(
                &mut cat,
                &SectionEntry::LAYOUT,
                &bytes,
                pos,
                &format!("entry {}", number + 1),
            );
            cat.entries
                .push(entry.entry(number + 1, pos as u64, header.platform));
            seen += 1;
            pos += SectionEntry::LAYOUT.size;
        }
    }
    cat
}

/// The El Torito view.
pub struct ElToritoFs {
    reader: Arc<dyn ReadAt>,
    /// The ISO tree, to size images that are also files (as xorriso does).
    files: Option<Arc<dyn Filesystem>>,
    file_sizes: OnceLock<HashMap<i64, u64>>,
    pub catalog: BootCatalog,
    structures: Vec<Structure>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

impl std::fmt::Debug for ElToritoFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ElToritoFs")
            .field("source", &self.reader.name())
            .field("catalog", &self.catalog.lba)
            .finish()
    }
}

impl ElToritoFs {
    pub fn open(
        reader: Arc<dyn ReadAt>,
        lba: u32,
        mut structures: Vec<Structure>,
        files: Option<Arc<dyn Filesystem>>,
    ) -> ElToritoFs {
        let mut diags = Vec::new();
        let catalog = read_catalog(reader.as_ref(), lba, &mut diags);
        // The catalog's sectors: at least one, more when its entries run on.
        let end = catalog
            .fields
            .iter()
            .map(|f| f.offset + f.length)
            .max()
            .unwrap_or(0);
        structures.push(Structure {
            fields: catalog.fields.clone(),
            ..Structure::new(
                Kind::BootCatalog,
                "El Torito boot catalog",
                Place::Medium(u64::from(lba) * BLOCK),
                end.div_ceil(BLOCK).max(1) * BLOCK,
            )
        });
        ElToritoFs {
            reader,
            files,
            file_sizes: OnceLock::new(),
            catalog,
            structures,
            diagnostics: Mutex::new(diags),
        }
    }

    /// Sizes of the files that start where a boot image starts.
    fn file_sizes(&self) -> &HashMap<i64, u64> {
        self.file_sizes.get_or_init(|| {
            let mut sizes = HashMap::new();
            let Some(fs) = &self.files else { return sizes };
            let wanted: Vec<i64> = self
                .catalog
                .entries
                .iter()
                .map(|e| i64::from(e.load_rba))
                .collect();
            if let Ok(root) = fs.root() {
                let _ = crate::fs::walk::walk(
                    fs.as_ref(),
                    &root,
                    "",
                    crate::fs::walk::Reach {
                        recursive: true,
                        deleted: false,
                    },
                    &mut |_, _, node| {
                        if let Some(first) = node.extents.first()
                            && node.kind == NodeKind::File
                            && wanted.contains(&first.lba.0)
                        {
                            sizes.insert(first.lba.0, node.size);
                        }
                        Ok(())
                    },
                );
            }
            sizes
        })
    }

    /// Keeps a finding once.
    fn note(&self, d: Diagnostic) {
        if let Ok(mut all) = self.diagnostics.lock()
            && !all.contains(&d)
        {
            all.push(d);
        }
    }

    /// The sectors of a hard-disk emulation image: it is a whole disk
    /// whose size its own MBR gives (El Torito §2.2 leaves the sector
    /// count at the one sector loaded; xorriso reports the same size as
    /// `hdsiz/512`).
    fn emulated_disk_sectors(&self, e: &BootEntry) -> Option<u64> {
        let mut mbr = [0u8; 512];
        let at = u64::from(e.load_rba).checked_mul(BLOCK)?;
        self.reader.read_exact_at(at, &mut mbr).ok()?;
        let sectors = crate::partition::spanned_sectors(&mbr);
        if sectors.is_none() {
            self.note(Diagnostic::warning(
                "eltorito.hd-no-mbr",
                format!(
                    "boot entry {}: a hard-disk emulation image without a partition table; its size is taken from the sector count",
                    e.number
                ),
            ));
        }
        sectors
    }

    fn image_node(&self, e: &BootEntry) -> Node {
        let blocks = self.reader.len() / BLOCK;
        let avail = blocks.saturating_sub(u64::from(e.load_rba)) * BLOCK;
        // Like xorriso: a boot image that is also a file has that file's
        // size; otherwise the catalog's count (or the floppy size).
        let disk = (e.media & 0x0F == HARD_DISK)
            .then(|| self.emulated_disk_sectors(e))
            .flatten();
        let claimed = match (self.file_sizes().get(&i64::from(e.load_rba)), disk) {
            (Some(&size), _) if e.media & 0x0F == 0 => size,
            (_, Some(sectors)) => sectors.saturating_mul(512),
            _ => e.image_bytes(),
        };
        let bytes = claimed.min(avail);
        let mut notes = vec![
            ("platform".to_owned(), e.platform_name()),
            ("emulation".to_owned(), e.emulation().to_owned()),
            (
                "load segment".to_owned(),
                format!("{:#06x}", e.load_segment),
            ),
            ("sector count".to_owned(), e.sector_count.to_string()),
            ("bootable".to_owned(), e.bootable.to_string()),
        ];
        if let Some(sectors) = disk {
            notes.push((
                "emulated disk".to_owned(),
                format!("{sectors} sectors of 512 bytes, to the end of its last partition"),
            ));
        }
        if e.media & 0x0F == 0 {
            let mut head = [0u8; BootInfoTable::LAYOUT.size];
            let at = u64::from(e.load_rba) * BLOCK + 8;
            if self.reader.read_exact_at(at, &mut head).is_ok()
                && let Ok(table) = BootInfoTable::decode(&head)
                && table.pvd == 16
                && table.file == e.load_rba
            {
                notes.push((
                    "boot info table".to_owned(),
                    format!("present, length {}", table.length),
                ));
            }
        }
        let extent = FileExtent {
            lba: Lba(i64::from(e.load_rba)),
            bytes,
        };
        let id = u64::from(self.catalog.lba) * BLOCK + e.offset;
        Node {
            notes,
            ..Node::new(id, e.file_name(), NodeKind::File, bytes, vec![extent])
        }
    }
}

impl Filesystem for ElToritoFs {
    fn kind(&self) -> FsKind {
        FsKind::ElTorito
    }
    fn budget(&self) -> Option<&std::sync::Arc<crate::budget::Budget>> {
        self.reader.budget()
    }

    fn label(&self) -> String {
        self.catalog.id.clone()
    }
    fn root(&self) -> Result<Node> {
        let id = u64::from(self.catalog.lba) * BLOCK;
        Ok(Node::new(id, String::new(), NodeKind::Dir, 0, Vec::new()))
    }
    fn children(&self, dir: &Node) -> Result<Vec<Node>> {
        if dir.id != u64::from(self.catalog.lba) * BLOCK {
            return Ok(Vec::new());
        }
        Ok(self
            .catalog
            .entries
            .iter()
            .map(|e| self.image_node(e))
            .collect())
    }
    fn read(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let Some(e) = file.extents.first() else {
            return Err(Error::Unsupported(format!(
                "{} is not a boot image",
                file.name
            )));
        };
        if offset >= e.bytes {
            return Ok(0);
        }
        let n = (e.bytes - offset).min(buf.len() as u64) as usize;
        let start = u64::try_from(e.lba.0).unwrap_or(0) * BLOCK + offset;
        self.reader
            .read_exact_at(start, buf.get_mut(..n).unwrap_or_default())?;
        Ok(n)
    }
    fn structures(&self) -> Vec<Structure> {
        self.structures.clone()
    }
    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    /// A catalog at LBA 1: validation entry, initial entry, one final
    /// section with an EFI entry and an extension of it.
    fn catalog(break_checksum: bool) -> Vec<u8> {
        let mut c = vec![0u8; 2048];
        c[0] = 1;
        c[4..8].copy_from_slice(b"TEST");
        c[30..32].copy_from_slice(&[0x55, 0xAA]);
        let sum = c[..32].chunks_exact(2).fold(0u16, |s, w| {
            s.wrapping_add(u16::from_le_bytes([w[0], w[1]]))
        });
        let checksum = 0u16.wrapping_sub(sum) ^ u16::from(break_checksum);
        c[28..30].copy_from_slice(&checksum.to_le_bytes());
        c[32] = 0x88;
        c[38..40].copy_from_slice(&4u16.to_le_bytes());
        c[40..44].copy_from_slice(&61u32.to_le_bytes());
        c[64] = 0x91;
        c[65] = 0xEF;
        c[66..68].copy_from_slice(&1u16.to_le_bytes());
        c[96] = 0x88;
        c[97] = 0x20;
        c[102..104].copy_from_slice(&128u16.to_le_bytes());
        c[104..108].copy_from_slice(&63u32.to_le_bytes());
        c[128] = 0x44;
        let mut image = vec![0u8; 2048];
        image.extend(c);
        image
    }

    #[test]
    fn declarations_tile_and_name_what_is_missing() {
        check_declarations!(
            Validation,
            InitialEntry,
            SectionHeader,
            SectionEntry,
            Extension,
            BootInfoTable
        );
    }

    #[test]
    fn a_truncated_entry_names_its_field() {
        match SectionEntry::decode(&[0x88; 10]) {
            Err(Error::Truncated { field, offset, .. }) => {
                assert_eq!((field, offset), ("load RBA", 8));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_catalog_is_decoded_and_annotated_entry_by_entry() {
        let mut diags = Vec::new();
        let cat = read_catalog(&MemorySource::new(catalog(false), "c"), 1, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(cat.checksum_ok);
        assert_eq!(cat.id, "TEST");
        let entries: Vec<_> = cat
            .entries
            .iter()
            .map(|e| {
                (
                    e.number,
                    e.platform,
                    e.bootable,
                    e.sector_count,
                    e.load_rba,
                    e.offset,
                )
            })
            .collect();
        assert_eq!(
            entries,
            [(1, 0, true, 4, 61, 32), (2, 0xEF, true, 128, 63, 96)]
        );
        let field = |name: &str| cat.fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("validation checksum").note.as_deref(), Some("ok"));
        assert_eq!(field("validation key").value.to_string(), "55 aa");
        assert_eq!(field("entry 1 boot indicator").text(), "0x88 (bootable)");
        assert_eq!(field("section 1 platform id").text(), "0xef (EFI)");
        assert_eq!(
            field("section 1 header indicator").text(),
            "0x91 (final section)"
        );
        assert_eq!(
            field("entry 2 boot media type").text(),
            "0x20 (no emulation, extension follows)"
        );
        assert_eq!(field("entry 2 load RBA").offset, 104);
        assert_eq!(field("entry 2 extension 1 extension indicator").offset, 128);
        let covered: u64 = cat.fields.iter().map(|f| f.length).sum();
        assert_eq!(covered, 160);
    }

    #[test]
    fn a_bad_checksum_is_noted_on_its_field() {
        let mut diags = Vec::new();
        let cat = read_catalog(&MemorySource::new(catalog(true), "c"), 1, &mut diags);
        assert!(!cat.checksum_ok);
        assert_eq!(diags[0].code, "eltorito.bad-checksum");
        let checksum = cat
            .fields
            .iter()
            .find(|f| f.name == "validation checksum")
            .unwrap();
        assert_eq!(checksum.note.as_deref(), Some("bad"));
        assert_eq!(cat.entries.len(), 2);
    }
}
