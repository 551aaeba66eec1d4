//! The command line: arguments (`args`), one module per subcommand, and
//! the mapping from outcomes to exit codes (CLI.md).

mod args;
mod cat;
mod check;
mod convert;
mod extract;
mod fix;
mod info;
mod inspect;
mod interrupt;
mod locate;
mod ls;
mod mistyped;
mod open;
mod output;
mod sector;
mod structure;
mod subq;
mod tracks;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use args::{Cli, ColorChoice, Command, Fork, Form2Arg, TargetArg};
pub use output::Output;

/// What a command found, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing wrong.
    Clean,
    /// The command ran and found problems (exit 1).
    Problems,
}

pub fn main() -> ExitCode {
    let cli = match mistyped::parse_from(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    discscope::budget::set_factor(cli.budget);
    interrupt::install();
    let mut out = Output::stdout(cli.color);
    let result =
        run(cli, &mut out).and_then(|outcome| out.flush().map(|()| outcome).map_err(Into::into));
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let message = discscope::escape::escape(&describe(&error)).into_owned();
            let _ = writeln!(std::io::stderr(), "discscope: {message}");
            if is_cancelled(&error) {
                ExitCode::from(interrupt::EXIT_CODE)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

fn run(cli: Cli, out: &mut Output) -> anyhow::Result<Outcome> {
    open::set_options(discscope::container::OpenOptions {
        parent: cli.parent.clone(),
        ..Default::default()
    });
    match cli.command {
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "discscope", out);
            Ok(Outcome::Clean)
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(out)?;
            Ok(Outcome::Clean)
        }
        Some(Command::Demo { output }) => {
            let sheet = discscope::demo::write(&output)?;
            writeln!(out, "wrote the demo disc: {}", sheet.display())?;
            writeln!(out, "open it with: discscope {}", sheet.display())?;
            Ok(Outcome::Clean)
        }
        Some(Command::Info { image, json }) => info::run(&image, json, out),
        Some(Command::Tracks { image, json }) => tracks::run(&image, json, out),
        Some(Command::Ls {
            image,
            path,
            recursive,
            long,
            fs,
            raw_names,
            deleted,
            json,
        }) => ls::run(
            &image,
            path.as_deref(),
            recursive,
            long,
            fs.as_deref(),
            raw_names,
            deleted,
            json,
            out,
        ),
        Some(Command::Cat {
            image,
            path,
            fs,
            raw_names,
            fork,
            deleted,
        }) => cat::run(&image, &path, fs.as_deref(), raw_names, fork, deleted, out),
        Some(Command::Extract {
            image,
            paths,
            output,
            fs,
            raw_names,
            symlinks,
            unsafe_symlinks,
            force,
            resource_forks,
            deleted,
        }) => extract::run(
            &image,
            &paths,
            &output,
            fs.as_deref(),
            raw_names,
            discscope::extract::ExtractOptions {
                symlinks,
                unsafe_symlinks,
                force,
                resource_forks,
                deleted,
            },
            out,
        ),
        Some(Command::Locate { image, addr, json }) => locate::run(&image, &addr, json, out),
        Some(Command::Structure { image, addr, json }) => structure::run(&image, &addr, json, out),
        Some(Command::Sector {
            image,
            addr,
            count,
            annotate: true,
            ..
        }) => sector::annotate(&image, &addr, count, out),
        Some(Command::Sector {
            image,
            addr,
            count,
            repair,
            no_squeeze,
            json,
            ..
        }) => sector::run(
            &image,
            &addr,
            sector::SectorRequest {
                count,
                repair,
                json,
                squeeze: !no_squeeze,
            },
            out,
        ),
        Some(Command::Verify {
            image,
            track,
            repair_preview,
            json,
        }) => verify::run(&image, track, repair_preview, json, out),
        Some(Command::Check {
            sheet,
            json,
            explain,
        }) => check::run(sheet.as_deref(), json, explain.as_deref(), out),
        Some(Command::Fix {
            sheet,
            output,
            diff,
            in_place,
            from_data,
            force,
        }) => fix::run(
            &fix::Request {
                sheet: sheet.as_deref(),
                output: output.as_deref(),
                diff,
                in_place,
                from_data: from_data.as_deref(),
                force,
            },
            out,
        ),
        Some(Command::Convert {
            image,
            output,
            to,
            track,
            split,
            form2,
            swap,
            repair,
            verify,
            force,
            json,
        }) => convert::run(
            convert::Job {
                image: &image,
                output,
                options: discscope::convert::ConvertOptions {
                    target: to.map(|t| match t {
                        TargetArg::Cue => discscope::convert::ConvertTarget::Cue,
                        TargetArg::Iso => discscope::convert::ConvertTarget::Iso,
                        TargetArg::Wav => discscope::convert::ConvertTarget::Wav,
                        TargetArg::Toc => discscope::convert::ConvertTarget::Toc,
                    }),
                    split,
                    track,
                    form2: match form2 {
                        None => discscope::convert::Form2Policy::Refuse,
                        Some(Form2Arg::Skip) => discscope::convert::Form2Policy::Skip,
                        Some(Form2Arg::Raw) => discscope::convert::Form2Policy::Raw,
                    },
                    swap,
                    force,
                    verify,
                    repair,
                },
                json,
            },
            out,
        ),
        Some(Command::Merge {
            sheet,
            output,
            write:
                args::WriteFlags {
                    verify,
                    force,
                    json,
                },
        }) => convert::run(
            convert::Job {
                image: &sheet,
                output,
                options: discscope::convert::ConvertOptions {
                    target: Some(discscope::convert::ConvertTarget::Cue),
                    verify,
                    force,
                    ..Default::default()
                },
                json,
            },
            out,
        ),
        Some(Command::Split {
            sheet,
            output,
            write:
                args::WriteFlags {
                    verify,
                    force,
                    json,
                },
        }) => convert::run(
            convert::Job {
                output: convert::split_output(&sheet, &output)?,
                image: &sheet,
                options: discscope::convert::ConvertOptions {
                    target: Some(discscope::convert::ConvertTarget::Cue),
                    split: true,
                    verify,
                    force,
                    ..Default::default()
                },
                json,
            },
            out,
        ),
        None => inspect::run(cli.image, cli.color, cli.ascii),
    }
}

/// The error and its causes on one line, without repeating a cause that the
/// message above it already quotes (library errors include their source).
fn describe(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    // A sheet refused for its first error has more to say: the doctor
    // lists every finding.
    let sheet = error.chain().find_map(|cause| match cause.downcast_ref() {
        Some(discscope::Error::Sheet { path, .. }) => Some(path.clone()),
        Some(discscope::Error::Image { path, .. })
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("cue")) =>
        {
            Some(path.clone())
        }
        _ => None,
    });
    if let Some(path) = sheet {
        text.push_str(&format!(
            "; run `discscope check {}` for every finding",
            path.display()
        ));
    }
    text
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A write stopped by Ctrl-C (see `interrupt`).
fn is_cancelled(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<discscope::Error>(),
            Some(discscope::Error::Cancelled { .. })
        )
    })
}
