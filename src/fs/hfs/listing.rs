//! Folders into nodes, files into bytes: catalog records found by parent
//! ID, forks resolved through the overflow file, hard links through the
//! private folder, symbolic links read from their data fork.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::fs::hfs::catalog::{self, Edition, File, Folder, Key, Record, Thread};
use crate::fs::hfs::fork::Fork;
use crate::fs::hfs::{HfsFs, RSRC, btree, date};
use crate::fs::{Node, NodeKind};

/// Longest symbolic link target read.
const MAX_LINK: usize = 4096;
/// Most entries one folder lists.
const MAX_CHILDREN: usize = 1_000_000;

/// The private folders behind hard links.
#[derive(Debug, Default)]
pub struct Links {
    /// iNode files by name, in the file links folder.
    files: HashMap<String, u64>,
    /// Linked folders by name, in the folder links folder.
    folders: HashMap<String, u32>,
    /// The two folders' IDs (hidden from listings).
    hidden: Vec<u32>,
}

/// A stand-in root until the real one is found.
pub fn placeholder_root() -> Node {
    Node::new(0, String::new(), NodeKind::Dir, 0, Vec::new())
}

/// A record's place as a node id.
fn position(node: u32, index: usize) -> u64 {
    (u64::from(node) << 16) | (index as u64 & 0xFFFF)
}

/// The key and record at a node id.
pub fn record_at(fs: &HfsFs, id: u64) -> Result<(Key, Record)> {
    let id = id & !RSRC;
    let node_number = u32::try_from(id >> 16).unwrap_or(u32::MAX);
    let index = (id & 0xFFFF) as usize;
    let node = fs.load(&fs.catalog, node_number)?;
    let bad = || {
        Error::invalid(
            Position::Node {
                tree: "catalog",
                node: node_number,
            },
            "catalog leaf",
            "record",
            "a usable leaf record",
            format!("record {index}, which is not"),
        )
    };
    if node.descriptor.kind != btree::LEAF {
        return Err(bad());
    }
    let (key, data) = node.split(&fs.catalog.style, index).ok_or_else(bad)?;
    let key = Key::parse(fs.format, key).ok_or_else(bad)?;
    let record = Record::parse(fs.format, data).ok_or_else(bad)?;
    Ok((key, record))
}

/// Visits the leaf records whose key's parent is `parent`, in order.
fn each_child(
    fs: &HfsFs,
    parent: u32,
    visit: &mut dyn FnMut(u64, Key, &[u8]) -> bool,
) -> Result<()> {
    let format = fs.format;
    let target = |key: &[u8]| match Key::parse(format, key) {
        Some(k) if k.parent == parent && k.raw.is_empty() => Ordering::Equal,
        Some(k) if k.parent == parent => Ordering::Greater,
        Some(k) => k.parent.cmp(&parent),
        None => Ordering::Less,
    };
    let mut inner = |node: &btree::TreeNode, index: usize, key: &[u8], data: &[u8]| match Key::parse(
        format, key,
    ) {
        Some(k) if k.parent == parent => visit(position(node.number, index), k, data),
        _ => false,
    };
    let tree = fs.catalog.clone();
    fs.scan(&tree, &target, &mut inner)
}

/// The thread record of a catalog node ID.
pub fn thread(fs: &HfsFs, id: u32) -> Result<Option<Thread>> {
    let mut found = None;
    each_child(fs, id, &mut |_, key, data| {
        if key.raw.is_empty()
            && let Some(Record::Thread(t)) = Record::parse(fs.format, data)
        {
            found = Some(t);
        }
        false
    })?;
    Ok(found)
}

/// Finds the root folder (ID 2, a child of ID 1).
pub fn find_root(fs: &HfsFs) -> Result<Node> {
    let mut found = None;
    let mut others = 0usize;
    each_child(
        fs,
        catalog::ROOT_PARENT,
        &mut |id, key, data| match Record::parse(fs.format, data) {
            Some(Record::Folder(f)) if f.id == catalog::ROOT => {
                found = Some((id, key, f));
                false
            }
            _ => {
                others += 1;
                others < 64
            }
        },
    )?;
    let (id, key, folder) = found.ok_or_else(|| {
        Error::Unsupported("the catalog has no root folder (ID 2 under ID 1)".to_owned())
    })?;
    let mut node = folder_node(fs, id, &key, &folder);
    node.name = String::new();
    // The catalog holds the folders: its blocks belong to the root, so the
    // inspector decodes catalog nodes there.
    node.extents = fs.medium_extents(&fs.catalog.fork);
    Ok(node)
}

