//! Generators of amplification images: small files whose structures point
//! many times at the same bytes, so that a reader which does the work once
//! per reference instead of once per structure spends time or memory out of
//! all proportion to the file's size. Each is built byte by byte here (no
//! tool makes such images), from fixed values, so every run gives the same
//! bytes. `examples/hostile_images.rs` writes them out for measuring the
//! command line by hand.
//!
//! Sources for the layouts: fatgen103 (FAT boot sector, FAT entries,
//! directory entries), UEFI 2.10 §5.3 (GPT header and entries), ECMA-119
//! (volume descriptors and directory records), IEEE P1281 (SUSP CE, SP, ER)
//! and P1282 (Rock Ridge NM), El Torito 1.0 §2 (the boot catalog).

// Used by the tests and by the example, each of which uses a part.
#![allow(dead_code)]

/// Every generator, by name: what `examples/hostile_images.rs` writes.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("fat-shared-chain.img", fat_shared_chain(2048)),
        ("gpt-fanout.img", gpt_fanout(4096)),
        ("gpt-fanout-8192.img", gpt_fanout(8192)),
        ("fat-suffix-chains.img", fat_suffix_chains(2048)),
        ("iso-shared-extent.iso", iso_shared_extent(2000)),
        ("iso-ce-fanout.iso", iso_ce_fanout(1500)),
        ("iso-eltorito-fanout.iso", iso_eltorito_fanout(1000)),
        ("iso-nested.iso", iso_nested()),
    ]
}

fn put(image: &mut [u8], at: usize, bytes: &[u8]) {
    image[at..at + bytes.len()].copy_from_slice(bytes);
}

fn le16(image: &mut [u8], at: usize, v: u16) {
    put(image, at, &v.to_le_bytes());
}

fn le32(image: &mut [u8], at: usize, v: u32) {
    put(image, at, &v.to_le_bytes());
}

fn le64(image: &mut [u8], at: usize, v: u64) {
    put(image, at, &v.to_le_bytes());
}

/// A FAT boot sector (BPB) at the start of `image`.
struct Bpb {
    sectors_per_cluster: u8,
    reserved: u16,
    fats: u8,
    root_entries: u16,
    total: u32,
    /// FAT12/16: sectors per FAT; FAT32: 0 (see `fat32_sectors`).
    fat16_sectors: u16,
    fat32_sectors: u32,
}

fn boot_sector(image: &mut [u8], b: &Bpb) {
    put(image, 0, &[0xEB, 0x3C, 0x90]);
    put(image, 3, b"MSWIN4.1");
    le16(image, 11, 512);
    image[13] = b.sectors_per_cluster;
    le16(image, 14, b.reserved);
    image[16] = b.fats;
    le16(image, 17, b.root_entries);
    if b.total < 65_536 && b.fat32_sectors == 0 {
        le16(image, 19, b.total as u16);
    } else {
        le32(image, 32, b.total);
    }
    image[21] = 0xF8;
    le16(image, 22, b.fat16_sectors);
    le16(image, 24, 63);
    le16(image, 26, 255);
    if b.fat32_sectors == 0 {
        image[36] = 0x80;
        image[38] = 0x29;
        le32(image, 39, 0x1234_5678);
        put(image, 43, b"AMPLIFY    ");
        put(image, 54, b"FAT16   ");
    } else {
        le32(image, 36, b.fat32_sectors);
        le32(image, 44, 2); // root cluster
        le16(image, 48, 1); // FSInfo sector
        le16(image, 50, 6); // backup boot sector
        image[64] = 0x80;
        image[66] = 0x29;
        le32(image, 67, 0x1234_5678);
        put(image, 71, b"AMPLIFY    ");
        put(image, 82, b"FAT32   ");
    }
    put(image, 510, &[0x55, 0xAA]);
}

/// A short directory entry.
fn dir_entry(name: &[u8; 11], attributes: u8, first_cluster: u32, size: u32) -> [u8; 32] {
    let mut e = [0u8; 32];
    e[..11].copy_from_slice(name);
    e[11] = attributes;
    e[20..22].copy_from_slice(&((first_cluster >> 16) as u16).to_le_bytes());
    // Written 2001-01-01 12:00:00.
    e[22..24].copy_from_slice(&0x6000u16.to_le_bytes());
    e[24..26].copy_from_slice(&0x2A21u16.to_le_bytes());
    e[26..28].copy_from_slice(&(first_cluster as u16).to_le_bytes());
    e[28..32].copy_from_slice(&size.to_le_bytes());
    e
}

