//! `discscope cat IMAGE PATH [--fs NAME] [--fork data|rsrc]`: a file's bytes
//! (an HFS file's data or resource fork) on stdout.

use std::io::Write;
use std::path::Path;

use discscope::fs::{NodeKind, walk};

use super::{Fork, Outcome, Output};

pub fn run(
    image: &Path,
    path: &str,
    fs: Option<&str>,
    raw_names: bool,
    fork: Fork,
    deleted: bool,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    copy_out(image, path, fs, raw_names, fork, deleted, out)
        .map_err(|e| super::open::naming_image(image, e))
}

fn copy_out(
    image: &Path,
    path: &str,
    fs: Option<&str>,
    raw_names: bool,
    fork: Fork,
    deleted: bool,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let view = super::open::view(image, fs, raw_names)?;
    let fs = view.fs.as_ref();
    let node = walk::resolve(fs, path, deleted)?;
    if node.kind != NodeKind::File {
        anyhow::bail!("{path}: not a regular file ({})", node.kind.as_str());
    }
    let node = match fork {
        Fork::Data => node,
        Fork::Rsrc if fs.is_named_fork(&node) => node,
        Fork::Rsrc => fs.resource_fork(&node).ok_or_else(|| {
            anyhow::anyhow!("{path}: no resource fork (empty, or not an HFS file)")
        })?,
    };
    let mut buf = vec![0u8; 256 * 1024];
    let mut offset = 0u64;
    loop {
        let n = fs.read(&node, offset, &mut buf)?;
        if n == 0 {
            break;
        }
        out.write_all(buf.get(..n).unwrap_or_default())?;
        offset += n as u64;
    }
    super::open::warn(&fs.diagnostics());
    Ok(Outcome::Clean)
}