fn notes_common(fs: &HfsFs, id: u32, created: u32) -> Vec<(String, String)> {
    let mut notes = vec![("catalog ID".to_owned(), id.to_string())];
    match fs.format {
        Edition::Hfs => {
            notes.push(("created".to_owned(), date::local_text(created)));
            notes.push((
                "dates".to_owned(),
                "local time of the Mac that wrote them (zone not recorded)".to_owned(),
            ));
        }
        Edition::Plus => {
            if let Some(t) = date::timestamp(created) {
                notes.push(("created".to_owned(), t.rfc3339()));
            }
        }
    }
    notes
}

/// The name as stored, when the shown name differs from its bytes: Mac
/// Roman bytes that are not ASCII, or HFS+ code units that composing
/// changed (in hex, so `ls --json` keeps the raw name).
fn stored_name(fs: &HfsFs, key: &Key) -> Option<(String, String)> {
    let hex = |units: Vec<String>| units.join(" ");
    match fs.format {
        Edition::Hfs if !key.raw.iter().all(|b| b.is_ascii_graphic() || *b == b' ') => Some((
            "Mac Roman name".to_owned(),
            hex(key.raw.iter().map(|b| format!("{b:02x}")).collect()),
        )),
        Edition::Plus => {
            let units = crate::fs::hfs::name::units(&key.raw);
            let plain: String = String::from_utf16_lossy(&units);
            (plain != key.name(fs.format)).then(|| {
                (
                    "stored name (UTF-16, decomposed)".to_owned(),
                    hex(units.iter().map(|u| format!("{u:04x}")).collect()),
                )
            })
        }
        Edition::Hfs => None,
    }
}

fn mode_of(fs: &HfsFs, mode: u16) -> Option<u32> {
    (fs.format == Edition::Plus && mode & 0o170000 != 0).then_some(u32::from(mode & 0o7777))
}

fn folder_node(fs: &HfsFs, id: u64, key: &Key, folder: &Folder) -> Node {
    let mut notes = notes_common(fs, folder.id, folder.created);
    notes.extend(stored_name(fs, key));
    notes.push(("items".to_owned(), folder.valence.to_string()));
    if folder.finder_flags != 0 {
        notes.push((
            "Finder flags".to_owned(),
            format!("{:#06x}", folder.finder_flags),
        ));
    }
    Node {
        id,
        name: key.name(fs.format),
        raw_name: None,
        kind: NodeKind::Dir,
        size: 0,
        extents: Vec::new(),
        mtime: date::timestamp(folder.modified),
        mode: mode_of(fs, folder.mode),
        target: None,
        deleted: false,
        notes,
    }
}

fn four(code: &[u8; 4]) -> String {
    crate::fs::hfs::name::mac_roman(code)
}