fn short_name(n: usize) -> [u8; 11] {
    let mut name = *b"F          ";
    let digits = format!("{n:07}");
    name[1..8].copy_from_slice(digits.as_bytes());
    name[8..11].copy_from_slice(b"BIN");
    name
}

/// The FAT16 of issue 17: 2,048 root entries (the root holds `entries`)
/// all starting at cluster 2 of one chain through all 32,766 clusters.
/// The FAT and the root directory are stored (128 KiB and a sector); the
/// data region is claimed but not stored.
pub fn fat_shared_chain(entries: usize) -> Vec<u8> {
    fat16_chain(entries, |_| 2)
}

/// A cousin: entry `n` starts `n` clusters into the same chain, so every
/// entry's chain is a different suffix of one long chain (no two share a
/// first cluster).
pub fn fat_suffix_chains(entries: usize) -> Vec<u8> {
    fat16_chain(entries, |n| 2 + n as u32)
}

fn fat16_chain(entries: usize, first: impl Fn(usize) -> u32) -> Vec<u8> {
    const CLUSTERS: u32 = 32_766;
    let fat_sectors = 128u16; // 32,768 entries of 2 bytes
    let root_sectors = 128usize; // 2,048 entries of 32 bytes
    let stored = 1 + usize::from(fat_sectors) + root_sectors;
    let mut image = vec![0u8; stored * 512];
    boot_sector(
        &mut image,
        &Bpb {
            sectors_per_cluster: 1,
            reserved: 1,
            fats: 1,
            root_entries: 2048,
            total: 1 + u32::from(fat_sectors) + root_sectors as u32 + CLUSTERS,
            fat16_sectors: fat_sectors,
            fat32_sectors: 0,
        },
    );
    let fat = 512;
    le16(&mut image, fat, 0xFFF8);
    le16(&mut image, fat + 2, 0xFFFF);
    for c in 2..CLUSTERS + 1 {
        le16(&mut image, fat + 2 * c as usize, c as u16 + 1);
    }
    le16(&mut image, fat + 2 * (CLUSTERS as usize + 1), 0xFFFF);
    let root = (1 + usize::from(fat_sectors)) * 512;
    for n in 0..entries.min(2048) {
        let start = first(n);
        let size = (CLUSTERS + 2 - start) * 512;
        put(
            &mut image,
            root + 32 * n,
            &dir_entry(&short_name(n), 0x20, start, size),
        );
    }
    image
}

/// Bytes of a mixed-endian GUID written from its text form.
fn guid(text: &str) -> [u8; 16] {
    let hex: Vec<u8> = text
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect();
    let mut g = [0u8; 16];
    g[..4].copy_from_slice(&[hex[3], hex[2], hex[1], hex[0]]);
    g[4..6].copy_from_slice(&[hex[5], hex[4]]);
    g[6..8].copy_from_slice(&[hex[7], hex[6]]);
    g[8..].copy_from_slice(&hex[8..16]);
    g
}

fn crc32(bytes: &[u8]) -> u32 {
    crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(bytes)
}

