//! The corpus: every ISO against live isoinfo and xorriso (ignored unless
//! .ci/run asks).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::oracle::{
    check_el_torito, check_el_torito_fields, compare, ls_json, ours, parse_isoinfo, sha256,
};
use crate::support::{corpus_file, discscope};

// ---- corpus: every ISO against live isoinfo --------------------------------

fn isoinfo(args: &[&str], image: &Path) -> Option<Vec<u8>> {
    let out = Command::new("timeout")
        .arg("20")
        .arg("isoinfo")
        .args(args)
        .arg("-i")
        .arg(image)
        .output()
        .ok()?;
    (out.status.success() && !out.stdout.is_empty()).then_some(out.stdout)
}

/// Compares `ours` (an image discscope opens) with isoinfo on `cooked`
/// (the same filesystem as a 2048-byte-sector file).
fn corpus_compare(ours_image: &Path, cooked: &Path) {
    let name = ours_image.display().to_string();
    let img = ours_image.to_str().unwrap();
    let run = discscope(["ls", img, "-R", "-l"]);
    assert!(
        !run.stderr().contains("panicked"),
        "{name}: {}",
        run.stderr()
    );
    assert!(
        run.elapsed < Duration::from_secs(10),
        "{name}: took {:?}",
        run.elapsed
    );
    let Some(plain) = isoinfo(&["-l"], cooked) else {
        eprintln!("{name}: isoinfo cannot list it; only checked that we end cleanly");
        return;
    };
    let oracle = parse_isoinfo(&plain, true);
    compare(
        &name,
        &oracle,
        &ours(
            &ls_json(ours_image, &["--fs", "iso9660", "--raw-names"]),
            true,
        ),
        true,
    );
    if discscope(["ls", img, "--fs", "rockridge"]).code() == 0 {
        let rr = isoinfo(&["-R", "-l"], cooked).unwrap();
        let zisofs = discscope(["ls", img, "-R", "--json"])
            .stdout()
            .contains("zisofs");
        compare(
            &name,
            &parse_isoinfo(&rr, false),
            &ours(&ls_json(ours_image, &["--fs", "rockridge"]), false),
            !zisofs,
        );
    }
    if discscope(["ls", img, "--fs", "joliet"]).code() == 0 {
        let j = isoinfo(&["-J", "-l"], cooked).unwrap();
        compare(
            &name,
            &parse_isoinfo(&j, true),
            &ours(
                &ls_json(ours_image, &["--fs", "joliet", "--raw-names"]),
                true,
            ),
            true,
        );
    }
    // Bytes of every file (up to 300 per image).
    let mut dir = String::from("/");
    let text: String = plain.iter().map(|&b| char::from(b)).collect();
    let mut seen = BTreeSet::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("Directory listing of ") {
            dir = d.to_owned();
            continue;
        }
        if !line.starts_with('-') || seen.len() >= 300 {
            continue;
        }
        let Some((_, file)) = line.split_once("] ") else {
            continue;
        };
        let path = format!(
            "{dir}{}",
            file.trim_start_matches(' ').trim_end_matches(' ')
        );
        if !seen.insert(path.clone()) {
            continue;
        }
        let latin1: Vec<u8> = path.chars().map(|c| c as u32 as u8).collect();
        let want = Command::new("timeout")
            .arg("20")
            .arg("isoinfo")
            .arg("-i")
            .arg(cooked)
            .arg("-x")
            .arg(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&latin1))
            .output()
            .unwrap()
            .stdout;
        let got = discscope(["cat", img, &path, "--fs", "iso9660", "--raw-names"]);
        assert_eq!(got.code(), 0, "{name}: cat {path}: {}", got.stderr());
        assert!(
            got.output.stdout == want,
            "{name}: bytes of {path} differ ({} vs {})",
            got.output.stdout.len(),
            want.len()
        );
    }
}

