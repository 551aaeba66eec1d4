//! The zstd codecs, which chdman 0.251 cannot write: hunks compressed by
//! the `zstd` crate into CHDs made by [`super::build`], read back through
//! the `chd` crate's decoder.

use discscope::io::ReadAt;
use discscope::units::Lba;

use super::build::{NONE, Stored, chd};
use super::open;
use crate::support::fixture;

const FRAME: usize = 2448;
const SECTOR: usize = 2352;

#[test]
fn chd_zstd_hard_disk_reads_and_verifies() {
    let data = std::fs::read(fixture("disk/floppy.img")).unwrap();
    let hunk = 4096;
    let mut hunks = Vec::new();
    for (i, plain) in data.chunks(hunk).enumerate() {
        // Repeated hunks become copies of the first, as chdman does.
        let first = data.chunks(hunk).position(|c| c == plain).unwrap();
        if first < i {
            hunks.push(Stored::Copy(first as u32));
        } else {
            hunks.push(Stored::Codec {
                slot: 0,
                bytes: zstd::bulk::compress(plain, 19).unwrap(),
                plain: plain.to_vec(),
            });
        }
    }
    let geometry = b"CYLS:80,HEADS:2,SECS:9,BPS:512\0".to_vec();
    let file = chd(
        [b"zstd", NONE, NONE, NONE],
        hunk as u32,
        512,
        &data,
        &hunks,
        &[(b"GDDD", true, geometry)],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zstd.chd");
    std::fs::write(&path, file).unwrap();
    let medium = open(&path);
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    assert_eq!(
        medium.files[0].reader.read_vec(0, data.len()).unwrap(),
        data
    );
    let header = &medium.structures[0];
    let slot = header
        .fields
        .iter()
        .find(|f| f.name == "compressor 0")
        .unwrap();
    assert_eq!(slot.note.as_deref(), Some("zstd (Zstandard)"));
    let run = crate::support::discscope(["verify", path.to_str().unwrap(), "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["container"]["digests"][0]["ok"], true);
    assert_eq!(json["container"]["digests"][1]["ok"], true);
    let run = crate::support::discscope(["cat", path.to_str().unwrap(), "/README.TXT"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

/// A cdzs hunk of `frames` (sector and subcode each): the ECC bitmap, the
/// length of the compressed sectors, zstd sectors, zstd subcode. Frames
/// whose bit is set are stored without sync and ECC (the decoder puts
/// them back).
fn cdzs(frames: &[u8], regenerate: &[bool]) -> Vec<u8> {
    let count = frames.len() / FRAME;
    let mut sectors = Vec::new();
    let mut subcode = Vec::new();
    let mut bitmap = vec![0u8; count.div_ceil(8)];
    for (i, frame) in frames.chunks(FRAME).enumerate() {
        let mut sector = frame[..SECTOR].to_vec();
        if regenerate[i] {
            bitmap[i / 8] |= 1 << (i % 8);
            sector[..12].fill(0);
            sector[2076..].fill(0);
        }
        sectors.extend_from_slice(&sector);
        subcode.extend_from_slice(&frame[SECTOR..]);
    }
    let packed = zstd::bulk::compress(&sectors, 19).unwrap();
    let mut out = bitmap;
    out.extend_from_slice(&(packed.len() as u16).to_be_bytes());
    out.extend_from_slice(&packed);
    out.extend_from_slice(&zstd::bulk::compress(&subcode, 19).unwrap());
    out
}

#[test]
fn chd_cdzs_cd_reads_and_regenerates_ecc() {
    let sectors = std::fs::read(fixture("cue/mode1/data.bin")).unwrap();
    let count = sectors.len() / SECTOR;
    // Frames: sector then zero subcode; the track padded to 4 frames.
    let padded = count.div_ceil(4) * 4;
    let mut data = Vec::new();
    for i in 0..padded {
        match sectors.get(i * SECTOR..(i + 1) * SECTOR) {
            Some(s) => data.extend_from_slice(s),
            None => data.extend_from_slice(&[0; SECTOR]),
        }
        data.extend_from_slice(&[0; FRAME - SECTOR]);
    }
    let hunk = 8 * FRAME;
    let hunks: Vec<Stored> = data
        .chunks(hunk)
        .enumerate()
        .map(|(h, chunk)| {
            let mut plain = chunk.to_vec();
            plain.resize(hunk, 0);
            // Every other data frame leaves its sync and ECC to the decoder.
            let regenerate: Vec<bool> = (0..8)
                .map(|f| h * 8 + f < count && (h * 8 + f) % 2 == 0)
                .collect();
            Stored::Codec {
                slot: 0,
                bytes: cdzs(&plain, &regenerate),
                plain,
            }
        })
        .collect();
    let track = format!(
        "TRACK:1 TYPE:MODE1_RAW SUBTYPE:NONE FRAMES:{count} PREGAP:0 PGTYPE:MODE1 PGSUB:NONE POSTGAP:0\0"
    );
    let file = chd(
        [b"cdzs", NONE, NONE, NONE],
        hunk as u32,
        FRAME as u32,
        &data,
        &hunks,
        &[(b"CHT2", true, track.into_bytes())],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cdzs.chd");
    std::fs::write(&path, file).unwrap();
    let medium = open(&path);
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    assert_eq!(medium.tracks.len(), 1);
    assert_eq!(medium.tracks[0].length, count as u64);
    for i in 0..count {
        let sector = medium.read_sector(Lba(i as i64)).unwrap();
        assert!(
            sector.bytes == sectors[i * SECTOR..(i + 1) * SECTOR],
            "sector {i}"
        );
    }
    let run = crate::support::discscope(["verify", path.to_str().unwrap(), "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["good_sectors"], count as u64);
    assert_eq!(json["container"]["ok"], true);
}

#[test]
fn chd_a_codec_the_crate_lacks_is_named() {
    let data = vec![7u8; 1024];
    let file = chd(
        [b"avhx", NONE, NONE, NONE],
        512,
        512,
        &data,
        &[
            Stored::Codec {
                slot: 0,
                bytes: vec![1, 2, 3],
                plain: data[..512].to_vec(),
            },
            Stored::Copy(0),
        ],
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unknown.chd");
    std::fs::write(&path, file).unwrap();
    let medium = open(&path);
    let finding = medium
        .diagnostics
        .iter()
        .find(|d| d.code == "chd.codec")
        .unwrap();
    assert!(finding.message.contains("avhx"), "{}", finding.message);
    let error = medium.files[0]
        .reader
        .read_vec(0, 16)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("avhx") && error.contains("hunk 0"),
        "{error}"
    );
}

/// Versions 3 and 4: 16-byte map entries with CRC-32, zlib, raw, mini and
/// copied hunks, the unit size taken from the geometry.
#[test]
fn chd_v3_and_v4_files_read_and_verify() {
    use super::build::{Legacy, chd_legacy};
    let hunk = 4096usize;
    let mut data = std::fs::read(fixture("disk/floppy.img")).unwrap();
    data.truncate(8 * hunk);
    // Hunk 5: one 8-byte pattern (a mini hunk); hunk 6 a copy of hunk 2.
    let pattern: Vec<u8> = b"DISCSCOP".iter().copied().cycle().take(hunk).collect();
    data[5 * hunk..6 * hunk].copy_from_slice(&pattern);
    let two = data[2 * hunk..3 * hunk].to_vec();
    data[6 * hunk..7 * hunk].copy_from_slice(&two);
    let deflate = |plain: &[u8]| miniz_oxide::deflate::compress_to_vec(plain, 9);
    let hunks: Vec<Legacy> = (0..8)
        .map(|i| match i {
            5 => Legacy::Mini,
            6 => Legacy::Copy(2),
            7 => Legacy::Uncompressed,
            _ => Legacy::Zlib(deflate(&data[i * hunk..(i + 1) * hunk])),
        })
        .collect();
    let geometry = b"CYLS:8,HEADS:1,SECS:8,BPS:512\0".to_vec();
    for version in [3, 4] {
        let file = chd_legacy(
            version,
            hunk as u32,
            &data,
            &hunks,
            &[(b"GDDD", true, geometry.clone())],
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("v{version}.chd"));
        std::fs::write(&path, file).unwrap();
        let medium = open(&path);
        assert!(
            medium.diagnostics.is_empty(),
            "v{version}: {:?}",
            medium.diagnostics
        );
        assert_eq!(medium.structures[0].name, format!("CHD v{version} header"));
        assert_eq!(medium.sector_size, 512);
        assert_eq!(
            medium.files[0].reader.read_vec(0, data.len()).unwrap(),
            data
        );
        let run = crate::support::discscope(["verify", path.to_str().unwrap(), "--json"]);
        assert_eq!(run.code(), 0, "v{version}: {}", run.stdout());
        let json = run.json();
        let digests = json["container"]["digests"].as_array().unwrap();
        assert!(
            digests.iter().all(|d| d["ok"] == true),
            "v{version}: {json}"
        );
        assert_eq!(digests.len(), if version == 3 { 1 } else { 2 });
        // The map entry of the mini hunk, where it lies after the header.
        let store = medium.store.as_ref().unwrap();
        let entry = &store.structures_at(Lba(5 * 8))[0];
        assert_eq!(entry.name, "CHD map entry of hunk 5");
        assert_eq!(entry.length, 16);
        let stored_as = entry.fields.iter().find(|f| f.name == "stored as").unwrap();
        assert_eq!(stored_as.value.to_string(), "Mini");
        // A flipped byte in a compressed hunk fails its CRC-32.
        let mut bad = std::fs::read(&path).unwrap();
        let len = bad.len();
        bad[len - hunk - 200] ^= 0x10;
        std::fs::write(&path, bad).unwrap();
        let run = crate::support::discscope(["verify", path.to_str().unwrap(), "--json"]);
        assert_eq!(run.code(), 1, "v{version}");
    }
}
