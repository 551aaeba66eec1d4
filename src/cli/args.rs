//! The command line's grammar: the options and subcommands clap parses
//! (CLI.md lists them); `cli` runs what they ask for.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Split a sheet's tracks into one bin each, with a new cue sheet in DIR.
    Split {
        sheet: PathBuf,
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        #[command(flatten)]
        write: WriteFlags,
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

/// How a command that writes a sheet and its bins may write them.
#[derive(Debug, Args)]
pub struct WriteFlags {
    /// Read the output back and compare it.
    #[arg(long)]
    pub verify: bool,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}
