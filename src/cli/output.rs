//! Where command output goes: stdout, with colour decided once.

use std::io::{self, IsTerminal, Write};

use super::ColorChoice;

/// Buffered stdout plus the colour decision.
pub struct Output {
    sink: Box<dyn Write>,
    pub color: bool,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("color", &self.color)
            .finish()
    }
}

/// Colour for `--color`, honouring `NO_COLOR` when automatic.
pub fn color_wanted(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

impl Output {
    pub fn stdout(choice: ColorChoice) -> Output {
        let stdout = io::stdout();
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Output {
            sink: Box::new(io::BufWriter::new(stdout.lock())),
            color,
        }
    }

    /// Prints a value as one pretty JSON document.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        serde_json::to_writer_pretty(&mut self.sink, value)?;
        writeln!(self.sink)?;
        Ok(())
    }

    /// Wraps `text` in an SGR colour when colour is on.
    pub fn paint(&self, sgr: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sink.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.sink.flush()
    }
}
