//! The file set descriptor: the root of the file tree.
//!
//! Sources: ECMA-167 4/14.1, OSTA UDF 2.60 §2.3.2 (root directory ICB,
//! system stream directory ICB for UDF 2.00 and later, domain identifier).

use crate::structure::{Le16, Le32, Le32Hex, Reserved, declare};

use super::descriptor::DescriptorTag;
use super::extent::LongAdCodec;
use super::name::{Charspec, Dstring};
use super::regid::Regid;
use super::time::UdfTime;

declare! {
    /// The file set descriptor.
    pub struct Fsd = "File set descriptor", FileSet, "ECMA-167 4/14.1", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 256", "ECMA-167 3/7.2";
        16, 12 => recorded: UdfTime, "recording date and time", "";
        28, 2 => interchange: Le16, "interchange level", "3";
        30, 2 => max_interchange: Le16, "maximum interchange level", "3";
        32, 4 => charsets: Le32Hex, "character set list", "bit 0: CS0";
        36, 4 => max_charsets: Le32Hex, "maximum character set list", "";
        40, 4 => file_set_number: Le32, "file set number", "";
        44, 4 => descriptor_number: Le32, "file set descriptor number", "";
        48, 64 => lv_charset: Charspec, "logical volume identifier character set", "CS0";
        112, 128 => logical_volume_id: Dstring, "logical volume identifier", "";
        240, 64 => fs_charset: Charspec, "file set character set", "CS0";
        304, 32 => file_set_id: Dstring, "file set identifier", "the file set's name";
        336, 32 => copyright_id: Dstring, "copyright file identifier", "";
        368, 32 => abstract_id: Dstring, "abstract file identifier", "";
        400, 16 => root: LongAdCodec, "root directory ICB", "where the root directory's entry is";
        416, 32 => domain: Regid, "domain identifier", "*OSTA UDF Compliant with the UDF revision";
        448, 16 => next: LongAdCodec, "next extent", "a further file set descriptor sequence";
        464, 16 => system_stream: LongAdCodec, "system stream directory ICB", "UDF 2.00 and later: the volume's system streams";
        480, 32 => reserved: Reserved, "reserved", "zero";
    }
}
