//! The command line as a new user meets it (issue 11): errors that name the
//! image, listings that say what their columns are, and mistakes answered
//! with the likely intent.

use std::path::{Path, PathBuf};

use crate::support::{discscope, fixture};

/// The demo disc written into `dir`, and its sheet.
fn demo(dir: &Path) -> PathBuf {
    discscope::demo::write(dir).unwrap()
}

/// Every way `sector` and `cat` can fail ends with one line naming the image.
#[test]
fn sector_and_cat_errors_name_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = demo(dir.path());
    let sheet = sheet.to_str().unwrap();
    let missing = dir.path().join("missing.iso");
    let missing = missing.to_str().unwrap();
    let cases: [&[&str]; 10] = [
        &["sector", missing, "0"],
        &["sector", sheet, "99999"],
        &["sector", sheet, "xyz"],
        &["sector", sheet, "0x99999999"],
        &["sector", sheet, "-151"],
        &["cat", missing, "/README.TXT"],
        &["cat", sheet, "/nothere"],
        &["cat", sheet, "/"],
        &["cat", sheet, "/README.TXT", "--fs", "fat12"],
        &["cat", sheet, "/README.TXT/x"],
    ];
    for args in cases {
        let run = discscope(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stdout());
        let image = args[1];
        assert!(
            run.stderr().starts_with(&format!("discscope: {image}: ")),
            "{args:?}: {}",
            run.stderr()
        );
        assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
        assert!(
            !run.stderr().contains(&format!("{image}: {image}")),
            "named once: {}",
            run.stderr()
        );
    }
}

/// `info` names each container format, in text and JSON, whichever file of
/// a CloneCD set is given.
#[test]
fn info_names_imz_and_ccd() {
    let cases = [
        ("disk/floppy.imz", "imz", "zipped disk image (.imz)"),
        (
            "ccd/good/data.ccd",
            "ccd",
            "CloneCD image (.ccd, .img, .sub)",
        ),
        (
            "ccd/good/data.img",
            "ccd",
            "CloneCD image (.ccd, .img, .sub)",
        ),
        ("iso/rich.iso", "iso", "ISO image (2048-byte sectors)"),
    ];
    for (file, format, described) in cases {
        let image = fixture(file);
        let json = discscope(["info".as_ref(), image.as_os_str(), "--json".as_ref()]).json();
        assert_eq!(json["format"], format, "{file}");
        let text = discscope(["info".as_ref(), image.as_os_str()]).stdout();
        let line = text.lines().find(|l| l.starts_with("format")).unwrap();
        assert_eq!(line, format!("format      {described}"), "{file}");
    }
}

/// `ls -l`: a header naming each column, modes as `ls` prints them, and the
/// start sector under its label; `--json` keeps CLI.md's fields.
#[test]
fn ls_long_has_a_header_and_ls_modes() {
    let image = fixture("iso/rich.iso");
    let image = image.to_str().unwrap();
    let text = discscope(["ls", image, "-l"]).stdout();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(columns, ["mode", "size", "modified", "start", "name"]);
    let hello = text.lines().find(|l| l.ends_with(" hello.txt")).unwrap();
    assert!(hello.starts_with("-rw-r--r-- "), "{hello}");
    // The start sector sits under "start", right-aligned like the label.
    let start_end = header.find("start").unwrap() + "start".len();
    assert_eq!(&hello[start_end - 3..start_end], "143", "{header}\n{hello}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("drwxr-xr-x ") && l.ends_with(" docs")),
        "{text}"
    );
    assert!(text.contains("lrwxrwxrwx"), "{text}");
    // Plain ISO 9660 records no permissions: `-` in every field, never the
    // old five-character `d----`.
    let plain = discscope(["ls", image, "-l", "--fs", "iso9660"]).stdout();
    for line in plain.lines().skip(1) {
        let mode = line.split_whitespace().next().unwrap();
        assert!(mode == "d---------" || mode == "----------", "{line}");
    }
    // JSON: the contract's fields, mode in octal or null.
    let json = discscope(["ls", image, "-R", "--json"]).json();
    assert_eq!(json["filesystem"], "rockridge");
    let entries = json["entries"].as_array().unwrap();
    let hello = entries.iter().find(|e| e["path"] == "/hello.txt").unwrap();
    for field in [
        "path", "kind", "size", "lba", "extents", "mtime", "mode", "target",
    ] {
        assert!(hello.get(field).is_some(), "{field} missing: {hello}");
    }
    assert_eq!(hello["mode"], "0644");
    assert_eq!(hello["lba"], 143);
    let plain = discscope(["ls", image, "--fs", "iso9660", "--json"]).json();
    assert!(plain["entries"][0]["mode"].is_null(), "{plain}");
}

