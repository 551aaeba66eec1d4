//! Declared INI sections: the `.ccd` counterpart of `declare!` in
//! [`crate::structure`]. One table per kind of section
//! names its keys, how each value reads and what it means; from it come
//! both the typed keys the reader uses and the annotated section that
//! `structure` and the inspector show.

use std::path::Path;
use std::sync::Arc;

use crate::container::ccd::sheet::{CcdFile, KeyLine, Section, number};
use crate::structure::{Field, Kind, Place, Structure, Value};

/// How a key's value reads, for the reader and for people alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// A number, written in decimal or as `0x..`.
    Number,
    /// A number written in decimal only.
    Decimal,
    /// A byte people read in hex (POINT, ADR, CONTROL).
    Hex,
    /// Text the reader compares as written.
    Text,
}

impl Reads {
    /// The number `text` holds, when this way of reading sees one.
    fn number(self, text: &str) -> Option<i64> {
        match self {
            Reads::Number | Reads::Hex => number(text),
            Reads::Decimal => text.trim().parse().ok(),
            Reads::Text => None,
        }
    }
}

/// One key a section declares.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    /// The key as written; a trailing ` n` stands for a number (`INDEX n`).
    pub key: &'static str,
    pub reads: Reads,
    pub meaning: &'static str,
}

/// One kind of section.
#[derive(Clone, Copy, Debug)]
pub struct SectionSpec {
    /// The section's name; a trailing ` N` stands for a number (`Entry N`).
    pub name: &'static str,
    pub source: &'static str,
    pub keys: &'static [KeySpec],
}

/// The numbers a ` n` key pattern stands for.
const NUMBERS: std::ops::RangeInclusive<u8> = 0..=99;

/// What names a section the reader does not know.
pub const UNKNOWN: SectionSpec = SectionSpec {
    name: "",
    source: "",
    keys: &[],
};

impl SectionSpec {
    /// The name before ` N`, for a numbered kind.
    fn prefix(&self) -> Option<&'static str> {
        self.name.strip_suffix(" N")
    }

    /// Whether `section` is of this kind (names compare case-insensitively).
    pub fn matches(&self, section: &Section) -> bool {
        match self.prefix() {
            Some(prefix) => section
                .name
                .get(..=prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&format!("{prefix} "))),
            None => section.name.eq_ignore_ascii_case(self.name),
        }
    }

    /// The number in a numbered section's name.
    pub fn number(&self, section: &Section) -> Option<u32> {
        let prefix = self.prefix()?;
        section.name.get(prefix.len()..)?.trim().parse().ok()
    }

    /// Every section of this kind, in file order.
    pub fn each<'a>(&self, sheet: &'a CcdFile) -> impl Iterator<Item = &'a Section> {
        let spec = *self;
        sheet.sections.iter().filter(move |s| spec.matches(s))
    }

    /// The first section of this kind; for a numbered kind, the first
    /// numbered `number`.
    pub fn find<'a>(&self, sheet: &'a CcdFile, number: Option<u32>) -> Option<&'a Section> {
        match (self.prefix(), number) {
            (Some(prefix), Some(n)) => sheet.section(&format!("{prefix} {n}")),
            (None, _) => sheet.section(self.name),
            (Some(_), None) => None,
        }
    }

    /// The declaration of `key`, matched as the reader matches it.
    fn key(&self, key: &str) -> Option<&KeySpec> {
        self.keys
            .iter()
            .find(|spec| match spec.key.strip_suffix(" n") {
                Some(prefix) => NUMBERS
                    .clone()
                    .any(|n| key.eq_ignore_ascii_case(&format!("{prefix} {n}"))),
                None => spec.key.eq_ignore_ascii_case(key),
            })
    }

    /// One key line as a field of its section's structure.
    fn field(&self, section: &Section, line: &KeyLine) -> Field {
        let offset = line.offset.saturating_sub(section.offset);
        let Some(spec) = self.key(&line.key) else {
            return Field::new(
                offset,
                line.length,
                line.key.clone(),
                Value::Text(line.value.clone()),
                "a key discscope does not read",
                self.source,
            );
        };
        let (value, note) = read(spec.reads, &line.value);
        Field {
            note,
            ..Field::new(
                offset,
                line.length,
                line.key.clone(),
                value,
                spec.meaning,
                self.source,
            )
        }
    }

    /// `section` as an annotated structure of the `.ccd` at `path`.
    pub fn structure(&self, section: &Section, path: &Arc<Path>) -> Structure {
        let mut structure = Structure::new(
            Kind::Descriptor,
            format!("[{}]", section.name),
            Place::File {
                path: Arc::clone(path),
                offset: section.offset,
            },
            section.length,
        );
        for (at, line) in section.entries.iter().enumerate() {
            let mut field = self.field(section, line);
            let earlier = section.entries.get(..at).unwrap_or_default();
            if earlier
                .iter()
                .any(|e| e.key.eq_ignore_ascii_case(&line.key))
            {
                field.note = Some("repeated: the first one counts".to_owned());
            }
            structure.push(field);
        }
        structure
    }
}

