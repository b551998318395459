//! The compact text form of a definition, for the URL:
//!
//! ```text
//! visit~view(category.phone)~add_to_cart~checkout~pay!1d!strict!1762790400000..1763395200000
//! ```
//!
//! Steps are separated by `~`, each an event type with `(field.value)` filters and, when
//! optional, a final `*`; then after `!` the window (a number and `m`, `h` or `d`), and
//! optionally `strict` (or `seq`), the range of step 1 in UTC milliseconds, `from..to`, and
//! any exclusions, each `x<from>.<to>.<event>(field.value)…` with 1-based step numbers
//! (`x1.3.fav(channel.app)`: a `fav` on the app between steps 1 and 3). Forms written before
//! optional steps and exclusions read as they did. Texts keep letters, digits, `_`, `-` and
//! non-ASCII characters as they are and write any other byte as `%XX`. The structural
//! characters are among those `encodeURIComponent` leaves alone, so the form stays readable
//! in the address bar. Reading never panics (a property test feeds it arbitrary text).

use super::definition::{
    Exclusion, FunnelDefinition, FunnelError, OrderMode, PropField, PropFilter, Step, Window,
    WindowUnit,
};
use crate::sym::Sym;
use crate::time::Timestamp;
use std::fmt::Write;

impl FunnelDefinition {
    /// The URL text of this definition ([`FunnelDefinition::from_url`] reads it back).
    pub fn to_url(&self) -> String {
        let mut out = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                out.push('~');
            }
            write_event(&mut out, step.event.as_str(), &step.filters);
            if step.optional {
                out.push('*');
            }
        }
        // Writing into a String cannot fail.
        let _ = write!(out, "!{}{}", self.window.value, self.window.unit.letter());
        if self.mode == OrderMode::Strict {
            out.push_str("!strict");
        }
        if let Some((from, to)) = self.range {
            let _ = write!(out, "!{}..{}", from.0, to.0);
        }
        for x in &self.exclusions {
            let _ = write!(out, "!x{}.{}.", x.from + 1, x.to + 1);
            write_event(&mut out, x.event.as_str(), &x.filters);
        }
        out
    }

    /// Reads the URL text and validates the definition.
    pub fn from_url(text: &str) -> Result<FunnelDefinition, FunnelError> {
        let mut parts = text.split('!');
        let steps = parts.next().unwrap_or_default();
        let steps = steps
            .split('~')
            .enumerate()
            .map(|(i, s)| parse_step(s).map_err(|e| bad(format!("step {}: {e}", i + 1))))
            .collect::<Result<Vec<_>, _>>()?;
        let window = parts
            .next()
            .ok_or_else(|| bad("no window".into()))
            .and_then(parse_window)?;
        let mut def = FunnelDefinition {
            steps,
            window,
            mode: OrderMode::Sequential,
            range: None,
            exclusions: Vec::new(),
        };
        let (mut seen_mode, mut seen_range) = (false, false);
        for part in parts {
            if let Some(rest) = part.strip_prefix('x') {
                let n = def.exclusions.len() + 1;
                let x = parse_exclusion(rest).map_err(|e| bad(format!("exclusion {n}: {e}")))?;
                def.exclusions.push(x);
                continue;
            }
            if !def.exclusions.is_empty() {
                // Exclusions come last: anything after them is not a form `to_url` writes.
                return Err(bad(format!("unexpected “{part}” after an exclusion")));
            }
            match part {
                "strict" | "seq" if !seen_mode => {
                    seen_mode = true;
                    def.mode = if part == "strict" {
                        OrderMode::Strict
                    } else {
                        OrderMode::Sequential
                    };
                }
                _ if !seen_range && part.contains("..") => {
                    seen_range = true;
                    def.range = Some(parse_range(part)?);
                }
                _ => return Err(bad(format!("unexpected “{part}”"))),
            }
        }
        def.validate()?;
        Ok(def)
    }
}

