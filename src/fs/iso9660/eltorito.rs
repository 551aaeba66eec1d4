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
use crate::structure::{Field, Kind, Place, Structure, Value};
use crate::units::Lba;

use super::{BLOCK, at_sector};

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
    pub fn platform_name(&self) -> String {
        match self.platform {
            0 => "x86".to_owned(),
            1 => "ppc".to_owned(),
            2 => "mac".to_owned(),
            0xEF => "efi".to_owned(),
            p => format!("0x{p:02x}"),
        }
    }
    pub fn emulation(&self) -> &'static str {
        match self.media & 0x0F {
            0 => "noemul",
            1 => "fd1.2",
            2 => "fd1.44",
            3 => "fd2.88",
            4 => "hd",
            _ => "unknown",
        }
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
    pub fields: Vec<Field>,
}

fn u16le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([
        b.get(at).copied().unwrap_or(0),
        b.get(at + 1).copied().unwrap_or(0),
    ])
}

fn entry(e: &[u8], number: usize, offset: u64, platform: u8) -> BootEntry {
    BootEntry {
        number,
        platform,
        bootable: e.first() == Some(&0x88),
        media: e.get(1).copied().unwrap_or(0),
        load_segment: u16le(e, 2),
        system_type: e.get(4).copied().unwrap_or(0),
        sector_count: u16le(e, 6),
        load_rba: u32::from(u16le(e, 8)) | (u32::from(u16le(e, 10)) << 16),
        offset,
    }
}

fn field(
    fields: &mut Vec<Field>,
    offset: u64,
    length: u64,
    name: &'static str,
    value: String,
    meaning: &'static str,
) {
    fields.push(Field::new(
        offset,
        length,
        name,
        Value::Text(value),
        meaning,
        "El Torito §2",
    ));
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
    let Ok(bytes) = reader.read_vec(start, avail as usize) else {
        diags.push(at_sector(
            Diagnostic::warning(
                "eltorito.catalog-unreadable",
                "the boot catalog is outside the image",
            ),
            u64::from(lba),
        ));
        return cat;
    };
    let v = bytes.get(..32).unwrap_or_default();
    let sum = v.chunks(2).fold(0u16, |s, w| s.wrapping_add(u16le(w, 0)));
    cat.checksum_ok = sum == 0 && v.len() == 32;
    cat.platform = v.get(1).copied().unwrap_or(0);
    cat.id = super::descriptor::text(v.get(4..28).unwrap_or_default());
    let f = &mut cat.fields;
    field(
        f,
        0,
        1,
        "header id",
        v.first().map_or(String::new(), |b| b.to_string()),
        "1 for the validation entry (§2.1)",
    );
    field(
        f,
        1,
        1,
        "platform id",
        cat.platform.to_string(),
        "0 x86, 1 PowerPC, 2 Mac, 0xEF EFI",
    );
    field(
        f,
        4,
        24,
        "id string",
        cat.id.clone(),
        "manufacturer or developer",
    );
    field(
        f,
        28,
        2,
        "checksum",
        format!(
            "{} ({})",
            u16le(v, 28),
            if cat.checksum_ok { "ok" } else { "bad" }
        ),
        "makes the word sum of the entry 0",
    );
    field(
        f,
        30,
        2,
        "key",
        format!(
            "{:02x} {:02x}",
            v.get(30).copied().unwrap_or(0),
            v.get(31).copied().unwrap_or(0)
        ),
        "55 AA",
    );
    if v.first() != Some(&1) || v.get(30..32) != Some(&[0x55, 0xAA][..]) {
        diags.push(at_sector(
            Diagnostic::warning(
                "eltorito.bad-validation",
                "the boot catalog's validation entry is malformed",
            ),
            u64::from(lba),
        ));
        return cat;
    }
    if !cat.checksum_ok {
        diags.push(at_sector(
            Diagnostic::warning(
                "eltorito.bad-checksum",
                "the boot catalog's validation checksum is wrong",
            ),
            u64::from(lba),
        ));
    }
    // The initial/default entry.
    let initial = bytes.get(32..64).unwrap_or_default();
    cat.entries.push(entry(initial, 1, 32, cat.platform));
    describe(&mut cat.fields, cat.entries.last(), "initial/default entry");
    let mut pos = 64usize;
    let mut more = true;
    while more && cat.entries.len() < MAX_ENTRIES {
        let Some(h) = bytes.get(pos..pos + 32) else {
            break;
        };
        let id = h.first().copied().unwrap_or(0);
        if id != 0x90 && id != 0x91 {
            break;
        }
        more = id == 0x90;
        let platform = h.get(1).copied().unwrap_or(0);
        let count = usize::from(u16le(h, 2));
        field(
            &mut cat.fields,
            pos as u64,
            32,
            "section header",
            format!(
                "platform {platform:#04x}, {count} entries{}",
                if more { "" } else { ", last section" }
            ),
            "0x90 more follow, 0x91 final (§2.3)",
        );
        pos += 32;
        let mut seen = 0usize;
        while seen < count && cat.entries.len() < MAX_ENTRIES {
            let Some(e) = bytes.get(pos..pos + 32) else {
                break;
            };
            if e.first() == Some(&0x44) {
                pos += 32;
                continue;
            }
            let number = cat.entries.len() + 1;
            cat.entries.push(entry(e, number, pos as u64, platform));
            describe(&mut cat.fields, cat.entries.last(), "section entry");
            seen += 1;
            pos += 32;
        }
    }
    cat
}