fn corpus_isos() -> Vec<String> {
    let mut all = vec![
        "libcdio/test/data/copying.iso",
        "libcdio/test/data/copying-rr.iso",
        "libcdio/test/data/joliet.iso",
        "libcdio/test/data/deep-directory.iso",
        "libcdio/test/data/multi_extent_8k.iso",
        "libcdio/test/data/multi_extent_8k_joliet.iso",
        "libcdio/test/data/multi_extent_8k_emul_toc_padded.iso",
        "debian/memtest86+x64.iso.xz",
        "debian/grub-rescue-floppy.img.xz",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    for dir in ["libarchive", "util-linux/images-fs"] {
        for e in std::fs::read_dir(crate::support::corpus().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.contains(".iso") || (name.starts_with("iso") && name.contains(".img")) {
                all.push(format!("{dir}/{name}"));
            }
        }
    }
    all.sort();
    all
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_listings_and_bytes_match_isoinfo() {
    let scratch = tempfile::tempdir().unwrap();
    for rest in corpus_isos() {
        let path = corpus_file(&rest, scratch.path());
        corpus_compare(&path, &path);
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_broken_images_end_cleanly() {
    for rest in [
        "libcdio/test/data/bad-dir.iso",
        "libcdio/test/data/malformed.iso",
        "libcdio/test/data/malformed2.iso",
    ] {
        let path = crate::support::corpus().join(rest);
        for args in [
            vec!["ls", "-R", "-l"],
            vec!["ls", "-R", "--json", "--fs", "iso9660"],
        ] {
            let mut a = args.clone();
            a.insert(1, path.to_str().unwrap());
            let run = discscope(&a);
            assert!(
                run.code() == 0 || run.code() == 2,
                "{rest}: {}",
                run.stderr()
            );
            assert!(
                !run.stderr().contains("panicked"),
                "{rest}: {}",
                run.stderr()
            );
            assert!(run.elapsed < Duration::from_secs(2), "{rest}");
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_mode1_bin_cue_data_track() {
    // isoinfo reads only cooked images: cut the 2048-byte user data out of
    // the MODE1/2352 sectors for it.
    let scratch = tempfile::tempdir().unwrap();
    let corpus = crate::support::corpus();
    let bin = std::fs::read(corpus.join("libcdio/test/data/isofs-m1.bin")).unwrap();
    let cooked: Vec<u8> = bin
        .chunks(2352)
        .flat_map(|s| s[16..16 + 2048].to_vec())
        .collect();
    let iso_path = scratch.path().join("isofs-m1.iso");
    std::fs::write(&iso_path, cooked).unwrap();
    corpus_compare(&corpus.join("libcdio/test/data/isofs-m1.cue"), &iso_path);
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_memtest_el_torito_matches_xorriso() {
    let scratch = tempfile::tempdir().unwrap();
    let image = corpus_file("debian/memtest86+x64.iso.xz", scratch.path());
    el_torito_matches_xorriso(&image, scratch.path());
}

#[test]
#[ignore = "needs Debian's ipxe.iso in $DISCSCOPE_IPXE_ISO (.ci/run fetches it with apt-get download ipxe)"]
fn corpus_iso_ipxe_el_torito_matches_xorriso() {
    let image = std::env::var_os("DISCSCOPE_IPXE_ISO")
        .map(std::path::PathBuf::from)
        .expect("DISCSCOPE_IPXE_ISO names Debian's /usr/lib/ipxe/ipxe.iso");
    let scratch = tempfile::tempdir().unwrap();
    el_torito_matches_xorriso(&image, scratch.path());
}

/// El Torito entries equal `xorriso -report_el_torito plain`, and boot
/// images equal xorriso's extraction byte for byte.
fn el_torito_matches_xorriso(image: &std::path::Path, scratch: &std::path::Path) {
    let image = image.to_path_buf();
    let report = Command::new("timeout")
        .args(["20", "xorriso", "-indev"])
        .arg(&image)
        .args(["-report_el_torito", "plain"])
        .output()
        .unwrap();
    let boot = scratch.join("boot");
    std::fs::create_dir(&boot).unwrap();
    let status = Command::new("timeout")
        .args(["20", "xorriso", "-osirrox", "on", "-indev"])
        .arg(&image)
        .arg("-extract_boot_images")
        .arg(format!("{}/", boot.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut sums = String::new();
    for e in std::fs::read_dir(&boot).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("eltorito_img") {
            sums.push_str(&format!(
                "{}  {name}\n",
                sha256(&std::fs::read(&p).unwrap())
            ));
        }
    }
    let report = String::from_utf8_lossy(&report.stdout);
    check_el_torito(&image, &report, &sums);
    check_el_torito_fields(&image, &report);
}

/// blkid's `\xHH` escapes undone.
fn unescape_blkid(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\' && tail.first() == Some(&b'x') && tail.len() >= 3 {
            let hex = std::str::from_utf8(&tail[1..3]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[3..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_labels_equal_blkid() {
    let scratch = tempfile::tempdir().unwrap();
    let expected_dir = crate::support::corpus().join("util-linux/expected");
    let mut checked = 0;
    for entry in std::fs::read_dir(&expected_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(image) = name.strip_prefix("low-probe-") else {
            continue;
        };
        if !image.starts_with("iso") {
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        let label = expected
            .lines()
            .find_map(|l| l.strip_prefix("ID_FS_LABEL_ENC="))
            .map(unescape_blkid)
            .unwrap();
        let image = corpus_file(
            &format!("util-linux/images-fs/{image}.img.xz"),
            scratch.path(),
        );
        let info = crate::support::discscope(["info", "--json", image.to_str().unwrap()]).json();
        let views = info["filesystems"].as_array().unwrap();
        let label_of = |kind: &str| {
            views
                .iter()
                .find(|v| v["kind"] == kind)
                .map(|v| v["label"].as_str().unwrap().to_owned())
        };
        let iso = label_of("iso9660").unwrap();
        // blkid shows the Joliet label; when Joliet's 16 characters cut it
        // short, it completes it with the rest of the ISO 9660 label.
        let shown = match label_of("joliet") {
            Some(joliet) if joliet.chars().count() == 16 => {
                format!("{joliet}{}", iso.chars().skip(16).collect::<String>())
            }
            Some(joliet) => joliet,
            None => iso,
        };
        assert_eq!(shown, label, "{name}");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} ISO labels compared");
}
