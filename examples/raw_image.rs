//! Writes a raw MODE1/2352 image of pseudo-random user data with valid
//! sync, headers, EDC and ECC, plus its cue sheet: input for
//! `scripts/bench-verify.sh`.
//!
//!     cargo run --release --example raw_image -- OUT.bin SECTORS

use std::io::Write;

use discscope::sector::encode;
use discscope::units::Lba;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(out), Some(count)) = (args.next(), args.next()) else {
        return Err("usage: raw_image OUT.bin SECTORS".into());
    };
    let count: i64 = count.parse()?;
    let path = std::path::Path::new(&out);
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut state = 0x853c_49e6_748f_ea9bu64;
    let mut user = [0u8; 2048];
    for lba in 0..count {
        for chunk in user.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        file.write_all(&encode::mode1(Lba(lba), &user)?)?;
    }
    file.flush()?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("OUT needs a file name")?;
    std::fs::write(
        path.with_extension("cue"),
        format!("FILE \"{name}\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n"),
    )?;
    Ok(())
}