/// The GPT disk of issue 17: `entries` GPT entries (4,096 in the issue)
/// all starting at the same FAT32 volume, whose FAT is 900 KiB; each entry
/// is one sector shorter than the one before, so no two are identical.
/// About 1.4 MiB for 4,096 entries.
pub fn gpt_fanout(entries: usize) -> Vec<u8> {
    let entry_sectors = (entries * 128).div_ceil(512);
    let volume_start = 2 + entry_sectors;
    let reserved = 32u32;
    let fat_sectors = 1800u32; // 230,400 FAT32 entries: 900 KiB
    let clusters = fat_sectors * 128 - 2;
    let volume_total = reserved + fat_sectors + clusters;
    let stored = volume_start + (reserved + fat_sectors) as usize;
    let mut image = vec![0u8; stored * 512];
    // Protective MBR.
    let disk_sectors = (volume_start as u64 + u64::from(volume_total)) as u32;
    let p = 446;
    image[p + 4] = 0xEE;
    le32(&mut image, p + 8, 1);
    le32(&mut image, p + 12, disk_sectors - 1);
    put(&mut image, 510, &[0x55, 0xAA]);
    // Entries.
    let array = 1024;
    let basic = guid("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    for n in 0..entries {
        let e = array + 128 * n;
        put(&mut image, e, &basic);
        let mut unique = guid("6A8F0000-0000-4000-8000-000000000000");
        unique[12..16].copy_from_slice(&(n as u32).to_be_bytes());
        put(&mut image, e + 16, &unique);
        le64(&mut image, e + 32, volume_start as u64);
        le64(
            &mut image,
            e + 40,
            volume_start as u64 + u64::from(volume_total) - 34 - n as u64,
        );
        for (i, c) in "shared".encode_utf16().enumerate() {
            le16(&mut image, e + 56 + 2 * i, c);
        }
    }
    let entries_crc = crc32(&image[array..array + 128 * entries]);
    // Header.
    let h = 512;
    put(&mut image, h, b"EFI PART");
    le32(&mut image, h + 8, 0x0001_0000);
    le32(&mut image, h + 12, 92);
    le64(&mut image, h + 24, 1);
    le64(&mut image, h + 32, u64::from(disk_sectors) - 1);
    le64(&mut image, h + 40, volume_start as u64);
    le64(&mut image, h + 48, u64::from(disk_sectors) - 34);
    put(
        &mut image,
        h + 56,
        &guid("0D15C0DE-0000-4000-8000-000000000017"),
    );
    le64(&mut image, h + 72, 2);
    le32(&mut image, h + 80, entries as u32);
    le32(&mut image, h + 84, 128);
    le32(&mut image, h + 88, entries_crc);
    let header_crc = crc32(&image[h..h + 92]);
    le32(&mut image, h + 16, header_crc);
    // The FAT32 volume.
    let v = volume_start * 512;
    boot_sector(
        &mut image[v..],
        &Bpb {
            sectors_per_cluster: 1,
            reserved: reserved as u16,
            fats: 1,
            root_entries: 0,
            total: volume_total,
            fat16_sectors: 0,
            fat32_sectors: fat_sectors,
        },
    );
    // FSInfo.
    let info = v + 512;
    le32(&mut image, info, 0x4161_5252);
    le32(&mut image, info + 484, 0x6141_7272);
    le32(&mut image, info + 488, 0xFFFF_FFFF);
    le32(&mut image, info + 492, 0xFFFF_FFFF);
    put(&mut image, info + 510, &[0x55, 0xAA]);
    // Backup boot sector.
    let (boot, backup) = image.split_at_mut(v + 6 * 512);
    backup[..512].copy_from_slice(&boot[v..v + 512]);
    let fat = v + reserved as usize * 512;
    le32(&mut image, fat, 0x0FFF_FFF8);
    le32(&mut image, fat + 4, 0x0FFF_FFFF);
    le32(&mut image, fat + 8, 0x0FFF_FFFF); // the root: one cluster
    image
}

// ---- ISO 9660 ----

const B: usize = 2048;

fn both16(v: u16) -> [u8; 4] {
    let mut out = [0u8; 4];
    out[..2].copy_from_slice(&v.to_le_bytes());
    out[2..].copy_from_slice(&v.to_be_bytes());
    out
}

fn both32(v: u32) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&v.to_le_bytes());
    out[4..].copy_from_slice(&v.to_be_bytes());
    out
}

/// A directory record (ECMA-119 §9.1) with system use bytes `su`.
fn record(extent: u32, size: u32, flags: u8, name: &[u8], su: &[u8]) -> Vec<u8> {
    let pad = usize::from(name.len().is_multiple_of(2));
    let len = 33 + name.len() + pad + su.len();
    assert!(len <= 255, "record too long");
    let mut r = vec![0u8; len];
    r[0] = len as u8;
    r[2..10].copy_from_slice(&both32(extent));
    r[10..18].copy_from_slice(&both32(size));
    r[18..25].copy_from_slice(&[101, 1, 1, 12, 0, 0, 0]);
    r[25] = flags;
    r[28..32].copy_from_slice(&both16(1));
    r[32] = name.len() as u8;
    r[33..33 + name.len()].copy_from_slice(name);
    r[33 + name.len() + pad..].copy_from_slice(su);
    r
}

