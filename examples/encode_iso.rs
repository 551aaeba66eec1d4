//! Encodes a cooked ISO (2048-byte blocks) as raw sectors with discscope's
//! own encoder: sync, header, EDC and ECC. MODE1/2352 from LBA 0 by
//! default; `--mode2` writes mode 2 form 1 sectors (data subheader) and
//! `--start LBA` numbers the first one. The fixture scripts use it for
//! their raw data tracks, since no Debian tool writes one.
//!
//!     cargo run --example encode_iso -- [--mode2] [--start LBA] IN.iso OUT.bin

use std::io::{Read, Write};

use discscope::sector::encode;
use discscope::sector::subheader::Subheader;
use discscope::units::Lba;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut mode2 = false;
    let mut first = 0i64;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode2" => mode2 = true,
            "--start" => first = args.next().ok_or("--start needs an LBA")?.parse()?,
            _ => paths.push(arg),
        }
    }
    let [input, output] = paths.as_slice() else {
        return Err("usage: encode_iso [--mode2] [--start LBA] IN.iso OUT.bin".into());
    };
    let mut reader = std::io::BufReader::new(std::fs::File::open(input)?);
    let mut writer = std::io::BufWriter::new(std::fs::File::create(output)?);
    let mut iso = Vec::new();
    reader.read_to_end(&mut iso)?;
    let data = Subheader::from_bytes([0, 0, 0x08, 0]);
    for (i, chunk) in iso.chunks(2048).enumerate() {
        // The last block is padded with zeros.
        let mut block = [0u8; 2048];
        for (dst, src) in block.iter_mut().zip(chunk) {
            *dst = *src;
        }
        let lba = Lba(first + i64::try_from(i)?);
        let sector = if mode2 {
            encode::mode2_form1(lba, data, &block)?
        } else {
            encode::mode1(lba, &block)?
        };
        writer.write_all(&sector)?;
    }
    writer.flush()?;
    Ok(())
}