fn file_nodes(fs: &HfsFs, id: u64, key: &Key, file: &File, out: &mut Vec<Node>) {
    let name = key.name(fs.format);
    let mut notes = notes_common(fs, file.id, file.created);
    notes.extend(stored_name(fs, key));
    notes.push(("type".to_owned(), four(&file.file_type)));
    notes.push(("creator".to_owned(), four(&file.creator)));
    notes.push((
        "Finder flags".to_owned(),
        format!("{:#06x}", file.finder_flags),
    ));
    let mut kind = NodeKind::File;
    let mut target = None;
    // A hard link's forks are its iNode's.
    let source = match linked(fs, file) {
        Some(Ok((_, inode))) => {
            notes.push((
                "hard link".to_owned(),
                format!(
                    "to iNode{} (catalog ID {}, {} links)",
                    file.special, inode.id, inode.special
                ),
            ));
            inode
        }
        Some(Err(why)) => {
            notes.push(("hard link".to_owned(), why));
            file.clone()
        }
        None => file.clone(),
    };
    let (data_file, data_start) = (source.id, source.data.clone());
    let data = fs.resolve_fork(
        data_file,
        false,
        &data_start,
        &format!("{name} (data fork)"),
    );
    if file.is_symlink() {
        kind = NodeKind::Symlink;
        let mut buf = vec![0u8; (data.logical.min(MAX_LINK as u64)) as usize];
        if let Ok(n) = data.read(fs.source.as_ref(), &fs.geometry, 0, &mut buf) {
            buf.truncate(n);
            target = Some(String::from_utf8_lossy(&buf).into_owned());
        }
    }
    if file.is_folder_link() {
        notes.push((
            "folder hard link".to_owned(),
            format!("to dir_{}", file.special),
        ));
        kind = NodeKind::Dir;
    }
    if source.rsrc.logical > 0 {
        notes.push((
            "resource fork".to_owned(),
            format!("{} bytes ({name}:rsrc)", source.rsrc.logical),
        ));
    }
    out.push(Node {
        id,
        name: name.clone(),
        raw_name: None,
        kind,
        size: if kind == NodeKind::Dir {
            0
        } else {
            data.logical
        },
        extents: if kind == NodeKind::Dir {
            Vec::new()
        } else {
            fs.medium_extents(&data)
        },
        mtime: date::timestamp(file.modified),
        mode: mode_of(fs, file.mode),
        target,
        deleted: false,
        notes: notes.clone(),
    });
    if source.rsrc.logical > 0 && kind != NodeKind::Dir {
        let rsrc = fs.resolve_fork(
            source.id,
            true,
            &source.rsrc,
            &format!("{name} (resource fork)"),
        );
        out.push(Node {
            id: id | RSRC,
            name: format!("{name}:rsrc"),
            raw_name: None,
            kind: NodeKind::File,
            size: rsrc.logical,
            extents: fs.medium_extents(&rsrc),
            mtime: date::timestamp(file.modified),
            mode: mode_of(fs, file.mode),
            target: None,
            deleted: false,
            notes: vec![
                ("fork".to_owned(), format!("the resource fork of {name}")),
                ("catalog ID".to_owned(), file.id.to_string()),
            ],
        });
    }
}

/// The private folders, read once.
fn links(fs: &HfsFs) -> &Links {
    fs.links.get_or_init(|| {
        let mut links = Links::default();
        if fs.format != Edition::Plus {
            return links;
        }
        let mut dirs = Vec::new();
        let _ = each_child(fs, catalog::ROOT, &mut |_, key, data| {
            let name = key.name(Edition::Plus);
            if (name == catalog::FILE_LINKS_FOLDER || name == catalog::DIR_LINKS_FOLDER)
                && let Some(Record::Folder(f)) = Record::parse(Edition::Plus, data)
            {
                dirs.push((name, f.id));
            }
            true
        });
        for (name, id) in dirs {
            links.hidden.push(id);
            let mut count = 0usize;
            let _ = each_child(fs, id, &mut |position, key, data| {
                count += 1;
                match Record::parse(Edition::Plus, data) {
                    Some(Record::File(_)) if name == catalog::FILE_LINKS_FOLDER => {
                        links.files.insert(key.name(Edition::Plus), position);
                    }
                    Some(Record::Folder(f)) if name == catalog::DIR_LINKS_FOLDER => {
                        links.folders.insert(key.name(Edition::Plus), f.id);
                    }
                    _ => {}
                }
                count < MAX_CHILDREN
            });
        }
        links
    })
}

/// The iNode of a hard link: `None` when the file is not one.
fn linked(fs: &HfsFs, file: &File) -> Option<std::result::Result<(u64, File), String>> {
    if fs.format != Edition::Plus || !file.is_hard_link() {
        return None;
    }
    let name = format!("iNode{}", file.special);
    let Some(&position) = links(fs).files.get(&name) else {
        fs.note(Diagnostic::error(
            "hfs.hard-link",
            format!("a hard link (catalog ID {}) names {name}, which the private data folder does not hold", file.id),
        ));
        return Some(Err(format!("{name} is missing")));
    };
    match record_at(fs, position) {
        Ok((_, Record::File(inode))) => Some(Ok((position, inode))),
        _ => Some(Err(format!("{name} is not a file"))),
    }
}

/// The folder ID whose items a directory node lists.
fn folder_id(fs: &HfsFs, dir: &Node) -> Result<u32> {
    let (_, record) = record_at(fs, dir.id)?;
    match record {
        Record::Folder(f) => Ok(f.id),
        Record::File(f) if f.is_folder_link() => links(fs)
            .folders
            .get(&format!("dir_{}", f.special))
            .copied()
            .ok_or_else(|| {
                Error::Unsupported(format!(
                    "{}: the linked folder dir_{} is missing",
                    dir.name, f.special
                ))
            }),
        _ => Err(Error::Unsupported(format!("{} is not a folder", dir.name))),
    }
}

