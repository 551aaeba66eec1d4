//! The command line: arguments (clap), one module per subcommand, and the
//! mapping from outcomes to exit codes (CLI.md).

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
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use output::Output;

/// Look inside CD, DVD and disk images: tracks, filesystems, raw sectors.
#[derive(Debug, Parser)]
#[command(
    name = "discscope",
    version,
    about,
    subcommand_negates_reqs = true,
    // clap's own reads `[IMAGE] <COMMAND>`, as if both could be given.
    override_usage = "discscope [OPTIONS] [IMAGE]\n       discscope [OPTIONS] <COMMAND>"
)]
pub struct Cli {
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Draw boxes with ASCII characters (for terminals without line drawing).
    #[arg(long, global = true)]
    pub ascii: bool,

    /// The parent of a delta CHD (without it, a .chd beside the image
    /// whose SHA-1 the image names is used).
    #[arg(long, value_name = "FILE", global = true)]
    pub parent: Option<PathBuf>,

    /// Multiply every work and memory budget of the image by N.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 1,
        value_parser = clap::value_parser!(u64).range(1..),
        long_help = BUDGET_HELP
    )]
    pub budget: u64,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// An image to open in the full-screen inspector.
    pub image: Option<PathBuf>,
}

/// `--budget`'s long help: the budgets and their defaults.
const BUDGET_HELP: &str = "Multiply every work and memory budget of the image by N (default 1).

Every image has a budget that no arrangement of its structures can \
exceed, so that a small hostile image cannot make a command run for \
minutes or fill memory. Defaults, for an image storing S bytes:
  sectors read        16,384 + 16 x the image's sectors
  entries visited     1,000,000 + 65,536 per MiB of S
  chain links         1,000,000 + 4,096 per MiB of S
  structures decoded  1,024 + 16 per MiB of S (volumes probed)
  bytes held          32 MiB + S (caches of image bytes)
A budget that runs out ends that walk or read with a finding naming it \
(budget.sectors, budget.entries, budget.links, budget.structures, \
budget.bytes); raise them with --budget 4, for instance.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What `convert --to` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Cue,
    Iso,
    Wav,
    Toc,
}

/// What an ISO does with a mode 2 form 2 sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Form2Arg {
    /// Leave it out.
    Skip,
    /// Write its 2324 bytes of user data.
    Raw,
}

