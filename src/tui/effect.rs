//! Effects: the work `update` asks for and never does itself. The loop
//! carries them out (reading one sector here and now, everything else as a
//! background job that reports through the event channel); tests and
//! screenshots settle them on the spot.

use std::collections::VecDeque;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use crate::container::SheetAnalysis;
use crate::fs::Node;
use crate::inspect::hex::SectorView;
use crate::inspect::owners::OwnerIndex;
use crate::inspect::search::{self, Direction, Pattern};
use crate::inspect::tree;
use crate::tui::app::App;
use crate::tui::event::Event;
use crate::tui::job::{self, ExportSubject, JobKind, JobReport, Work};
use crate::units::Lba;

/// Work for the loop to do after an update.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Read the sector the hex pane is to show (one sector through the
    /// page cache).
    LoadSector(Lba),
    /// Read a directory's entries for the tree.
    ReadDirectory {
        view: usize,
        node: Node,
    },
    /// Read the directories on the way to a path of a view, then select it.
    Reveal {
        view: usize,
        path: String,
    },
    /// Search the image from a sector (and past or before a byte of it).
    Search {
        pattern: Pattern,
        from: (Lba, Option<usize>),
        direction: Direction,
    },
    CancelSearch,
    /// Verify every sector.
    Verify,
    /// Index which file or structure owns each sector.
    IndexOwners,
    /// Run the cue doctor over the sheet the image was opened from.
    Lint(Arc<SheetAnalysis>),
    /// Write a small file of the user's (a bookmark list, a report),
    /// creating its folder; `done` is the message on success.
    Write {
        path: PathBuf,
        bytes: Vec<u8>,
        done: Option<String>,
    },
    /// Write a track or file out to a path (the inspector's `x`).
    Export {
        subject: ExportSubject,
        path: PathBuf,
    },
    /// Offer text to the terminal's clipboard (OSC 52).
    Clipboard(String),
}

/// A job's kind, label and work, for the effects that are jobs.
fn job(effect: Effect, app: &App) -> Option<(JobKind, String, Work)> {
    Some(match effect {
        Effect::LoadSector(_)
        | Effect::CancelSearch
        | Effect::Write { .. }
        | Effect::Clipboard(_) => return None,
        Effect::ReadDirectory { view, node } => {
            let fs = Arc::clone(app.tree.views().get(view)?);
            let kind = JobKind::Directory(view, node.id);
            let work: Work = Box::new(move |_| JobReport::Children {
                view,
                dir: node.id,
                read: fs.children(&node).map_err(|e| e.to_string()),
            });
            (kind, "reading a directory".into(), work)
        }
        Effect::Reveal { view, path } => {
            let fs = Arc::clone(app.tree.views().get(view)?);
            let root = app.tree.root(view)?.clone();
            let work: Work = Box::new(move |_| JobReport::Revealed {
                view,
                dirs: tree::read_path(fs.as_ref(), &root, &path).map_err(|e| e.to_string()),
                path,
            });
            (JobKind::Reveal, "finding the owner".into(), work)
        }
        Effect::Search {
            pattern,
            from,
            direction,
        } => {
            let medium = Arc::clone(&app.medium);
            let label = format!("search {}", pattern.text);
            let work: Work = Box::new(move |context| {
                let hit = search::search(
                    &medium,
                    from,
                    direction,
                    &pattern,
                    context.cancel_flag(),
                    |done, total| context.progress(done, total),
                );
                JobReport::SearchDone {
                    pattern,
                    direction,
                    hit,
                }
            });
            (JobKind::Search, label, work)
        }
        Effect::Verify => {
            let medium = Arc::clone(&app.medium);
            let work: Work = Box::new(move |context| {
                let report = crate::sector::verify::verify_until(
                    &medium,
                    None,
                    &|done, total| context.progress(done, total),
                    context.cancel_flag(),
                );
                JobReport::VerifyDone(
                    report
                        .map(|r| {
                            let mut bad: Vec<Lba> = r.bad.iter().map(|b| b.lba).collect();
                            bad.sort();
                            job::Verified {
                                bad,
                                checked: r.good_sectors + r.bad_sectors,
                                unchecked: r.unchecked_sectors,
                            }
                        })
                        .map_err(|e| e.to_string()),
                )
            });
            (JobKind::Verify, "verify".into(), work)
        }
        Effect::IndexOwners => {
            let survey = Arc::clone(&app.survey);
            let work: Work = Box::new(move |_| {
                JobReport::OwnersDone(
                    OwnerIndex::build(&survey)
                        .map(Arc::new)
                        .map_err(|e| e.to_string()),
                )
            });
            (JobKind::Owners, "indexing owners".into(), work)
        }
        Effect::Export { subject, path } => {
            let label = format!("writing {}", path.display());
            let work: Work = match subject {
                ExportSubject::Track(number) => {
                    let medium = Arc::clone(&app.medium);
                    Box::new(move |context| {
                        JobReport::ExportDone(export_track(&medium, number, &path, context))
                    })
                }
                ExportSubject::File { view, node } => {
                    let fs = Arc::clone(app.tree.views().get(view)?);
                    Box::new(move |context| {
                        let written = crate::extract::extract_one(
                            fs.as_ref(),
                            &node,
                            &path,
                            false,
                            &|done, total| context.progress(done, total),
                            context.cancel_flag(),
                        );
                        JobReport::ExportDone(
                            written
                                .map(|bytes| format!("wrote {} ({bytes} bytes)", path.display()))
                                .map_err(|e| e.to_string()),
                        )
                    })
                }
            };
            (JobKind::Export, label, work)
        }
        Effect::Lint(sheet) => {
            // The rules read the data files, so off the UI thread.
            let work: Work = Box::new(move |_| {
                let mut report = crate::lint::check_sheet(&sheet);
                report.path = sheet.path().to_owned();
                JobReport::LintDone(Box::new(report))
            });
            (JobKind::Lint, "checking the sheet".into(), work)
        }
    })
}

