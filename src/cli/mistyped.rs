//! A first word that is neither a subcommand nor a file. clap takes it for
//! the inspector's IMAGE, so `discscope sectr x.iso` complained about
//! `x.iso` and `discscope trakcs` looked for a file; both are answered as
//! the mistyped subcommand they are, with clap's own "a similar subcommand
//! exists" tip.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use super::Cli;

/// Parses `args` (the program name first) as clap does, except that a
/// mistyped subcommand is reported as one.
pub fn parse_from(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let parsed = Cli::try_parse_from(&args);
    let (word, followed) = match &parsed {
        Ok(Cli {
            command: None,
            image: Some(image),
            ..
        }) => (image.clone().into_os_string(), false),
        Err(e) if e.kind() == ErrorKind::UnknownArgument => match first_word(&args) {
            Some(word) => (word, true),
            None => return parsed,
        },
        _ => return parsed,
    };
    match mistyped(&word, followed) {
        Some(error) => Err(error),
        None => parsed,
    }
}

/// The word clap took for IMAGE when the words after it made the line
/// fail, found by parsing again with errors ignored.
fn first_word(args: &[OsString]) -> Option<OsString> {
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args)
        .ok()?;
    if matches.subcommand().is_some() {
        return None;
    }
    matches
        .get_one::<PathBuf>("image")
        .map(|image| image.clone().into_os_string())
}

/// The error for `word` taken as a subcommand, when it cannot be an image:
/// it does not exist and has no dot or slash. With a similar subcommand
/// the error suggests it; without one, only a word with more arguments
/// after it (`discscope serach x.iso`) is an error here; a lone word goes
/// on to the inspector, which says the file does not exist.
fn mistyped(word: &OsStr, followed: bool) -> Option<clap::Error> {
    let word = word.to_str()?;
    if word.contains(['.', '/', '\\']) || Path::new(word).exists() {
        return None;
    }
    let command = Cli::command();
    let names = command.get_subcommands().map(|c| c.get_name());
    let similar = similar(word, names);
    if similar.is_empty() && !followed {
        return None;
    }
    let mut error = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(&command);
    error.insert(
        ContextKind::InvalidSubcommand,
        ContextValue::String(word.to_owned()),
    );
    if !similar.is_empty() {
        error.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::Strings(similar),
        );
    }
    error.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(command.clone().render_usage()),
    );
    Some(error)
}

/// The names like `word`, most alike first: clap's measure (Jaro
/// similarity), but above 0.85 rather than clap's 0.7, which among short
/// names finds `extract` for `serach`; and names one edit or swap away,
/// which Jaro misses in three letters (`mna`).
fn similar<'a>(word: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = names
        .map(|name| (strsim::jaro(word, name), name))
        .filter(|&(score, name)| score > 0.85 || strsim::osa_distance(word, name) <= 1)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .map(|(_, name)| name.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(word: &str) -> Vec<String> {
        similar(word, Cli::command().get_subcommands().map(|c| c.get_name()))
    }

    #[test]
    fn typos_find_their_subcommand() {
        for (typo, meant) in [
            ("sectr", "sector"),
            ("trakcs", "tracks"),
            ("inof", "info"),
            ("verfy", "verify"),
            ("lcoate", "locate"),
            ("extarct", "extract"),
            ("stucture", "structure"),
            ("chek", "check"),
            ("mna", "man"),
            ("dmeo", "demo"),
            ("fxi", "fix"),
            ("track", "tracks"),
        ] {
            let found = suggestion(typo);
            assert_eq!(found, [meant], "{typo}");
        }
        assert!(suggestion("holiday-photos").is_empty());
        assert!(suggestion("serach").is_empty(), "no command is like it");
    }
}