/// A value as its declaration reads it, with a note when it does not.
fn read(reads: Reads, text: &str) -> (Value, Option<String>) {
    let Some(n) = reads.number(text) else {
        let note = match reads {
            Reads::Text => None,
            Reads::Decimal => Some("not a decimal number".to_owned()),
            Reads::Number | Reads::Hex => Some("not a number".to_owned()),
        };
        return (Value::Text(text.to_owned()), note);
    };
    match (reads, u8::try_from(n), u64::try_from(n)) {
        (Reads::Hex, Ok(byte), _) => (Value::Hex(u64::from(byte), 2), None),
        (Reads::Hex, Err(_), _) => (Value::Signed(n), Some("not a byte".to_owned())),
        (_, _, Ok(unsigned)) => (Value::Unsigned(unsigned), None),
        (_, _, Err(_)) => (Value::Signed(n), None),
    }
}

/// Every section of a sheet as an annotated structure, each read by the
/// declaration of its kind among `kinds`.
pub fn structures(sheet: &CcdFile, kinds: &[SectionSpec], path: &Path) -> Vec<Structure> {
    let path: Arc<Path> = Arc::from(path);
    sheet
        .sections
        .iter()
        .map(|section| {
            kinds
                .iter()
                .find(|kind| kind.matches(section))
                .unwrap_or(&UNKNOWN)
                .structure(section, &path)
        })
        .collect()
}

/// A key's typed value in a section, as the reader takes it.
pub trait KeyValue: Sized {
    fn read(section: &Section, key: &'static str, reads: Reads) -> Self;
}

impl KeyValue for Option<i64> {
    fn read(section: &Section, key: &'static str, reads: Reads) -> Self {
        reads.number(section.get(key)?)
    }
}

impl KeyValue for Option<u8> {
    fn read(section: &Section, key: &'static str, reads: Reads) -> Self {
        <Option<i64>>::read(section, key, reads).and_then(|n| u8::try_from(n).ok())
    }
}

/// Present, with its number when it holds one.
impl KeyValue for Option<Option<i64>> {
    fn read(section: &Section, key: &'static str, reads: Reads) -> Self {
        section.get(key).map(|text| reads.number(text))
    }
}

impl KeyValue for Option<String> {
    fn read(section: &Section, key: &'static str, _reads: Reads) -> Self {
        section.get(key).map(str::to_owned)
    }
}

/// The numbered keys of a pattern (`INDEX 0`, `INDEX 1`, ...), by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Numbered(pub Vec<(u8, i64)>);

impl KeyValue for Numbered {
    fn read(section: &Section, key: &'static str, reads: Reads) -> Self {
        let prefix = key.strip_suffix(" n").unwrap_or(key);
        Numbered(
            NUMBERS
                .filter_map(|n| Some((n, reads.number(section.get(&format!("{prefix} {n}"))?)?)))
                .collect(),
        )
    }
}

/// Declares one kind of `.ccd` section: the struct of its typed keys with
/// a `read` constructor, and its [`SectionSpec`] as `Name::SPEC`.
///
/// Each key is `field: Type = "Key", Reads, "meaning"`, where `Type` is
/// a [`KeyValue`] (`Option<u8>`, `Option<i64>`, `Option<Option<i64>>` to
/// know a key is present though unreadable, `Option<String>`, [`Numbered`]
/// for a `Key n` pattern) and `Reads` says how both the reader and people
/// read the value.
macro_rules! section {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident = $section:literal, $source:literal {
            $( $field:ident : $ty:ty = $key:literal, $reads:ident, $meaning:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        $vis struct $name {
            $( pub $field: $ty, )*
        }

        impl $name {
            /// The keys, how each reads and what it means.
            $vis const SPEC: $crate::container::ccd::keys::SectionSpec =
                $crate::container::ccd::keys::SectionSpec {
                    name: $section,
                    source: $source,
                    keys: &[$(
                        $crate::container::ccd::keys::KeySpec {
                            key: $key,
                            reads: $crate::container::ccd::keys::Reads::$reads,
                            meaning: $meaning,
                        },
                    )*],
                };

            /// The keys of one section of this kind (absent keys `None`).
            $vis fn read(section: &$crate::container::ccd::sheet::Section) -> $name {
                $name {
                    $( $field: <$ty as $crate::container::ccd::keys::KeyValue>::read(
                        section,
                        $key,
                        $crate::container::ccd::keys::Reads::$reads,
                    ), )*
                }
            }

            /// The keys of the first section of this kind (numbered
            /// `number` for a numbered kind); all absent without one.
            #[allow(dead_code)]
            $vis fn find(sheet: &$crate::container::ccd::sheet::CcdFile, number: Option<u32>) -> $name {
                Self::SPEC.find(sheet, number).map(Self::read).unwrap_or_default()
            }
        }
    };
}

pub(crate) use section;