fn bad(what: String) -> FunnelError {
    FunnelError::BadUrl(what)
}

/// An event type and its filters: `event(field.value)…`.
fn write_event(out: &mut String, event: &str, filters: &[PropFilter]) {
    escape_into(out, event);
    for f in filters {
        out.push('(');
        out.push_str(f.field.code());
        out.push('.');
        escape_into(out, f.value.as_str());
        out.push(')');
    }
}

/// `<from>.<to>.<event>(field.value)…` after the `x`, step numbers from 1.
fn parse_exclusion(text: &str) -> Result<Exclusion, String> {
    let mut parts = text.splitn(3, '.');
    let mut number = |what: &str| {
        parts
            .next()
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .ok_or_else(|| format!("no {what} step"))
    };
    let from = number("first")?;
    let to = number("last")?;
    let step = parse_step(parts.next().unwrap_or_default())?;
    if step.optional {
        return Err("an exclusion cannot be optional".into());
    }
    Ok(Exclusion {
        event: step.event,
        filters: step.filters,
        from: from - 1,
        to: to - 1,
    })
}

fn parse_step(text: &str) -> Result<Step, String> {
    // `*` at the end: optional. Texts escape `*`, so it can only be this marker.
    let (text, optional) = match text.strip_suffix('*') {
        Some(t) => (t, true),
        None => (text, false),
    };
    let (event, mut rest) = text.split_once('(').map_or((text, ""), |(e, r)| (e, r));
    let event = unescape(event)?;
    if event.is_empty() {
        return Err("no event type".into());
    }
    let mut step = Step::new(&event);
    step.optional = optional;
    // `rest` is what follows the first `(`: `field.value)` repeated, with `(` between.
    while !rest.is_empty() {
        let (filter, after) = rest
            .split_once(')')
            .ok_or_else(|| "unclosed filter".to_string())?;
        let (field, value) = filter
            .split_once('.')
            .ok_or_else(|| format!("filter “{filter}” has no value"))?;
        let field =
            PropField::from_code(field).ok_or_else(|| format!("unknown field “{field}”"))?;
        step.filters.push(PropFilter {
            field,
            value: Sym::new(&unescape(value)?),
        });
        rest = match after.strip_prefix('(') {
            Some(next) => next,
            None if after.is_empty() => "",
            None => return Err(format!("unexpected “{after}”")),
        };
    }
    Ok(step)
}

fn parse_window(text: &str) -> Result<Window, FunnelError> {
    let unit = text
        .chars()
        .last()
        .and_then(WindowUnit::from_letter)
        .ok_or_else(|| bad(format!("window “{text}” needs a unit m, h or d")))?;
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!("window “{text}” is not a number")));
    }
    let value = digits
        .parse::<u32>()
        .map_err(|_| bad(format!("window “{text}” is too long")))?;
    Ok(Window::new(value, unit))
}

fn parse_range(text: &str) -> Result<(Timestamp, Timestamp), FunnelError> {
    let parse = |s: &str| {
        s.parse::<i64>()
            .map(Timestamp)
            .map_err(|_| bad(format!("range “{text}” is not two times in milliseconds")))
    };
    let (from, to) = text
        .split_once("..")
        .ok_or_else(|| bad(format!("range “{text}”")))?;
    Ok((parse(from)?, parse(to)?))
}

/// Whether a byte stays as it is in a text (non-ASCII bytes of UTF-8 always do).
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || !b.is_ascii()
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.len_utf8() > 1 || plain(c as u8) {
            out.push(c);
        } else {
            let _ = write!(out, "%{:02X}", c as u32);
        }
    }
}

fn unescape(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad escape in “{text}”"))?;
            out.push(hex);
            i += 3;
        } else if plain(b) {
            out.push(b);
            i += 1;
        } else {
            return Err(format!("unexpected “{}” in “{text}”", char::from(b)));
        }
    }
    String::from_utf8(out).map_err(|_| format!("“{text}” is not UTF-8"))
}
