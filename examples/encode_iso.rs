//! Encodes a cooked ISO (2048-byte blocks) as raw MODE1/2352 sectors from
//! LBA 0 with discscope's own encoder: sync, header, EDC and ECC. The cue
//! fixture script uses it for its MODE1/2352 data track, since no Debian
//! tool writes one.
//!
//!     cargo run --example encode_iso -- IN.iso OUT.bin

use std::io::{Read, Write};

use discscope::sector::encode;
use discscope::units::Lba;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: encode_iso IN.iso OUT.bin".into());
    };
    let mut reader = std::io::BufReader::new(std::fs::File::open(&input)?);
    let mut writer = std::io::BufWriter::new(std::fs::File::create(&output)?);
    let mut iso = Vec::new();
    reader.read_to_end(&mut iso)?;
    for (lba, chunk) in iso.chunks(2048).enumerate() {
        // The last block is padded with zeros.
        let mut block = [0u8; 2048];
        for (dst, src) in block.iter_mut().zip(chunk) {
            *dst = *src;
        }
        writer.write_all(&encode::mode1(Lba(i64::try_from(lba)?), &block)?)?;
    }
    writer.flush()?;
    Ok(())
}
