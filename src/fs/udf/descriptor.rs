//! The volume descriptors of a volume descriptor sequence: primary,
//! implementation use, partition, logical volume, unallocated space,
//! pointer and terminating descriptors.
//!
//! Sources: ECMA-167 3/10.1 (primary), 3/10.3 (pointer), 3/10.4
//! (implementation use), 3/10.5 (partition, with the partition header
//! descriptor of 4/14.3 in its contents use), 3/10.6 (logical volume),
//! 3/10.8 (unallocated space), 3/10.9 (terminating); OSTA UDF 2.60 §2.2.2
//! to §2.2.7 (what UDF records in each, the "*UDF LV Info" implementation
//! use volume descriptor).

use crate::structure::{
    Bytes, Codec, Field, Le16, Le16Hex, Le32, Le32Hex, Reserved, Structure, Value, declare,
};

use super::extent::{ExtentAdCodec, LongAdCodec};
use super::name::{Charspec, Dstring};
use super::regid::Regid;
use super::tag::{self, Checked};
use super::time::UdfTime;

/// The tag as one field of a declaration; [`expand_tag`] shows its parts.
#[derive(Clone, Copy, Debug)]
pub struct DescriptorTag;

impl Codec for DescriptorTag {
    type Out = ();
    const WIDTH: Option<usize> = Some(16);
    fn decode(_raw: &[u8]) {}
    fn value(raw: &[u8]) -> Value {
        let id = super::extent::le16(raw, 0);
        Value::Text(format!("identifier {id}: {}", tag::name(id)))
    }
}

/// Replaces a structure's one "descriptor tag" field with the tag's own
/// fields, each check's result noted on its field.
pub fn expand_tag(structure: &mut Structure, bytes: &[u8], checked: &Checked, expected: u64) {
    let mut fields: Vec<Field> = tag::Tag::LAYOUT.fields(bytes);
    let expected = u32::try_from(expected).unwrap_or(u32::MAX);
    if !checked.checksum_ok {
        note(
            &mut fields,
            "tag checksum",
            format!("bad: computed {:#04x}", tag::checksum(bytes)),
        );
    }
    match checked.crc_ok {
        Some(false) => {
            let end = tag::LEN + usize::from(checked.tag.crc_length);
            let computed = bytes
                .get(tag::LEN..end)
                .map_or(0, |b| tag::CRC16.checksum(b));
            note(
                &mut fields,
                "descriptor CRC",
                format!("bad: computed {computed:#06x}"),
            );
        }
        None => note(
            &mut fields,
            "descriptor CRC length",
            "runs past the descriptor".to_owned(),
        ),
        Some(true) => {}
    }
    if !checked.location_ok {
        note(
            &mut fields,
            "tag location",
            format!("bad: read from block {expected}"),
        );
    }
    if let Some(id) = fields.iter_mut().find(|f| f.name == "tag identifier") {
        id.note = Some(tag::name(checked.tag.id).to_owned());
    }
    structure
        .fields
        .retain(|f| !(f.offset == 0 && f.name == "descriptor tag"));
    fields.append(&mut structure.fields);
    structure.fields = fields;
}

fn note(fields: &mut [Field], name: &str, text: String) {
    if let Some(f) = fields.iter_mut().find(|f| f.name == name) {
        f.note = Some(text);
    }
}

declare! {
    /// The primary volume descriptor.
    pub struct Pvd = "Primary volume descriptor", VolumeDescriptor, "ECMA-167 3/10.1", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 1", "ECMA-167 3/7.2";
        16, 4 => sequence: Le32, "volume descriptor sequence number", "the highest number of each kind is the one in force";
        20, 4 => number: Le32, "primary volume descriptor number", "which primary descriptor";
        24, 32 => volume_id: Dstring, "volume identifier", "the volume's name (blkid's LABEL of older versions)";
        56, 2 => volume_sequence: Le16, "volume sequence number", "this volume's place in its set";
        58, 2 => max_volume_sequence: Le16, "maximum volume sequence number", "volumes in the set (UDF: 1)";
        60, 2 => interchange: Le16, "interchange level", "2 for a single volume, 3 for a set";
        62, 2 => max_interchange: Le16, "maximum interchange level", "";
        64, 4 => charsets: Le32Hex, "character set list", "bit 0: CS0";
        68, 4 => max_charsets: Le32Hex, "maximum character set list", "bit 0: CS0";
        72, 128 => volume_set: Dstring, "volume set identifier", "the first 16 characters should be unique (UDF 2.60 §2.2.2.5)";
        200, 64 => descriptor_charset: Charspec, "descriptor character set", "CS0 OSTA Compressed Unicode";
        264, 64 => explanatory_charset: Charspec, "explanatory character set", "";
        328, 8 => abstract_extent: ExtentAdCodec, "volume abstract", "an extent holding the abstract";
        336, 8 => copyright_extent: ExtentAdCodec, "volume copyright notice", "an extent holding the notice";
        344, 32 => application: Regid, "application identifier", "the application that recorded the volume";
        376, 12 => recorded: UdfTime, "recording date and time", "when the volume was recorded";
        388, 32 => implementation: Regid, "implementation identifier", "the implementation that recorded it";
        420, 64 => implementation_use: Bytes, "implementation use", "";
        484, 4 => predecessor: Le32, "predecessor volume descriptor sequence location", "";
        488, 2 => flags: Le16Hex, "flags", "bit 0: the volume set identifier is common to the set";
        490, 22 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// The implementation use volume descriptor (UDF's "*UDF LV Info").
    pub struct Iuvd = "Implementation use volume descriptor", VolumeDescriptor, "ECMA-167 3/10.4; UDF 2.60 §2.2.7", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 4", "ECMA-167 3/7.2";
        16, 4 => sequence: Le32, "volume descriptor sequence number", "";
        20, 32 => implementation: Regid, "implementation identifier", "*UDF LV Info for UDF's logical volume information";
        52, 64 => lvi_charset: Charspec, "LVI character set", "CS0";
        116, 128 => logical_volume_id: Dstring, "logical volume identifier", "the logical volume's name";
        244, 36 => info1: Dstring, "LV info 1", "free text (owner)";
        280, 36 => info2: Dstring, "LV info 2", "free text (organisation)";
        316, 36 => info3: Dstring, "LV info 3", "free text (contact)";
        352, 32 => lvi_implementation: Regid, "implementation identifier (LV info)", "";
        384, 128 => implementation_use: Bytes, "implementation use", "";
    }
}