/// Converts one track (its number) to `path`: an ISO or WAV by the
/// extension; a sheet there writes the whole disc.
fn export_track(
    medium: &crate::medium::Medium,
    number: u8,
    path: &std::path::Path,
    context: &job::Context,
) -> Result<String, String> {
    let options = crate::convert::ConvertOptions {
        track: Some(number),
        ..Default::default()
    };
    let progress = crate::convert::ConvertProgress {
        report: &|_, done, total| context.progress(done, total),
        cancel: context.cancel_flag(),
    };
    let report =
        crate::convert::convert(medium, path, &options, &progress).map_err(|e| e.to_string())?;
    let names: Vec<String> = report
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    Ok(format!(
        "wrote {} ({} bytes)",
        names.join(", "),
        report.bytes
    ))
}

/// Carries out effects for the running UI: a sector is read here, jobs
/// are started in the background and report through `tx`.
pub fn carry_out(app: &mut App, effects: Vec<Effect>, tx: &Sender<Event>) {
    run(
        app,
        effects,
        &mut |app, kind, label, work| {
            app.start_job(job::spawn(kind, label, work, tx.clone()));
            Vec::new()
        },
        &mut |text| {
            // Terminals that allow it put the text on the clipboard; the
            // rest ignore the sequence. Base64 keeps it free of controls.
            let mut out = std::io::stdout();
            let _ = write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()));
            let _ = out.flush();
        },
    );
}

/// Carries out effects to the end, jobs included, before returning: what
/// the UI would show once every job had reported (tests, screenshots).
pub fn settle(app: &mut App, effects: Vec<Effect>) {
    run(
        app,
        effects,
        &mut |app, kind, label, work| {
            let (handle, report) = job::run_here(kind, label, work);
            let id = handle.id;
            app.start_job(handle);
            app.job(id, report)
        },
        &mut |_| {},
    );
}

/// Carries out effects in order, handing each job to `start`, which
/// returns the effects its report asks for (none when it reports later).
fn run(
    app: &mut App,
    effects: Vec<Effect>,
    start: &mut dyn FnMut(&mut App, JobKind, String, Work) -> Vec<Effect>,
    clipboard: &mut dyn FnMut(&str),
) {
    let mut queue = VecDeque::from(effects);
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::LoadSector(lba) => {
                queue.extend(app.sector_loaded(SectorView::load(&app.medium, lba)))
            }
            Effect::CancelSearch => app.cancel_jobs(JobKind::Search),
            Effect::Write { path, bytes, done } => {
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&path, bytes));
                match (written, done) {
                    (Ok(()), Some(done)) => app.message = Some(done),
                    (Ok(()), None) => {}
                    (Err(error), _) => {
                        app.message = Some(format!("could not write {}: {error}", path.display()))
                    }
                }
            }
            Effect::Clipboard(text) => clipboard(&text),
            other => {
                if let Some((kind, label, work)) = job(other, app) {
                    queue.extend(start(app, kind, label, work));
                }
            }
        }
    }
}

/// Standard base64 (RFC 4648) with padding, for OSC 52.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol = |v: u32| char::from(ALPHABET.get((v & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(symbol(v >> 18));
        out.push(symbol(v >> 12));
        out.push(if chunk.len() > 1 { symbol(v >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(v) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(plain.as_bytes()), coded);
        }
    }
}
