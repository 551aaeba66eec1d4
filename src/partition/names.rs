//! Human names for partition type codes.
//!
//! Sources: the UEFI specification §5.3.3 (EFI System, legacy MBR), the
//! type lists that fdisk and gdisk print (`sfdisk -T`, `sgdisk -L`), and
//! Inside Macintosh: Devices with the types Apple's pdisk knows (APM).

/// The name of an MBR partition type byte.
pub fn mbr_type_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        0x01 => "FAT12",
        0x04 => "FAT16 <32M",
        0x05 => "Extended",
        0x06 => "FAT16",
        0x07 => "HPFS/NTFS/exFAT",
        0x0b => "W95 FAT32",
        0x0c => "W95 FAT32 (LBA)",
        0x0e => "W95 FAT16 (LBA)",
        0x0f => "W95 Extended (LBA)",
        0x11 => "Hidden FAT12",
        0x12 => "Compaq diagnostics",
        0x14 => "Hidden FAT16 <32M",
        0x16 => "Hidden FAT16",
        0x17 => "Hidden HPFS/NTFS",
        0x1b => "Hidden W95 FAT32",
        0x1c => "Hidden W95 FAT32 (LBA)",
        0x1e => "Hidden W95 FAT16 (LBA)",
        0x27 => "Hidden NTFS WinRE",
        0x39 => "Plan 9",
        0x42 => "SFS / Windows dynamic",
        0x82 => "Linux swap / Solaris",
        0x83 => "Linux",
        0x85 => "Linux extended",
        0x86 => "NTFS volume set",
        0x8e => "Linux LVM",
        0x96 => "ISO 9660 (CHRP)",
        0xa5 => "FreeBSD",
        0xa6 => "OpenBSD",
        0xa8 => "Darwin UFS",
        0xa9 => "NetBSD",
        0xab => "Darwin boot",
        0xaf => "HFS / HFS+",
        0xbe => "Solaris boot",
        0xbf => "Solaris",
        0xda => "Non-FS data",
        0xde => "Dell Utility",
        0xeb => "BeOS BFS",
        0xee => "GPT (protective)",
        0xef => "EFI (FAT-12/16/32)",
        0xfb => "VMware VMFS",
        0xfc => "VMware VMKCORE",
        0xfd => "Linux raid autodetect",
        _ => return None,
    })
}

/// The name of a GPT partition type GUID (upper-case text form).
pub fn gpt_type_name(guid: &str) -> Option<&'static str> {
    Some(match guid {
        "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" => "EFI System",
        "024DEE41-33E7-11D3-9D69-0008C781F39F" => "MBR partition scheme",
        "21686148-6449-6E6F-744E-656564454649" => "BIOS boot",
        "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" => "Microsoft basic data",
        "E3C9E316-0B5C-4DB8-817D-F92DF00215AE" => "Microsoft reserved",
        "DE94BBA4-06D1-4D40-A16A-BFD50179D6AC" => "Windows recovery environment",
        "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3" => "Microsoft LDM metadata",
        "AF9B60A0-1431-4F62-BC68-3311714A69AD" => "Microsoft LDM data",
        "0FC63DAF-8483-4772-8E79-3D69D8477DE4" => "Linux filesystem",
        "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F" => "Linux swap",
        "E6D6D379-F507-44C2-A23C-238F2A3DF928" => "Linux LVM",
        "A19D880F-05FC-4D3B-A006-743F0F84911E" => "Linux RAID",
        "933AC7E1-2EB4-4F13-B844-0E14E2AEF915" => "Linux /home",
        "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709" => "Linux root (x86-64)",
        "44479540-F297-41B2-9AF7-D131D5F0458A" => "Linux root (x86)",
        "B921B045-1DF0-41C3-AF44-4C6F280D3FAE" => "Linux root (ARM64)",
        "BC13C2FF-59E6-4262-A352-B275FD6F7172" => "Linux extended boot",
        "48465300-0000-11AA-AA11-00306543ECAC" => "Apple HFS/HFS+",
        "7C3457EF-0000-11AA-AA11-00306543ECAC" => "Apple APFS",
        "55465300-0000-11AA-AA11-00306543ECAC" => "Apple UFS",
        "426F6F74-0000-11AA-AA11-00306543ECAC" => "Apple boot",
        "516E7CB6-6ECF-11D6-8FF8-00022D09712B" => "FreeBSD UFS",
        "83BD6B9D-7F41-11DC-BE0B-001560B84F0F" => "FreeBSD boot",
        "FE3A2A5D-4F32-41A7-B725-ACCC3285A309" => "ChromeOS kernel",
        "3CB8E202-3B7E-47DD-8A3C-7FF2A13CFCEC" => "ChromeOS root",
        "6A898CC3-1DD2-11B2-99A6-080020736631" => "Solaris /usr or Apple ZFS",
        _ => return None,
    })
}

/// The name of an Apple Partition Map type string.
pub fn apm_type_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Apple_partition_map" => "partition map",
        "Apple_HFS" => "HFS/HFS+",
        "Apple_HFSX" => "HFSX",
        "Apple_Free" => "free space",
        "Apple_Driver" | "Apple_Driver43" | "Apple_Driver_ATAPI" => "driver",
        "Apple_Patches" => "patches",
        "Apple_UNIX_SVR2" => "A/UX or UFS",
        "Apple_Boot" => "boot",
        "DOS_FAT_12" | "DOS_FAT_16" | "DOS_FAT_32" => "FAT",
        _ => return None,
    })
}