/// A fork of an HFS file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Fork {
    Data,
    Rsrc,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff).
    Man,
    /// Write the built-in demo disc (a cue sheet and three tracks) into DIR.
    Demo {
        /// The folder to write into (created if needed; files are never overwritten).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Summarise an image: format, sessions, tracks, filesystems, diagnostics.
    Info {
        image: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// List sessions, tracks, indexes and pregaps.
    Tracks {
        image: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Dump raw sectors with their fields, header, subheader and EDC/ECC.
    Sector {
        image: PathBuf,
        /// LBA (`1234`, `-150`), absolute MSF (`00:02:00`) or byte offset (`0x1A2B00`).
        #[arg(allow_hyphen_values = true)]
        addr: String,
        /// How many consecutive sectors.
        #[arg(long, default_value_t = 1)]
        count: u64,
        /// Show how the sector's own parity would repair it (nothing is written).
        #[arg(long)]
        repair: bool,
        /// Print every row of the plain dump (colour off or piped), where
        /// runs of identical rows are otherwise one `*` line.
        #[arg(long)]
        no_squeeze: bool,
        /// A plain-text report for a bug report: the sector's place, owner
        /// and checks, the byte ADDR names explained, and the dump with
        /// each row's fields named (what `y` copies in the inspector).
        #[arg(long, conflicts_with_all = ["json", "repair"])]
        annotate: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Check EDC/ECC, sync, headers and subheaders of every data sector.
    Verify {
        image: PathBuf,
        /// Only this track (its number).
        #[arg(long)]
        track: Option<u8>,
        /// Say for each bad sector whether its parity can repair it.
        #[arg(long)]
        repair_preview: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// List files of a filesystem view.
    Ls {
        image: PathBuf,
        /// A directory or file in the view (default `/`).
        path: Option<String>,
        /// List subdirectories too.
        #[arg(short = 'R', long)]
        recursive: bool,
        /// Long listing under a header: mode as `ls -l` prints it, size,
        /// modification time and the first sector of the data.
        #[arg(short = 'l', long)]
        long: bool,
        /// The view: iso9660, joliet, rockridge, eltorito, udf, fat12/16/32, hfs, hfsplus...
        #[arg(long = "fs", value_name = "NAME")]
        fs: Option<String>,
        /// Keep ISO 9660 identifiers as recorded (`;1`, trailing dots).
        #[arg(long)]
        raw_names: bool,
        /// Also list deleted entries still on disk (FAT), marked as such.
        #[arg(long)]
        deleted: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Write a file's bytes to stdout.
    Cat {
        image: PathBuf,
        path: String,
        #[arg(long = "fs", value_name = "NAME")]
        fs: Option<String>,
        #[arg(long)]
        raw_names: bool,
        /// Which fork of an HFS file: its data (the default) or its resource fork.
        #[arg(long, value_enum, default_value_t = Fork::Data)]
        fork: Fork,
        /// Let PATH name a deleted entry still on disk (FAT).
        #[arg(long)]
        deleted: bool,
    },
    /// Copy files out of a filesystem view into a directory.
    Extract {
        image: PathBuf,
        /// Files or directories to extract (default: everything); each keeps
        /// its folder path under DIR, as `7z x` does.
        paths: Vec<String>,
        /// The target directory (created if missing; must be empty).
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: PathBuf,
        #[arg(long = "fs", value_name = "NAME")]
        fs: Option<String>,
        #[arg(long)]
        raw_names: bool,
        /// Recreate symlinks whose targets stay inside DIR (they are never
        /// followed); the others are refused and listed.
        #[arg(long)]
        symlinks: bool,
        /// Also recreate symlinks whose target is absolute or climbs out of
        /// DIR (implies --symlinks; nothing is written through them).
        #[arg(long)]
        unsafe_symlinks: bool,
        /// Write into a non-empty target.
        #[arg(long)]
        force: bool,
        /// Write HFS resource forks and Finder info as AppleDouble `._name` files.
        #[arg(long)]
        resource_forks: bool,
        /// Also write deleted entries still on disk (FAT).
        #[arg(long)]
        deleted: bool,
    },
    /// Every on-disk structure in or over a sector, field by field.
    Structure {
        image: PathBuf,
        /// LBA, mm:ss:ff, or 0xBYTEOFFSET (its field is marked).
        #[arg(allow_hyphen_values = true)]
        addr: String,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Say which file or structure owns a sector.
    Locate {
        image: PathBuf,
        /// LBA, mm:ss:ff, or 0xBYTEOFFSET.
        #[arg(allow_hyphen_values = true)]
        addr: String,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Check a cue sheet or cdrdao toc file: every problem with its line, column and help.
    Check {
        #[arg(required_unless_present = "explain")]
        sheet: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// Explain a diagnostic code (`list` lists them all).
        #[arg(long, value_name = "CODE")]
        explain: Option<String>,
    },
    /// Write an image in another shape: a cue sheet and bins, a cdrdao toc
    /// and bins, the user data of a data track (.iso), or an audio track
    /// (.wav).
    Convert {
        image: PathBuf,
        /// The output: OUT.cue or OUT.toc (bins are written beside it),
        /// OUT.iso, OUT.wav.
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// What to write, when OUT's extension does not say.
        #[arg(long, value_enum)]
        to: Option<TargetArg>,
        /// The track for an ISO (default: the first data track) or a WAV
        /// (default: the first audio track).
        #[arg(long, value_name = "N")]
        track: Option<u8>,
        /// One bin per track, named `OUT (Track 01).bin` as redump names them.
        #[arg(long)]
        split: bool,
        /// What an ISO does with a mode 2 form 2 sector (default: stop with an error).
        #[arg(long, value_enum)]
        form2: Option<Form2Arg>,
        /// Swap the bytes of each sample (for images stored big-endian).
        #[arg(long)]
        swap: bool,
        /// Write damaged mode 1 and form 1 sectors corrected by their own
        /// parity, and list every sector changed.
        #[arg(long)]
        repair: bool,
        /// Read the output back and compare it sector by sector (and the
        /// written sheet's tracks with the image's); nothing is renamed into
        /// place unless it reads back equal.
        #[arg(long)]
        verify: bool,
        /// Overwrite existing output files.
        #[arg(long)]
        force: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Merge a sheet's files into one bin with a new cue sheet (as binmerge does).
    Merge {
        sheet: PathBuf,
        #[arg(short, long, value_name = "OUT.cue")]
        output: PathBuf,
        /// Read the output back and compare it.
        #[arg(long)]
        verify: bool,
        /// Overwrite existing output files.
        #[arg(long)]
        force: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Split a sheet's tracks into one bin each, with a new cue sheet in DIR.
    Split {
        sheet: PathBuf,
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        /// Read the output back and compare it.
        #[arg(long)]
        verify: bool,
        /// Overwrite existing output files.
        #[arg(long)]
        force: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Write a corrected cue sheet (or one made from the data).
    Fix {
        #[arg(required_unless_present = "from_data")]
        sheet: Option<PathBuf>,
        /// Where to write the corrected sheet (never overwritten without --force).
        #[arg(short, long, value_name = "OUT.cue")]
        output: Option<PathBuf>,
        /// Print the change as a unified diff.
        #[arg(long)]
        diff: bool,
        /// Rewrite the sheet itself, keeping the original as SHEET.bak.
        #[arg(long)]
        in_place: bool,
        /// Write a sheet for a single raw image by scanning its sectors.
        #[arg(long, value_name = "IMAGE", conflicts_with_all = ["sheet", "in_place"])]
        from_data: Option<PathBuf>,
        /// Overwrite existing output files.
        #[arg(long)]
        force: bool,
    },
}

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
            verify,
            force,
            json,
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
            verify,
            force,
            json,
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