fn describe(fields: &mut Vec<Field>, e: Option<&BootEntry>, what: &'static str) {
    if let Some(e) = e {
        field(
            fields,
            e.offset,
            32,
            what,
            format!(
                "#{} {} {}{}, load segment {:#06x}, system type {:#04x}, {} sectors at LBA {}",
                e.number,
                e.platform_name(),
                e.emulation(),
                if e.bootable { ", bootable" } else { "" },
                e.load_segment,
                e.system_type,
                e.sector_count,
                e.load_rba
            ),
            "boot indicator, media, load segment, system type, sector count, load RBA (§2.2, §2.4)",
        );
    }
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
        structures.push(Structure {
            fields: catalog.fields.clone(),
            ..Structure::new(
                Kind::BootCatalog,
                "El Torito boot catalog",
                Place::Medium(u64::from(lba) * BLOCK),
                BLOCK,
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
                let _ = crate::fs::walk::walk(fs.as_ref(), &root, "", true, &mut |_, _, node| {
                    if let Some(first) = node.extents.first()
                        && node.kind == NodeKind::File
                        && wanted.contains(&first.lba.0)
                    {
                        sizes.insert(first.lba.0, node.size);
                    }
                    Ok(())
                });
            }
            sizes
        })
    }

    fn image_node(&self, e: &BootEntry) -> Node {
        let blocks = self.reader.len() / BLOCK;
        let avail = blocks.saturating_sub(u64::from(e.load_rba)) * BLOCK;
        // Like xorriso: a boot image that is also a file has that file's
        // size; otherwise the catalog's count (or the floppy size).
        let claimed = match self.file_sizes().get(&i64::from(e.load_rba)) {
            Some(&size) if e.media & 0x0F == 0 => size,
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
        if e.media & 0x0F == 0 {
            let mut head = [0u8; 16];
            let at = u64::from(e.load_rba) * BLOCK + 8;
            if self.reader.read_exact_at(at, &mut head).is_ok() {
                let w =
                    |i: usize| u32::from(u16le(&head, i)) | (u32::from(u16le(&head, i + 2)) << 16);
                if w(0) == 16 && w(4) == e.load_rba {
                    notes.push((
                        "boot info table".to_owned(),
                        format!("present, length {}", w(8)),
                    ));
                }
            }
        }
        Node {
            id: u64::from(self.catalog.lba) * BLOCK + e.offset,
            name: e.file_name(),
            kind: NodeKind::File,
            size: bytes,
            extents: vec![FileExtent {
                lba: Lba(i64::from(e.load_rba)),
                bytes,
            }],
            mtime: None,
            mode: None,
            target: None,
            deleted: false,
            notes,
        }
    }
}

impl Filesystem for ElToritoFs {
    fn kind(&self) -> FsKind {
        FsKind::ElTorito
    }
    fn label(&self) -> String {
        self.catalog.id.clone()
    }
    fn root(&self) -> Result<Node> {
        Ok(Node {
            id: u64::from(self.catalog.lba) * BLOCK,
            name: String::new(),
            kind: NodeKind::Dir,
            size: 0,
            extents: Vec::new(),
            mtime: None,
            mode: None,
            target: None,
            deleted: false,
            notes: Vec::new(),
        })
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
