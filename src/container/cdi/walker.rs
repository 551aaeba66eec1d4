//! Reading a descriptor whose blocks have variable parts: a cursor over
//! its bytes that adds each field it reads to the structure being built,
//! and gives `None` instead of reading past the end.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use crate::structure::{Codec, Field, Kind, Latin1, Layout, Place, Structure, Value};

/// A cursor over the descriptor, which begins at byte `base` of the image.
#[derive(Debug)]
pub struct Walker<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: u64,
}

impl<'a> Walker<'a> {
    pub fn new(bytes: &'a [u8], base: u64) -> Walker<'a> {
        Walker {
            bytes,
            pos: 0,
            base,
        }
    }

    /// The image offset of the next byte.
    pub fn at(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Bytes left before the end of the descriptor.
    pub fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let taken = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(taken)
    }
}

fn le(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |value, &b| value << 8 | u64::from(b))
}

/// One structure being read.
#[derive(Debug)]
pub struct Block<'w, 'a> {
    pub walker: &'w mut Walker<'a>,
    structure: Structure,
    start: usize,
}

impl<'w, 'a> Block<'w, 'a> {
    pub fn new(walker: &'w mut Walker<'a>, kind: Kind, name: String, path: &Arc<Path>) -> Self {
        let place = Place::File {
            path: Arc::clone(path),
            offset: walker.at(),
        };
        let start = walker.pos;
        Block {
            walker,
            structure: Structure::new(kind, name, place, 0),
            start,
        }
    }

    fn offset(&self) -> u64 {
        (self.walker.pos - self.start) as u64
    }

    /// Reads a declared part and adds its fields.
    pub fn declared(&mut self, layout: &Layout) -> Option<&'a [u8]> {
        let shift = self.offset();
        let bytes = self.walker.take(layout.size)?;
        self.structure
            .fields
            .extend(layout.fields_at(bytes, shift, None));
        Some(bytes)
    }

    /// Reads `n` bytes as one field whose value `value` gives.
    pub fn field(
        &mut self,
        n: usize,
        name: impl Into<Cow<'static, str>>,
        value: fn(&[u8]) -> Value,
        meaning: &'static str,
    ) -> Option<&'a [u8]> {
        let shift = self.offset();
        let bytes = self.walker.take(n)?;
        self.structure.push(Field::new(
            shift,
            n as u64,
            name,
            value(bytes),
            meaning,
            "DiscJuggler descriptor",
        ));
        Some(bytes)
    }

    /// A little-endian number of `n` bytes.
    pub fn number(
        &mut self,
        n: usize,
        name: impl Into<Cow<'static, str>>,
        meaning: &'static str,
    ) -> Option<u64> {
        self.field(n, name, |b| Value::Unsigned(le(b)), meaning)
            .map(le)
    }

    /// `n` bytes of 8-bit text.
    pub fn text(
        &mut self,
        n: usize,
        name: impl Into<Cow<'static, str>>,
        meaning: &'static str,
    ) -> Option<String> {
        self.field(n, name, <Latin1 as Codec>::value, meaning)
            .map(|b| b.iter().map(|&c| char::from(c)).collect())
    }

    /// The structure as read so far.
    pub fn finish(mut self) -> Structure {
        self.structure.length = self.offset();
        self.structure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_placed_where_they_were_read() {
        let bytes = [3u8, 0, b'a', b'b', b'c', 9];
        let path: Arc<Path> = Path::new("x.cdi").into();
        let mut walker = Walker::new(&bytes, 100);
        let mut block = Block::new(&mut walker, Kind::Descriptor, "b".into(), &path);
        assert_eq!(block.number(2, "length", "m"), Some(3));
        assert_eq!(block.text(3, "name", "m").as_deref(), Some("abc"));
        assert_eq!(block.number(4, "past", "m"), None);
        let structure = block.finish();
        assert_eq!(structure.length, 5);
        assert_eq!(structure.fields[1].offset, 2);
        assert_eq!(walker.at(), 105);
        assert_eq!(walker.left(), 1);
    }
}
