//! Symbolic link targets: the path components a symlink's data holds.
//!
//! Sources: ECMA-167 4/14.16 (path component: type, identifier length,
//! version, identifier; type 1 the root of the file system, 2 the root of
//! this file set, 3 the parent, 4 the same directory, 5 a named
//! component), OSTA UDF 2.60 §2.3.12.

use super::name::cs0;

/// Path components read at most.
const MOST: usize = 4096;

/// The target text and anything odd about it.
pub fn target(data: &[u8]) -> (String, Option<String>) {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    let mut problem = None;
    let mut at = 0usize;
    while at < data.len() && parts.len() < MOST {
        let Some(head) = data.get(at..at + 4) else {
            problem = Some("a path component is cut short".to_owned());
            break;
        };
        let kind = head.first().copied().unwrap_or(0);
        let len = usize::from(head.get(1).copied().unwrap_or(0));
        let Some(id) = data.get(at + 4..at + 4 + len) else {
            problem = Some("a path component's identifier runs past the link's data".to_owned());
            break;
        };
        match kind {
            1 | 2 => {
                absolute = true;
                parts.clear();
            }
            3 => parts.push("..".to_owned()),
            4 => parts.push(".".to_owned()),
            5 => {
                let name = cs0(id);
                if name.problem.is_some() && problem.is_none() {
                    problem = name.problem;
                }
                parts.push(name.text);
            }
            other => {
                problem = Some(format!("path component type {other} is not defined"));
            }
        }
        at += 4 + len;
    }
    let joined = parts.join("/");
    (
        if absolute {
            format!("/{joined}")
        } else {
            joined
        },
        problem,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_join() {
        let data = [
            2, 0, 0, 0, //
            5, 4, 0, 0, 8, b'u', b's', b'r', //
            3, 0, 0, 0, //
            5, 2, 0, 0, 8, b'x',
        ];
        assert_eq!(target(&data), ("/usr/../x".to_owned(), None));
        assert_eq!(target(&[5, 2, 0, 0, 8, b'a']).0, "a");
        assert!(target(&[5, 9, 0, 0, 8]).1.is_some());
    }
}
