//! Reading directories into nodes and files into buffers.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::fs::fat::chains::Chain;
use crate::fs::fat::dir::{self, LongName, LongPart, Short};
use crate::fs::fat::{FatFs, FatType, MAX_DIR_BYTES, ROOT_ID};
use crate::fs::{Filesystem, Node, NodeKind};

/// Characters a short name may not hold (fatgen103 §6.1).
const FORBIDDEN: &[u8] = b"\"*+,./:;<=>?[\\]|";

/// The raw 32-byte entries of a directory with their volume offsets.
fn raw_entries(fs: &FatFs, dir: &Node) -> Result<Vec<(u64, Vec<u8>)>> {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    let cluster = fs.bpb.cluster_bytes();
    let first = if dir.id == ROOT_ID {
        None
    } else {
        let short = fs.entry_at(dir.id)?;
        if !short.is_dir() {
            return Err(Error::Unsupported(format!(
                "{} is not a directory",
                dir.name
            )));
        }
        Some(short)
    };
    match first {
        None if fs.bpb.fat_type != FatType::Fat32 => {
            runs.push((fs.bpb.root_dir_offset, fs.bpb.root_dir_bytes))
        }
        None => {
            let chain = fs.chain_of(
                fs.bpb.root_cluster,
                MAX_DIR_BYTES / cluster + 1,
                ROOT_ID,
                "root directory",
            );
            runs.extend(
                chain
                    .clusters()
                    .map(|c| (fs.bpb.cluster_offset(c), cluster)),
            );
        }
        Some(short) if short.first_cluster == 0 => {
            // ".." of a top-level directory points at the root as cluster 0.
            let root = fs.root()?;
            return raw_entries(fs, &root);
        }
        Some(short) if short.deleted => {
            if fs.table.is_data_cluster(short.first_cluster) {
                runs.push((fs.bpb.cluster_offset(short.first_cluster), cluster));
            }
        }
        Some(short) => {
            let chain = fs.chain_of(
                short.first_cluster,
                MAX_DIR_BYTES / cluster + 1,
                dir.id,
                &format!("directory {}", dir.name),
            );
            runs.extend(
                chain
                    .clusters()
                    .map(|c| (fs.bpb.cluster_offset(c), cluster)),
            );
        }
    }
    let mut out = Vec::new();
    let mut total = 0u64;
    for (offset, len) in runs {
        let len = len
            .min(fs.source.len().saturating_sub(offset))
            .min(MAX_DIR_BYTES - total);
        if len == 0 {
            break;
        }
        let bytes = fs.source.read_vec(offset, len as usize)?;
        for (i, e) in bytes.chunks_exact(dir::ENTRY).enumerate() {
            out.push((offset + (i * dir::ENTRY) as u64, e.to_vec()));
        }
        total += len;
    }
    Ok(out)
}

/// The volume label entry of the root directory.
pub(super) fn find_label(fs: &FatFs, root: &Node) -> Option<String> {
    let entries = raw_entries(fs, root).ok()?;
    for (_, e) in entries {
        match e.first() {
            Some(0) | None => break,
            Some(0xE5) => continue,
            _ => {}
        }
        let Ok(short) = Short::decode(&e) else {
            continue;
        };
        if short.is_label() {
            // An all-blank label entry means no label (as blkid reads it).
            return Some(short.label()).filter(|l| !l.is_empty());
        }
    }
    None
}

pub(super) fn children(fs: &FatFs, dir: &Node) -> Result<Vec<Node>> {
    let entries = raw_entries(fs, dir)?;
    let mut nodes = Vec::new();
    let mut long = LongName::default();
    let mut names = HashSet::new();
    let subdirectory = dir.id != ROOT_ID;
    for (position, (offset, e)) in entries.into_iter().enumerate() {
        let Some(&lead) = e.first() else { break };
        if lead == 0 {
            break;
        }
        if dir::is_long(&e) {
            long.push(LongPart::decode(&e)?, lead == 0xE5);
            continue;
        }
        let short = Short::decode(&e)?;
        let dot = short.raw_name == *b".          ";
        let dotdot = short.raw_name == *b"..         ";
        if subdirectory && !short.deleted && (dot || dotdot) && position != usize::from(dotdot) {
            fs.note(
                Diagnostic::warning(
                    "fat.dot-entries",
                    format!(
                        "{} is entry {} of {}; it belongs at entry {}",
                        if dot { "\".\"" } else { "\"..\"" },
                        position + 1,
                        path_of(dir),
                        usize::from(dotdot) + 1
                    ),
                )
                .at(Location::Offset(offset)),
            );
        }
        if subdirectory && position == 0 && !dot {
            fs.note(
                Diagnostic::warning(
                    "fat.dot-entries",
                    format!("{} does not start with \".\" and \"..\"", path_of(dir)),
                )
                .at(Location::Offset(offset)),
            );
        }
        if short.is_label() || (!short.deleted && (dot || dotdot)) {
            long.clear();
            continue;
        }
        let name = match long.finish(&short.raw_name, short.deleted) {
            Ok(Some(name)) => name,
            Ok(None) => short.name(),
            Err(why) => {
                fs.note(
                    Diagnostic::warning(
                        "fat.long-name",
                        format!(
                            "{} in {}: {why}; the short name is used",
                            short.name(),
                            path_of(dir)
                        ),
                    )
                    .at(Location::Offset(offset)),
                );
                short.name()
            }
        };
        if !short.deleted {
            check_short_name(fs, &short, offset);
            if !names.insert(name.to_lowercase()) {
                fs.note(
                    Diagnostic::warning(
                        "fat.duplicate-name",
                        format!("{name} appears twice in {}", path_of(dir)),
                    )
                    .at(Location::Offset(offset)),
                );
            }
        }
        nodes.push(node(fs, offset, name, &short));
    }
    Ok(nodes)
}