pub fn children(fs: &HfsFs, dir: &Node) -> Result<Vec<Node>> {
    if dir.kind != NodeKind::Dir {
        return Err(Error::Unsupported(format!("{} is not a folder", dir.name)));
    }
    let id = folder_id(fs, dir)?;
    let hidden: &[u32] = if id == catalog::ROOT {
        &links(fs).hidden
    } else {
        &[]
    };
    let mut out = Vec::new();
    let mut count = 0usize;
    let mut threads = 0usize;
    each_child(fs, id, &mut |position, key, data| {
        count += 1;
        if count > MAX_CHILDREN {
            fs.note(Diagnostic::warning(
                "hfs.folder-limit",
                format!("folder {id} lists more than {MAX_CHILDREN} items; the rest are not shown"),
            ));
            return false;
        }
        match Record::parse(fs.format, data) {
            Some(Record::Folder(f)) => {
                if !hidden.contains(&f.id) {
                    out.push(folder_node(fs, position, &key, &f));
                }
            }
            Some(Record::File(f)) => file_nodes(fs, position, &key, &f, &mut out),
            Some(Record::Thread(_)) => {
                threads += 1;
                if !key.raw.is_empty() || threads > 1 {
                    fs.note(Diagnostic::warning(
                        "hfs.thread-key",
                        format!("a thread record under folder {id} has a name in its key or is not the only one"),
                    ));
                }
            }
            None => fs.note(
                Diagnostic::warning(
                    "hfs.record",
                    format!(
                        "catalog record {} of node {} (in folder {id}) has an unknown type or is cut short",
                        position & 0xFFFF,
                        position >> 16
                    ),
                )
                .at(Location::None),
            ),
        }
        true
    })?;
    Ok(out)
}

/// The file a node reads from (a hard link's iNode) and which fork.
fn fork_of(fs: &HfsFs, node: &Node) -> Result<Arc<Fork>> {
    if let Ok(last) = fs.last_fork.lock()
        && let Some((id, fork)) = last.as_ref()
        && *id == node.id
    {
        return Ok(Arc::clone(fork));
    }
    let (_, record) = record_at(fs, node.id)?;
    let Record::File(file) = record else {
        return Err(Error::Unsupported(format!("{} is not a file", node.name)));
    };
    let rsrc = node.id & RSRC != 0;
    let (file, what) = match (rsrc, linked(fs, &file)) {
        (false, Some(Ok((_, inode)))) => (inode, "data fork"),
        (true, Some(Ok((_, inode)))) => (inode, "resource fork"),
        (true, _) => (file, "resource fork"),
        (false, _) => (file, "data fork"),
    };
    let start = if rsrc { &file.rsrc } else { &file.data };
    let fork = Arc::new(fs.resolve_fork(file.id, rsrc, start, &format!("{} ({what})", node.name)));
    if let Ok(mut last) = fs.last_fork.lock() {
        *last = Some((node.id, Arc::clone(&fork)));
    }
    Ok(fork)
}

pub fn read(fs: &HfsFs, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
    if file.kind == NodeKind::Dir {
        return Err(Error::Unsupported(format!("{} is a folder", file.name)));
    }
    let fork = fork_of(fs, file)?;
    fork.read(fs.source.as_ref(), &fs.geometry, offset, buf)
        .map_err(|e| Error::Unsupported(format!("{}: {e}", file.name)))
}

pub fn resource_fork(fs: &HfsFs, file: &Node) -> Option<Node> {
    if file.id & RSRC != 0 || file.kind == NodeKind::Dir {
        return None;
    }
    let (key, record) = record_at(fs, file.id).ok()?;
    let Record::File(f) = record else { return None };
    let mut nodes = Vec::new();
    file_nodes(fs, file.id, &key, &f, &mut nodes);
    nodes.into_iter().find(|n| n.id & RSRC != 0)
}

pub fn finder_info(fs: &HfsFs, file: &Node) -> Option<[u8; 32]> {
    match record_at(fs, file.id).ok()?.1 {
        Record::File(f) => match linked(fs, &f) {
            Some(Ok((_, inode))) => Some(inode.finder),
            _ => Some(f.finder),
        },
        Record::Folder(f) => Some(f.finder),
        Record::Thread(_) => None,
    }
}