/// Lays `records` out in directory sectors from `lba` (a record never
/// straddles a sector); returns the bytes used (whole sectors).
fn directory(image: &mut [u8], lba: usize, records: &[Vec<u8>]) -> u32 {
    let mut sector = 0;
    let mut at = 0;
    for r in records {
        if at + r.len() > B {
            sector += 1;
            at = 0;
        }
        put(image, (lba + sector) * B + at, r);
        at += r.len();
    }
    ((sector + 1) * B) as u32
}

/// Sectors `directory` needs for `records`.
fn directory_sectors(records: &[Vec<u8>]) -> usize {
    let mut sector = 0;
    let mut at = 0;
    for r in records {
        if at + r.len() > B {
            sector += 1;
            at = 0;
        }
        at += r.len();
    }
    sector + 1
}

/// An image of `sectors` sectors with a primary volume descriptor whose
/// root directory is at `root` (`root_size` bytes, its `.` record carrying
/// `root_su`), a boot record pointing at `catalog` when given, and the
/// terminator; path tables at 19 and 20 hold the root only.
fn iso(sectors: usize, root: u32, root_size: u32, catalog: Option<u32>) -> Vec<u8> {
    let mut image = vec![0u8; sectors * B];
    let pvd = 16 * B;
    image[pvd] = 1;
    put(&mut image, pvd + 1, b"CD001");
    image[pvd + 6] = 1;
    put(&mut image, pvd + 8, &[b' '; 32]);
    put(&mut image, pvd + 40, &[b' '; 32]);
    put(&mut image, pvd + 40, b"AMPLIFY");
    put(&mut image, pvd + 80, &both32(sectors as u32));
    put(&mut image, pvd + 120, &both16(1));
    put(&mut image, pvd + 124, &both16(1));
    put(&mut image, pvd + 128, &both16(B as u16));
    put(&mut image, pvd + 132, &both32(10));
    le32(&mut image, pvd + 140, 19);
    put(&mut image, pvd + 148, &20u32.to_be_bytes());
    put(
        &mut image,
        pvd + 156,
        &record(root, root_size, 2, &[0], &[]),
    );
    for at in [190, 318, 446, 574, 702, 739, 776] {
        let len = match at {
            190 => 128,
            318 | 446 | 574 => 128,
            _ => 37,
        };
        put(&mut image, pvd + at, &vec![b' '; len]);
    }
    for at in [813, 830, 847, 864] {
        put(&mut image, pvd + at, b"2001010112000000");
    }
    image[pvd + 881] = 1;
    let mut next = 17;
    if let Some(catalog) = catalog {
        let br = next * B;
        image[br] = 0;
        put(&mut image, br + 1, b"CD001");
        image[br + 6] = 1;
        put(&mut image, br + 7, b"EL TORITO SPECIFICATION");
        le32(&mut image, br + 71, catalog);
        next += 1;
    }
    let term = next * B;
    image[term] = 255;
    put(&mut image, term + 1, b"CD001");
    image[term + 6] = 1;
    // Path tables: the root only.
    let mut l = vec![1u8, 0];
    l.extend(root.to_le_bytes());
    l.extend(1u16.to_le_bytes());
    l.extend([0, 0]);
    let mut m = vec![1u8, 0];
    m.extend(root.to_be_bytes());
    m.extend(1u16.to_be_bytes());
    m.extend([0, 0]);
    put(&mut image, 19 * B, &l);
    put(&mut image, 20 * B, &m);
    image
}

