//! Codecs for fields whose bits or values have names (file flags, a boot
//! entry's platform): the number as recorded, the names in the note.

/// The names of the bits set in `value`, space-separated; `None` when no
/// named bit is set.
pub fn bit_names(value: u64, names: &[(u64, &str)]) -> Option<String> {
    let set: Vec<&str> = names
        .iter()
        .filter(|(bit, _)| value & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    (!set.is_empty()).then(|| set.join(" "))
}

/// The name `table` gives `value`.
pub fn value_name(value: u64, table: &[(u64, &str)]) -> Option<String> {
    table
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, name)| (*name).to_owned())
}

/// Declares a codec reading an integer through `$base`, shown in hex with
/// `$digits` digits, its note from `$describe(value, $table)`.
macro_rules! named {
    (
        $(#[$meta:meta])*
        $name:ident: $base:ty => $out:ty, $digits:literal, $describe:path, $table:expr
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl $crate::structure::Codec for $name {
            type Out = $out;
            const WIDTH: Option<usize> = <$base as $crate::structure::Codec>::WIDTH;
            fn decode(raw: &[u8]) -> $out {
                <$base as $crate::structure::Codec>::decode(raw)
            }
            fn value(raw: &[u8]) -> $crate::structure::Value {
                $crate::structure::Value::Hex(u64::from(Self::decode(raw)), $digits)
            }
            fn note(raw: &[u8]) -> Option<String> {
                $describe(u64::from(Self::decode(raw)), &$table)
            }
        }
    };
}

/// Declares a codec that reads and shows as `$base` does, with the note
/// `$note` makes of the decoded value (bound to `$value`).
macro_rules! noted {
    ($(#[$meta:meta])* $name:ident: $base:ty, |$value:ident| $note:expr $(,)?) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;

        impl $crate::structure::Codec for $name {
            type Out = <$base as $crate::structure::Codec>::Out;
            const WIDTH: Option<usize> = <$base as $crate::structure::Codec>::WIDTH;
            fn decode(raw: &[u8]) -> Self::Out {
                <$base as $crate::structure::Codec>::decode(raw)
            }
            fn value(raw: &[u8]) -> $crate::structure::Value {
                <$base as $crate::structure::Codec>::value(raw)
            }
            fn note(raw: &[u8]) -> Option<String> {
                let $value = Self::decode(raw);
                $note
            }
        }
    };
}

/// A codec whose bits have names.
macro_rules! flags {
    ($(#[$meta:meta])* $name:ident: $base:ty => $out:ty, $digits:literal, $table:expr) => {
        $crate::structure::named::named!(
            $(#[$meta])* $name: $base => $out, $digits,
            $crate::structure::named::bit_names, $table
        );
    };
}

/// A codec whose values have names.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident: $base:ty => $out:ty, $digits:literal, $table:expr) => {
        $crate::structure::named::named!(
            $(#[$meta])* $name: $base => $out, $digits,
            $crate::structure::named::value_name, $table
        );
    };
}

pub(crate) use {codes, flags, named, noted};

#[cfg(test)]
mod tests {
    use crate::structure::{Codec, Hex8};

    flags!(Bits: Hex8 => u8, 2, [(1, "one"), (4, "four")]);
    codes!(Kinds: Hex8 => u8, 2, [(0, "zero"), (0xEF, "EFI")]);

    #[test]
    fn names_bits_and_values() {
        assert_eq!(Bits::note(&[5]).as_deref(), Some("one four"));
        assert_eq!(Bits::note(&[2]), None);
        assert_eq!(Bits::value(&[5]).to_string(), "0x05");
        assert_eq!(Kinds::note(&[0xEF]).as_deref(), Some("EFI"));
        assert_eq!(Kinds::note(&[3]), None);
    }
}