fn path_of(dir: &Node) -> String {
    if dir.id == ROOT_ID {
        "/".into()
    } else {
        dir.name.clone()
    }
}

fn check_short_name(fs: &FatFs, short: &Short, offset: u64) {
    let bad = short.raw_name.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && !(i == 0 && b == 0x05)) || FORBIDDEN.contains(&b) || b.is_ascii_lowercase()
    }) || short.raw_name.first() == Some(&b' ');
    if bad {
        fs.note(
            Diagnostic::warning(
                "fat.bad-name",
                format!(
                    "the short name {:?} holds characters FAT does not allow",
                    short.name()
                ),
            )
            .at(Location::Offset(offset)),
        );
    }
}

fn node(fs: &FatFs, offset: u64, name: String, short: &Short) -> Node {
    let cluster = fs.bpb.cluster_bytes();
    let chain = data_chain(fs, short, offset, &name);
    let size = if short.is_dir() {
        chain.len * cluster
    } else {
        u64::from(short.size)
    };
    if !short.is_dir() && !short.deleted && short.first_cluster != 0 && chain.broken.is_none() {
        let needed = u64::from(short.size).div_ceil(cluster);
        let have = chain.len;
        if have != needed {
            fs.note(
                Diagnostic::warning(
                    "fat.chain-length",
                    format!(
                        "{name}: the file's size needs {needed} clusters but its chain has {have}"
                    ),
                )
                .at(Location::Offset(offset)),
            );
        }
    }
    if !short.is_dir() && !short.deleted && short.first_cluster == 0 && short.size > 0 {
        fs.note(
            Diagnostic::error(
                "fat.chain",
                format!(
                    "{name}: {} bytes but no first cluster (cluster 0)",
                    short.size
                ),
            )
            .at(Location::Offset(offset)),
        );
    }
    let mut notes = vec![
        ("attributes".to_owned(), short.attribute_text()),
        ("first cluster".to_owned(), short.first_cluster.to_string()),
    ];
    if name != short.name() {
        notes.push(("short name".to_owned(), short.name()));
    }
    if let Some(t) = short.created {
        notes.push(("created".to_owned(), t.to_string()));
    }
    if let Some(t) = short.accessed {
        notes.push((
            "accessed".to_owned(),
            t.to_string().get(..10).unwrap_or_default().to_owned(),
        ));
    }
    if short.deleted {
        notes.push((
            "deleted".to_owned(),
            "data read assuming contiguous clusters".to_owned(),
        ));
    }
    if let Some(broken) = &chain.broken {
        notes.push(("chain".to_owned(), broken.describe()));
    }
    Node {
        id: offset,
        extents: fs.extents(&chain, size),
        name,
        raw_name: None,
        kind: if short.is_dir() {
            NodeKind::Dir
        } else {
            NodeKind::File
        },
        size,
        mtime: short.modified,
        mode: None,
        target: None,
        deleted: short.deleted,
        notes,
    }
}

/// The clusters holding an entry's data: its chain (walked once per
/// volume), or for a deleted entry the contiguous run its size needs (the
/// FAT no longer links it).
fn data_chain(fs: &FatFs, short: &Short, id: u64, name: &str) -> Arc<Chain> {
    let cluster = fs.bpb.cluster_bytes();
    if short.first_cluster == 0 {
        return Arc::new(Chain::default());
    }
    if short.deleted {
        let needed = u64::from(short.size)
            .div_ceil(cluster)
            .max(u64::from(short.is_dir()));
        let last = u64::from(fs.table.max_cluster);
        let first = u64::from(short.first_cluster);
        if !fs.table.is_data_cluster(short.first_cluster) {
            return Arc::new(Chain::default());
        }
        let end = (first + needed).min(last + 1);
        return Arc::new(Chain::contiguous(
            short.first_cluster,
            u32::try_from(end - first).unwrap_or(0),
        ));
    }
    let limit = u64::from(fs.table.max_cluster);
    fs.chain_of(short.first_cluster, limit, id, name)
}

pub(super) fn read(fs: &FatFs, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
    if file.id == ROOT_ID {
        return Err(Error::Unsupported(
            "the root directory is not a file".into(),
        ));
    }
    let short = fs.entry_at(file.id)?;
    if short.is_dir() {
        return Err(Error::Unsupported(format!("{} is a directory", file.name)));
    }
    let size = u64::from(short.size);
    if offset >= size || buf.is_empty() {
        return Ok(0);
    }
    let chain = data_chain(fs, &short, file.id, &file.name);
    let cluster = fs.bpb.cluster_bytes();
    let want = (size - offset).min(buf.len() as u64) as usize;
    let mut done = 0usize;
    while done < want {
        let at = offset + done as u64;
        let index = at / cluster;
        let Some(c) = chain.cluster_at(index) else {
            let why = chain
                .broken
                .as_ref()
                .map(|b| format!(" ({})", b.describe()))
                .unwrap_or_default();
            return Err(Error::invalid(
                Position::Byte(file.id),
                "FAT file",
                "cluster chain",
                format!("clusters for all {size} bytes"),
                format!("short: the chain ends after {} clusters{why}", chain.len),
            ));
        };
        let within = at % cluster;
        let n = ((cluster - within) as usize).min(want - done);
        let part = buf.get_mut(done..done + n).unwrap_or_default();
        fs.source
            .read_exact_at(fs.bpb.cluster_offset(c) + within, part)?;
        done += n;
    }
    Ok(done)
}