/// A cousin: a root whose `n` entries are all directories pointing at one
/// shared directory, whose own entries point back at it (a DAG and a
/// cycle: paths grow without end), beside `n` files that all share one
/// 64 KiB extent (extraction would write it `n` times).
pub fn iso_shared_extent(n: usize) -> Vec<u8> {
    let root = 24u32;
    let mut root_records = vec![record(root, 0, 2, &[0], &[]), record(root, 0, 2, &[1], &[])];
    let names: Vec<Vec<u8>> = (0..n).map(|i| format!("D{i:06}").into_bytes()).collect();
    let files: Vec<Vec<u8>> = (0..n).map(|i| format!("F{i:06}.;1").into_bytes()).collect();
    // Sizes first: the root holds n dirs and n files; the shared directory
    // holds n dirs.
    let probe_root: Vec<Vec<u8>> = root_records
        .iter()
        .cloned()
        .chain(names.iter().map(|nm| record(0, 0, 2, nm, &[])))
        .chain(files.iter().map(|nm| record(0, 0, 0, nm, &[])))
        .collect();
    let root_sectors = directory_sectors(&probe_root);
    let shared = root as usize + root_sectors;
    let probe_shared: Vec<Vec<u8>> = vec![record(0, 0, 2, &[0], &[]), record(0, 0, 2, &[1], &[])]
        .into_iter()
        .chain(names.iter().map(|nm| record(0, 0, 2, nm, &[])))
        .collect();
    let shared_sectors = directory_sectors(&probe_shared);
    let data = shared + shared_sectors;
    let data_bytes = 64 * 1024u32;
    let total = data + data_bytes as usize / B;
    let shared_size = (shared_sectors * B) as u32;
    let root_size = (root_sectors * B) as u32;
    root_records[0] = record(root, root_size, 2, &[0], &[]);
    root_records[1] = record(root, root_size, 2, &[1], &[]);
    root_records.extend(
        names
            .iter()
            .map(|nm| record(shared as u32, shared_size, 2, nm, &[])),
    );
    root_records.extend(
        files
            .iter()
            .map(|nm| record(data as u32, data_bytes, 0, nm, &[])),
    );
    let mut image = iso(total, root, root_size, None);
    directory(&mut image, root as usize, &root_records);
    let mut shared_records = vec![
        record(shared as u32, shared_size, 2, &[0], &[]),
        record(root, root_size, 2, &[1], &[]),
    ];
    shared_records.extend(
        names
            .iter()
            .map(|nm| record(shared as u32, shared_size, 2, nm, &[])),
    );
    directory(&mut image, shared, &shared_records);
    for (i, b) in image[data * B..].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    image
}

fn susp_ce(block: u32, offset: u32, length: u32) -> Vec<u8> {
    let mut e = vec![b'C', b'E', 28, 1];
    e.extend(both32(block));
    e.extend(both32(offset));
    e.extend(both32(length));
    e
}

fn rr_nm(name: &[u8]) -> Vec<u8> {
    let mut e = vec![b'N', b'M', (5 + name.len()) as u8, 1, 0];
    e.extend(name);
    e
}

/// The `.` record's SP and ER entries that announce Rock Ridge.
fn rr_root_su() -> Vec<u8> {
    let mut su = vec![b'S', b'P', 7, 1, 0xBE, 0xEF, 0];
    let id = b"RRIP_1991A";
    let des = b"ROCK RIDGE";
    let src = b"AMPLIFY";
    let mut er = vec![
        b'E',
        b'R',
        (8 + id.len() + des.len() + src.len()) as u8,
        1,
        id.len() as u8,
        des.len() as u8,
        src.len() as u8,
        1,
    ];
    er.extend(id);
    er.extend(des);
    er.extend(src);
    su.extend(er);
    su
}

/// A cousin: a Rock Ridge root of `n` files, each record's System Use
/// area continuing (CE) into the same chain of 32 continuation areas, one
/// per sector; each area holds an NM entry and the CE to the next.
pub fn iso_ce_fanout(n: usize) -> Vec<u8> {
    let root = 24u32;
    let chain = 32usize;
    let names: Vec<Vec<u8>> = (0..n).map(|i| format!("F{i:06}.;1").into_bytes()).collect();
    let probe: Vec<Vec<u8>> = vec![
        record(root, 0, 2, &[0], &rr_root_su()),
        record(root, 0, 2, &[1], &[]),
    ]
    .into_iter()
    .chain(
        names
            .iter()
            .map(|nm| record(0, 0, 0, nm, &susp_ce(0, 0, 0))),
    )
    .collect();
    let root_sectors = directory_sectors(&probe);
    let ce = root as usize + root_sectors;
    let total = ce + chain + 1;
    let root_size = (root_sectors * B) as u32;
    let mut records = vec![
        record(root, root_size, 2, &[0], &rr_root_su()),
        record(root, root_size, 2, &[1], &[]),
    ];
    records.extend(
        names
            .iter()
            .map(|nm| record(total as u32 - 1, 0, 0, nm, &susp_ce(ce as u32, 0, 64))),
    );
    let mut image = iso(total, root, root_size, None);
    directory(&mut image, root as usize, &records);
    for k in 0..chain {
        let mut area = rr_nm(format!("continued-{k}").as_bytes());
        if k + 1 < chain {
            area.extend(susp_ce((ce + k + 1) as u32, 0, 64));
        }
        area.extend([b'S', b'T', 4, 1]);
        area.resize(64, 0);
        put(&mut image, (ce + k) * B, &area);
    }
    image
}