/// `locate` names the file and which of its bytes the sector holds, in
/// text and JSON, on CD (2048-byte) and floppy (512-byte) sectors, and says
/// when the bytes are zisofs-compressed.
#[test]
fn locate_gives_the_offset_inside_the_file() {
    let rich = fixture("iso/rich.iso");
    let rich = rich.to_str().unwrap();
    // /docs/long.txt: 84,000 bytes from sector 99.
    let text = discscope(["locate", rich, "101"]).stdout();
    assert!(
        text.contains("/docs/long.txt (rockridge), bytes 4096-6143"),
        "{text}"
    );
    let json = discscope(["locate", rich, "140", "--json"]).json();
    let owner = json["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["filesystem"] == "rockridge")
        .unwrap();
    assert_eq!(owner["path"], "/docs/long.txt");
    assert_eq!(owner["offset"], 83_968);
    assert_eq!(owner["length"], 32, "the last sector holds the tail");
    assert_eq!(owner["compressed"], false);
    // Structures carry no offset.
    let json = discscope(["locate", rich, "16", "--json"]).json();
    assert!(json["owners"][0]["offset"].is_null(), "{json}");
    // FAT on a floppy: 512-byte sectors.
    let floppy = fixture("disk/floppy.imz");
    let text = discscope(["locate", floppy.to_str().unwrap(), "25"]).stdout();
    assert!(
        text.contains("/Documents/binary.dat (fat12), bytes 512-1023"),
        "{text}"
    );
    // zisofs: the offset counts through the compressed data.
    let zisofs = fixture("iso/zisofs.iso");
    let text = discscope(["locate", zisofs.to_str().unwrap(), "56"]).stdout();
    assert!(
        text.contains("/big.txt (rockridge), compressed bytes 2048-4095"),
        "{text}"
    );
}

/// `discscope IMAGE | cat`: a missing image is reported before the
/// complaint that the inspector needs a terminal.
#[test]
fn inspector_names_a_missing_image_first() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nonexist.iso");
    let run = discscope([missing.as_os_str()]);
    assert_eq!(run.code(), 2);
    assert_eq!(
        run.stderr().trim_end(),
        format!(
            "discscope: {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
    // An image that is there, on a pipe: the terminal is what is missing.
    let run = discscope([fixture("iso/rich.iso")]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("needs a terminal"),
        "{}",
        run.stderr()
    );
}

/// A mistyped subcommand is answered as one, with the likely command; a
/// word that is like none and stands alone is an image that is not there;
/// a file of that name is opened, not corrected.
#[test]
fn mistyped_subcommands_get_a_suggestion() {
    let run = discscope(["sectr", "x.iso", "0"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("unrecognized subcommand 'sectr'")
            && run
                .stderr()
                .contains("a similar subcommand exists: 'sector'"),
        "{}",
        run.stderr()
    );
    let run = discscope(["trakcs"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("'tracks'"), "{}", run.stderr());
    // Like no command, but followed by an image: still not an image.
    let run = discscope(["serach", "x.iso"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("unrecognized subcommand 'serach'"),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains("similar"), "{}", run.stderr());
    // The usage no longer offers an image and a command together.
    assert!(
        run.stderr()
            .contains("discscope [OPTIONS] [IMAGE]\n       discscope [OPTIONS] <COMMAND>"),
        "{}",
        run.stderr()
    );
    // Global options go before a subcommand as well as after it.
    let run = discscope([
        "--color=never".as_ref(),
        "tracks".as_ref(),
        fixture("sector/videocd.cue").as_os_str(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    // A lone word like no command is an image that is not there.
    let run = discscope(["holiday"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().starts_with("discscope: holiday: No such file"),
        "{}",
        run.stderr()
    );
    // A file with a command-like name is an image.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("iso/rich.iso"), dir.path().join("trakcs")).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_discscope"))
        .arg("trakcs")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
}

/// `tracks` lists every index of every track, its LBA under `start` and
/// its MSF under `msf`; `info` keeps the one-line-per-track summary.
#[test]
fn tracks_lists_each_index() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = demo(dir.path());
    let text = discscope(["tracks".as_ref(), sheet.as_os_str()]).stdout();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines[0];
    let start_end = header.find("start").unwrap() + "start".len();
    let msf_at = header.find("msf").unwrap();
    let track3 = lines.iter().position(|l| l.starts_with("  3 ")).unwrap();
    assert_eq!(
        &lines[track3 + 1..track3 + 3],
        [
            "          index 00               263  00:05:38",
            "          index 01               413  00:07:38"
        ],
        "{text}"
    );
    let index = lines[track3 + 1];
    assert_eq!(&index[start_end - 3..start_end], "263", "{text}");
    assert_eq!(&index[msf_at..msf_at + 8], "00:05:38", "{text}");
    // The track rows line up too (an LBA is padded like any number).
    assert_eq!(&lines[track3][start_end - 3..start_end], "413", "{text}");
    let indexes = text.lines().filter(|l| l.contains("index 0")).count();
    assert_eq!(indexes, 4, "one per index of the three tracks: {text}");
    let info = discscope(["info".as_ref(), sheet.as_os_str()]).stdout();
    assert!(!info.contains("index 0"), "{info}");
}

/// GPT listings: the type column is as wide as its longest entry, so the
/// partition names start in one column, under "name", two spaces after
/// the longest type.
#[test]
fn partition_types_and_names_do_not_run_together() {
    let dir = tempfile::tempdir().unwrap();
    let image = crate::disk::gunzip(&fixture("disk/hybrid-gpt.iso.gz"), dir.path());
    let text = discscope(["info".as_ref(), image.as_os_str()]).stdout();
    let mut rows = text.lines().skip_while(|l| !l.contains("scheme"));
    let header = rows.next().unwrap();
    let name_at = header.find("name").unwrap();
    let rows: Vec<&str> = rows.take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 2, "{text}");
    for (row, name) in rows.iter().zip(["Gap0", "Appended2"]) {
        assert_eq!(&row[name_at..], name, "{text}");
        assert!(row[..name_at].ends_with("  "), "{text}");
    }
    assert!(
        rows[0].contains("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 Microsoft basic data  Gap0"),
        "{text}"
    );
    // MBR rows carry no name and no trailing blanks.
    let image = crate::disk::gunzip(&fixture("disk/mbr32.img.gz"), dir.path());
    let text = discscope(["info".as_ref(), image.as_os_str()]).stdout();
    assert!(text.contains("0x0c W95 FAT32 (LBA)\n"), "{text}");
}

/// Every file under `dir`, relative, sorted (symlinks not followed).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            out.push(e.path().strip_prefix(dir).unwrap().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// `extract IMG /docs/long.txt -o DIR` writes DIR/docs/long.txt, as `7z x`
/// does; a directory keeps its own name too; the folders take the names
/// the image gives them whatever case the path was typed in.
#[test]
fn extract_keeps_the_folder_path() {
    let image = fixture("iso/rich.iso");
    let image = image.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("one");
    let run = discscope([
        "extract",
        image,
        "/DOCS/long.txt",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(tree(&out), ["docs", "docs/long.txt"]);
    assert_eq!(
        std::fs::metadata(out.join("docs/long.txt")).unwrap().len(),
        84_000
    );
    // A directory, and a file beside it from another folder.
    let out = dir.path().join("two");
    let run = discscope([
        "extract",
        image,
        "/deep/level1/level2",
        "/hello.txt",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let written = tree(&out);
    assert!(written.contains(&"hello.txt".to_owned()), "{written:?}");
    assert!(
        written
            .iter()
            .any(|p| p.starts_with("deep/level1/level2/level3/")),
        "{written:?}"
    );
    assert!(
        !written.iter().any(|p| p.starts_with("level3")),
        "{written:?}"
    );
    // The folders above carry their dates too.
    let level1 = std::fs::metadata(out.join("deep/level1")).unwrap();
    let secs = level1
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(secs, 1_700_000_000);
    // Everything: the view's root fills DIR itself.
    let out = dir.path().join("all");
    let run = discscope(["extract", image, "-o", out.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(out.join("docs/long.txt").is_file());
}

/// Where the symlink at `path` points, if it is one.
fn link_target(path: &Path) -> Option<String> {
    std::fs::read_link(path)
        .ok()
        .map(|t| t.display().to_string())
}

/// `extract --symlinks` makes links that stay inside DIR and refuses the
/// rest, naming each with why and counting them in the summary;
/// `--unsafe-symlinks` makes those too. Nothing lands outside DIR.
#[test]
fn extract_refuses_links_that_leave_the_folder() {
    let image = fixture("iso/rich.iso");
    let image = image.to_str().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("safe");
    let run = discscope(["extract", image, "-o", out.to_str().unwrap(), "--symlinks"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        link_target(&out.join("links/rel")).as_deref(),
        Some("../hello.txt")
    );
    assert_eq!(
        link_target(&out.join("readme-link")).as_deref(),
        Some("docs/README")
    );
    assert_eq!(
        link_target(&out.join("links/dangling")).as_deref(),
        Some("nowhere/at/all")
    );
    assert!(std::fs::symlink_metadata(out.join("links/abs")).is_err());
    assert_eq!(
        run.stderr().trim_end(),
        "discscope: refused symlink /links/abs -> /etc/passwd: absolute target (--unsafe-symlinks makes it)"
    );
    assert!(
        run.stdout().contains("3 symlinks into") && run.stdout().ends_with("1 symlink refused\n"),
        "{}",
        run.stdout()
    );
    // Asked for by its own name, the link is made; nothing is written
    // through it.
    let out = scratch.path().join("unsafe");
    let run = discscope([
        "extract",
        image,
        "-o",
        out.to_str().unwrap(),
        "--unsafe-symlinks",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        link_target(&out.join("links/abs")).as_deref(),
        Some("/etc/passwd")
    );
    assert!(!run.stdout().contains("refused"), "{}", run.stdout());
    assert_eq!(
        tree(scratch.path())
            .iter()
            .filter(|p| !p.starts_with("safe") && !p.starts_with("unsafe"))
            .count(),
        0
    );
    // A link extracted on its own keeps its folder, so `..` still lands
    // inside DIR.
    let out = scratch.path().join("one");
    let run = discscope([
        "extract",
        image,
        "/links/rel",
        "-o",
        out.to_str().unwrap(),
        "--symlinks",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        link_target(&out.join("links/rel")).as_deref(),
        Some("../hello.txt")
    );
}

/// `sector --annotate` is the inspector's copy-out: the byte a byte offset
/// names explained, and pretty-hex rows with their fields in a margin.
#[test]
fn sector_annotate_explains_the_byte_and_names_fields() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = demo(dir.path());
    let run = discscope(["sector", sheet.to_str().unwrap(), "0x9338", "--annotate"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    assert!(
        text.contains("in        Primary volume descriptor"),
        "{text}"
    );
    assert!(
        text.contains("field     volume identifier [40..72)"),
        "{text}"
    );
    assert!(
        text.contains("0030:   20 20 20 20 20 20 20 20  44 49 53 43 53 43 4f 50           DISCSCOP  <- cursor at 0x38, volume identifier"),
        "{text}"
    );
    assert!(text.contains("0000:   00 ff ff ff ff ff ff ff  ff ff ff 00 00 02 16 01   ................  sync, header"), "{text}");
    let conflict = discscope([
        "sector",
        sheet.to_str().unwrap(),
        "16",
        "--annotate",
        "--json",
    ]);
    assert_eq!(conflict.code(), 2);
}
