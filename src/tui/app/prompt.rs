//! The one-line prompts: `g` (go to an address) and `/` (search), with
//! validation and history.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Effect, Overlay, Prompt, PromptKind, ViewMode};
use crate::inspect::search::{Direction, Pattern};
use crate::medium::Medium;
use crate::sector::{Address, AddressError, Spot};

impl App {
    pub(super) fn open_prompt(&mut self, kind: PromptKind) {
        self.overlay = Overlay::Prompt(Prompt {
            kind,
            input: String::new(),
            error: None,
            recall: None,
        });
    }

    pub(super) fn prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Overlay::Prompt(mut prompt) = std::mem::replace(&mut self.overlay, Overlay::None)
        else {
            return Vec::new();
        };
        let history = match prompt.kind {
            PromptKind::Goto => &self.goto_history,
            PromptKind::Search => &self.search_history,
            PromptKind::Export => &self.export_history,
        };
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Vec::new();
            }
            KeyCode::Enter => return self.submit(prompt),
            KeyCode::Backspace => {
                prompt.input.pop();
            }
            KeyCode::Up if !history.is_empty() => {
                let at = prompt
                    .recall
                    .map_or(history.len() - 1, |i| i.saturating_sub(1));
                prompt.input = history.get(at).cloned().unwrap_or_default();
                prompt.recall = Some(at);
            }
            KeyCode::Down if prompt.recall.is_some() => {
                let at = prompt.recall.map_or(0, |i| i + 1);
                prompt.input = history.get(at).cloned().unwrap_or_default();
                prompt.recall = (at < history.len()).then_some(at);
            }
            KeyCode::Char(c) if prompt.input.chars().count() < 256 => {
                prompt.input.push(c);
                prompt.error = None;
            }
            _ => {}
        }
        self.overlay = Overlay::Prompt(prompt);
        Vec::new()
    }

    pub(super) fn submit(&mut self, mut prompt: Prompt) -> Vec<Effect> {
        // Addresses forgive spaces; a search takes the text as typed.
        let input = match prompt.kind {
            PromptKind::Goto | PromptKind::Export => prompt.input.trim().to_owned(),
            PromptKind::Search => prompt.input.clone(),
        };
        match prompt.kind {
            PromptKind::Goto => match parse_address(&self.medium, &input) {
                Ok(spot) => {
                    remember(&mut self.goto_history, input);
                    self.go_to(spot.lba);
                    // A byte offset lands on its byte of the raw sector.
                    self.view = ViewMode::Raw;
                    self.cursor = spot.byte;
                    self.hex_top = 0;
                    Vec::new()
                }
                Err(error) => {
                    prompt.error = Some(error);
                    self.overlay = Overlay::Prompt(prompt);
                    Vec::new()
                }
            },
            PromptKind::Export => self.submit_export(prompt, input),
            // Enter on an empty prompt repeats the last search.
            PromptKind::Search if input.is_empty() && self.last_search.is_some() => {
                self.search_again(true)
            }
            PromptKind::Search => match Pattern::parse(&input) {
                Ok(pattern) => {
                    remember(&mut self.search_history, input);
                    self.start_search(pattern, Direction::Forward, false)
                }
                Err(error) => {
                    prompt.error = Some(error);
                    self.overlay = Overlay::Prompt(prompt);
                    Vec::new()
                }
            },
        }
    }
}

pub(super) fn remember(history: &mut Vec<String>, entry: String) {
    history.retain(|h| *h != entry);
    history.push(entry);
    if history.len() > 50 {
        history.remove(0);
    }
}

/// An address as the user types it (the same syntax and messages as the
/// command line), checked against the image.
pub fn parse_address(medium: &Medium, text: &str) -> Result<Spot, String> {
    if text.is_empty() {
        return Err("type an LBA, -150, mm:ss:ff or a 0x byte offset".into());
    }
    let address: Address = text.parse().map_err(|e: AddressError| e.why)?;
    address.resolve(medium).map_err(|e| e.to_string())
}