/// A small FAT12 floppy-like image of `sectors` 512-byte sectors with one
/// file, for boot images.
fn fat12(sectors: u16) -> Vec<u8> {
    let mut image = vec![0u8; usize::from(sectors) * 512];
    let fat_sectors = 2u16;
    boot_sector(
        &mut image,
        &Bpb {
            sectors_per_cluster: 1,
            reserved: 1,
            fats: 2,
            root_entries: 16,
            total: u32::from(sectors),
            fat16_sectors: fat_sectors,
            fat32_sectors: 0,
        },
    );
    put(&mut image, 54, b"FAT12   ");
    for copy in 0..2 {
        let fat = 512 * (1 + copy * usize::from(fat_sectors));
        put(&mut image, fat, &[0xF8, 0xFF, 0xFF, 0xFF, 0x0F]);
    }
    let root = 512 * (1 + 2 * usize::from(fat_sectors));
    put(&mut image, root, &dir_entry(b"HELLO   TXT", 0x20, 2, 6));
    let data = root + 512;
    put(&mut image, data, b"hello\n");
    image
}

/// A cousin: an El Torito catalog of `n` section entries (at most 1,023
/// after the default entry) all naming the same 32 KiB FAT image.
pub fn iso_eltorito_fanout(n: usize) -> Vec<u8> {
    let root = 24u32;
    let catalog = 25u32;
    let entries = n.min(1023);
    // validation + default + (header + entries), headers every 60 entries.
    let groups = entries.div_ceil(60).max(1);
    let catalog_bytes = 32 * (2 + groups + entries);
    let catalog_sectors = catalog_bytes.div_ceil(B);
    let boot = catalog as usize + catalog_sectors;
    let floppy = fat12(64);
    let total = boot + floppy.len() / B;
    let records = vec![
        record(root, B as u32, 2, &[0], &[]),
        record(root, B as u32, 2, &[1], &[]),
    ];
    let mut image = iso(total, root, B as u32, Some(catalog));
    directory(&mut image, root as usize, &records);
    put(&mut image, boot * B, &floppy);
    let c = catalog as usize * B;
    // Validation entry.
    let mut v = [0u8; 32];
    v[0] = 1;
    v[4..11].copy_from_slice(b"AMPLIFY");
    v[30] = 0x55;
    v[31] = 0xAA;
    let sum = v.chunks(2).fold(0u16, |s, w| {
        s.wrapping_add(u16::from_le_bytes([w[0], w[1]]))
    });
    v[28..30].copy_from_slice(&0u16.wrapping_sub(sum).to_le_bytes());
    put(&mut image, c, &v);
    let entry = |bootable: bool| {
        let mut e = [0u8; 32];
        e[0] = if bootable { 0x88 } else { 0 };
        e[1] = 0; // no emulation
        e[6..8].copy_from_slice(&64u16.to_le_bytes()); // 64 × 512 = 32 KiB
        e[8..12].copy_from_slice(&(boot as u32).to_le_bytes());
        e
    };
    put(&mut image, c + 32, &entry(true));
    let mut at = c + 64;
    let mut left = entries;
    for g in 0..groups {
        let here = left.min(60);
        let mut h = [0u8; 32];
        h[0] = if g + 1 == groups { 0x91 } else { 0x90 };
        h[1] = 0xEF;
        h[2..4].copy_from_slice(&(here as u16).to_le_bytes());
        put(&mut image, at, &h);
        at += 32;
        for _ in 0..here {
            put(&mut image, at, &entry(true));
            at += 32;
        }
        left -= here;
    }
    image
}

