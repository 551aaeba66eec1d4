//! Fixed-size byte arrays read from slices without panicking: a field that
//! lies past the end of the slice reads as `None`.

/// `N` bytes at `at`.
pub(crate) fn array<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_reads_as_none() {
        let b = [1, 2, 3, 4];
        assert_eq!(array::<2>(&b, 0), Some([1, 2]));
        assert_eq!(array::<4>(&b, 1), None);
    }
}