declare! {
    /// The partition descriptor.
    pub struct Pd = "Partition descriptor", VolumeDescriptor, "ECMA-167 3/10.5", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 5", "ECMA-167 3/7.2";
        16, 4 => sequence: Le32, "volume descriptor sequence number", "";
        20, 2 => flags: Le16Hex, "partition flags", "bit 0: space is allocated";
        22, 2 => number: Le16, "partition number", "what partition maps refer to";
        24, 32 => contents: Regid, "partition contents", "+NSR02 or +NSR03 for a UDF file structure";
        56, 8 => unallocated_table: ExtentAdCodec, "unallocated space table", "short_ad of the table (length, block)", "ECMA-167 4/14.3";
        64, 8 => unallocated_bitmap: ExtentAdCodec, "unallocated space bitmap", "short_ad of the bitmap (length, block)", "ECMA-167 4/14.3";
        72, 8 => integrity_table: ExtentAdCodec, "partition integrity table", "unused by UDF", "ECMA-167 4/14.3";
        80, 8 => freed_table: ExtentAdCodec, "freed space table", "short_ad", "ECMA-167 4/14.3";
        88, 8 => freed_bitmap: ExtentAdCodec, "freed space bitmap", "short_ad", "ECMA-167 4/14.3";
        96, 88 => header_reserved: Reserved, "partition header reserved", "zero", "ECMA-167 4/14.3";
        184, 4 => access: Le32, "access type", "1 read-only, 2 write-once, 3 rewritable, 4 overwritable";
        188, 4 => start: Le32, "partition starting location", "the partition's first block";
        192, 4 => length: Le32, "partition length", "blocks in the partition";
        196, 32 => implementation: Regid, "implementation identifier", "";
        228, 128 => implementation_use: Bytes, "implementation use", "";
        356, 156 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// The fixed part of the logical volume descriptor; its partition maps
    /// follow from byte 440.
    pub struct Lvd = "Logical volume descriptor", VolumeDescriptor, "ECMA-167 3/10.6", 440 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 6", "ECMA-167 3/7.2";
        16, 4 => sequence: Le32, "volume descriptor sequence number", "";
        20, 64 => charset: Charspec, "descriptor character set", "CS0";
        84, 128 => label: Dstring, "logical volume identifier", "the volume's name (blkid's LABEL)";
        212, 4 => block_size: Le32, "logical block size", "bytes per block";
        216, 32 => domain: Regid, "domain identifier", "*OSTA UDF Compliant with the UDF revision";
        248, 16 => file_set: LongAdCodec, "logical volume contents use", "where the file set descriptor is (long_ad)";
        264, 4 => map_table_length: Le32, "map table length", "bytes of partition maps";
        268, 4 => map_count: Le32, "number of partition maps", "";
        272, 32 => implementation: Regid, "implementation identifier", "";
        304, 128 => implementation_use: Bytes, "implementation use", "";
        432, 8 => integrity: ExtentAdCodec, "integrity sequence extent", "where the logical volume integrity descriptors are";
    }
}

declare! {
    /// The fixed part of the unallocated space descriptor.
    pub struct Usd = "Unallocated space descriptor", VolumeDescriptor, "ECMA-167 3/10.8", 24 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 7", "ECMA-167 3/7.2";
        16, 4 => sequence: Le32, "volume descriptor sequence number", "";
        20, 4 => count: Le32, "number of allocation descriptors", "free extents listed after this field";
    }
}

declare! {
    /// A volume descriptor pointer: the sequence goes on elsewhere.
    pub struct Vdp = "Volume descriptor pointer", VolumeDescriptor, "ECMA-167 3/10.3", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 3", "ECMA-167 3/7.2";
        16, 4 => sequence: Le32, "volume descriptor sequence number", "";
        20, 8 => next: ExtentAdCodec, "next volume descriptor sequence extent", "where the sequence goes on";
        28, 484 => reserved: Reserved, "reserved", "zero";
    }
}

declare! {
    /// The terminating descriptor.
    pub struct Td = "Terminating descriptor", VolumeDescriptor, "ECMA-167 3/10.9", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 8", "ECMA-167 3/7.2";
        16, 496 => reserved: Reserved, "reserved", "zero";
    }
}

/// The unallocated space descriptor's extents as fields.
pub fn usd_fields(bytes: &[u8], count: u32) -> Vec<Field> {
    (0..count.min(62))
        .filter_map(|i| {
            let at = 24 + 8 * i as usize;
            let raw = bytes.get(at..at + 8)?;
            Some(Field::new(
                at as u64,
                8,
                format!("free extent {}", i + 1),
                ExtentAdCodec::value(raw),
                "unallocated volume space",
                "ECMA-167 3/10.8.4",
            ))
        })
        .collect()
}