/// A cousin: volumes inside volumes: an ISO whose El Torito boot image
/// is a FAT volume holding, as a file, another such ISO, three levels
/// deep; the innermost boot image also sits behind an MBR.
pub fn iso_nested() -> Vec<u8> {
    let mut iso = iso_with_boot_image(&mbr_disk(&fat12(128)), 4);
    for _ in 0..3 {
        iso = iso_with_boot_image(&fat12_holding(&iso), 0);
    }
    iso
}

/// A disk of an MBR and one partition holding `volume`.
fn mbr_disk(volume: &[u8]) -> Vec<u8> {
    let start = 64usize;
    let mut disk = vec![0u8; start * 512 + volume.len()];
    let p = 446;
    disk[p] = 0x80;
    disk[p + 4] = 0x01;
    le32(&mut disk, p + 8, start as u32);
    le32(&mut disk, p + 12, (volume.len() / 512) as u32);
    put(&mut disk, 510, &[0x55, 0xAA]);
    put(&mut disk, start * 512, volume);
    disk
}

/// An ISO whose El Torito default entry is `disk`, with `media` 0 (no
/// emulation) or 4 (hard disk).
fn iso_with_boot_image(disk: &[u8], media: u8) -> Vec<u8> {
    let root = 24u32;
    let catalog = 25u32;
    let boot = 26usize;
    let total = boot + disk.len().div_ceil(B);
    let mut image = iso(total, root, B as u32, Some(catalog));
    let records = vec![
        record(root, B as u32, 2, &[0], &[]),
        record(root, B as u32, 2, &[1], &[]),
    ];
    directory(&mut image, root as usize, &records);
    put(&mut image, boot * B, disk);
    let c = catalog as usize * B;
    let mut v = [0u8; 32];
    v[0] = 1;
    v[30] = 0x55;
    v[31] = 0xAA;
    let sum = v.chunks(2).fold(0u16, |s, w| {
        s.wrapping_add(u16::from_le_bytes([w[0], w[1]]))
    });
    v[28..30].copy_from_slice(&0u16.wrapping_sub(sum).to_le_bytes());
    put(&mut image, c, &v);
    let mut e = [0u8; 32];
    e[0] = 0x88;
    e[1] = media;
    e[4] = 0x01; // system type
    e[6..8].copy_from_slice(&((disk.len() / 512) as u16).to_le_bytes());
    e[8..12].copy_from_slice(&(boot as u32).to_le_bytes());
    put(&mut image, c + 32, &e);
    image
}

/// A FAT12 volume holding `file` contiguously as `INNER.ISO`.
fn fat12_holding(file: &[u8]) -> Vec<u8> {
    let clusters = file.len().div_ceil(512);
    let fat_sectors = (clusters + 2).div_ceil(341);
    let root_sectors = 1;
    let data = 1 + 2 * fat_sectors + root_sectors;
    let sectors = data + clusters + 1;
    let mut image = vec![0u8; sectors * 512];
    boot_sector(
        &mut image,
        &Bpb {
            sectors_per_cluster: 1,
            reserved: 1,
            fats: 2,
            root_entries: 16,
            total: sectors as u32,
            fat16_sectors: fat_sectors as u16,
            fat32_sectors: 0,
        },
    );
    put(&mut image, 54, b"FAT12   ");
    let mut fat = vec![0u8; fat_sectors * 512];
    let mut set = |n: usize, v: u16| {
        let at = n + n / 2;
        let old = u16::from_le_bytes([fat[at], fat[at + 1]]);
        let new = if n.is_multiple_of(2) {
            (old & 0xF000) | (v & 0x0FFF)
        } else {
            (old & 0x000F) | (v << 4)
        };
        fat[at..at + 2].copy_from_slice(&new.to_le_bytes());
    };
    set(0, 0xFF8);
    set(1, 0xFFF);
    for c in 2..clusters + 2 {
        set(
            c,
            if c + 1 < clusters + 2 {
                c as u16 + 1
            } else {
                0xFFF
            },
        );
    }
    for copy in 0..2 {
        put(&mut image, 512 * (1 + copy * fat_sectors), &fat);
    }
    let root = 512 * (1 + 2 * fat_sectors);
    put(
        &mut image,
        root,
        &dir_entry(b"INNER   ISO", 0x20, 2, file.len() as u32),
    );
    put(&mut image, data * 512, file);
    image
}
