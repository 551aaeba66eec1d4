//! Reading a conversion back: the written bytes against the image's
//! sectors shaped again, and a written sheet's track table against the
//! image's.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::layout::keeps_pregap;
use super::stream::Sink;
use crate::container::cue::sheet::CD_TEXT_FIELDS;
use crate::error::{Error, Result};
use crate::medium::{Medium, Track};

/// Compares what a conversion would write with a file written.
pub(crate) struct Compare {
    reader: BufReader<File>,
    path: PathBuf,
    at: u64,
    first_difference: Option<u64>,
    short: bool,
    buf: Vec<u8>,
}

impl Compare {
    /// Compares with the file at `written`, named `path` in findings.
    pub fn open(written: &Path, path: &Path) -> Result<Compare> {
        let file = File::open(written).map_err(|e| Error::io(path, e))?;
        Ok(Compare {
            reader: BufReader::with_capacity(1 << 20, file),
            path: path.to_owned(),
            at: 0,
            first_difference: None,
            short: false,
            buf: Vec::new(),
        })
    }

    /// What differed: nothing, or one finding naming the first byte.
    pub fn finish(mut self) -> Result<Vec<String>> {
        let mut extra = [0u8; 1];
        let longer = self
            .reader
            .read(&mut extra)
            .map_err(|e| Error::io(&self.path, e))?
            > 0;
        let name = self.path.display();
        Ok(match (self.first_difference, self.short, longer) {
            (Some(at), _, _) => vec![format!("{name}: byte {at:#x} differs from the image")],
            (None, true, _) => vec![format!("{name}: ends at byte {:#x}, early", self.at)],
            (None, false, true) => vec![format!(
                "{name}: longer than the {} bytes expected",
                self.at
            )],
            (None, false, false) => Vec::new(),
        })
    }
}

impl Sink for Compare {
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        if self.short || self.first_difference.is_some() {
            return Ok(());
        }
        self.buf.resize(bytes.len(), 0);
        if let Err(e) = self.reader.read_exact(&mut self.buf) {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.short = true;
                return Ok(());
            }
            return Err(Error::io(&self.path, e));
        }
        if self.buf != bytes {
            let i = self
                .buf
                .iter()
                .zip(bytes)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            self.first_difference = Some(self.at + i as u64);
        }
        self.at += bytes.len() as u64;
        Ok(())
    }
}

/// A track as the track table compares it: everything but where its
/// bytes are stored (file names and offsets change by design).
/// `stored`: whether the pregap is (to be) stored in the bin; an INDEX 00
/// is only a sheet's where it is.
fn shape(t: &Track, stored: bool) -> String {
    let indexes: Vec<String> = t
        .indexes
        .iter()
        .filter(|i| i.number != 0 || stored)
        .map(|i| format!("{:02}@{}", i.number, i.lba))
        .collect();
    // An unstored pregap before LBA 0 is the lead-in's gap: a cue sheet
    // counts it in the first track's pregap, a toc file does not.
    let pregap = if stored {
        t.pregap
    } else {
        t.pregap.min(u64::try_from(t.start.0).unwrap_or(0))
    };
    format!(
        "session {} {} start {} pregap {}{} length {} postgap {} indexes [{}] flags [{}] isrc {} cd-text {:?}",
        t.session,
        t.mode,
        t.start,
        pregap,
        match (pregap, stored) {
            (0, _) => "",
            (_, true) => " stored",
            (_, false) => " not stored",
        },
        t.length,
        t.postgap,
        indexes.join(" "),
        t.flags.names().join(" "),
        t.isrc.as_deref().unwrap_or("-"),
        // What both sheets can carry as CD-TEXT (the rest a cue keeps as REM).
        t.cd_text
            .fields
            .iter()
            .filter(|(f, _)| CD_TEXT_FIELDS.contains(&f.as_str()))
            .collect::<Vec<_>>(),
    )
}

/// How the track table of `written` differs from that of `source` (as a
/// sheet can hold it: a first track's pregap before LBA 0 unstored).
pub(crate) fn tracks_differ(source: &Medium, written: &Medium) -> Vec<String> {
    let mut findings = Vec::new();
    if source.tracks.len() != written.tracks.len() {
        findings.push(format!(
            "{} tracks written where the image has {}",
            written.tracks.len(),
            source.tracks.len()
        ));
    }
    for (a, b) in source.tracks.iter().zip(&written.tracks) {
        let (a_shape, b_shape) = (shape(a, keeps_pregap(a)), shape(b, b.pregap_in_file));
        if a.number != b.number || a_shape != b_shape {
            findings.push(format!(
                "track {}: the image has {a_shape}; the written sheet has track {} {b_shape}",
                a.number, b.number
            ));
        }
    }
    if source.catalog != written.catalog {
        findings.push(format!(
            "catalog {:?} written as {:?}",
            source.catalog, written.catalog
        ));
    }
    findings
}
