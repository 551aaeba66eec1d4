//! Writes the amplification images of issue 17 (FAT chains shared by
//! thousands of entries, GPT entries fanned out over one FAT32 volume, and
//! their ISO cousins) into a folder, for measuring the command line by
//! hand: `cargo run --example hostile_images -- DIR`. The integration
//! tests build the same bytes from the same generators.

// The generators are test code: they index and unwrap freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/integration/amplify/images.rs"]
mod images;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: hostile_images DIR");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in images::all() {
        std::fs::write(dir.join(name), &bytes)?;
        println!("{name:28} {:>9} bytes", bytes.len());
    }
    Ok(())
}
