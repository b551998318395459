//! Phone numbers, e-mail addresses and tags, normalised one way wherever they come from — the
//! customer form, an imported file, a synced document — because duplicate detection compares
//! the stored values: the same number typed and imported must be the same text.

/// How much a phone number must look like a whole number to be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneRule {
    /// What a person types into the form: a mainland mobile (11 digits from 1), a mainland
    /// landline with its area code (0 and 9–11 more digits), or an international number
    /// (`+` or `00` and 6–15 digits).
    Strict,
    /// What files hold: also short or local numbers (5–15 digits), as the source kept them.
    Lenient,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactError {
    Phone,
    Email,
}

/// The stored form of a phone number, `None` for a blank input: separators dropped (spaces,
/// dashes, dots, brackets in both widths), a `+86`/`0086`/`86` prefix of a mainland number
/// removed, other international numbers written `+<digits>`.
pub fn phone(input: &str, rule: PhoneRule) -> Result<Option<String>, ContactError> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '.' | '（' | '）' | '－'))
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let (foreign, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => match compact.strip_prefix("00") {
            Some(rest) => (true, rest),
            None => (false, compact.as_str()),
        },
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ContactError::Phone);
    }
    let mobile = |d: &str| d.len() == 11 && d.starts_with('1');
    let stored = match digits.strip_prefix("86") {
        Some(rest) if mobile(rest) => rest.to_string(),
        // +86 0571…: people write the trunk prefix 0 though it is not dialled from abroad.
        Some(rest) if foreign && rest.starts_with('0') => rest.to_string(),
        // +86 571…: a mainland landline, stored as dialled at home.
        Some(rest) if foreign && !rest.is_empty() => format!("0{rest}"),
        _ if foreign => format!("+{digits}"),
        _ => digits.to_string(),
    };
    let ok = match rule {
        PhoneRule::Lenient => {
            let d = stored.strip_prefix('+').unwrap_or(&stored);
            (5..=15).contains(&d.len())
        }
        PhoneRule::Strict => match stored.strip_prefix('+') {
            Some(d) => (6..=15).contains(&d.len()),
            None => {
                mobile(&stored) || (stored.starts_with('0') && (10..=12).contains(&stored.len()))
            }
        },
    };
    if ok {
        Ok(Some(stored))
    } else {
        Err(ContactError::Phone)
    }
}

/// A lowercase e-mail address, `None` for a blank input: one `@`, a local part, a dotted
/// domain, no spaces.
pub fn email(input: &str) -> Result<Option<String>, ContactError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(Some(s.to_lowercase()))
    } else {
        Err(ContactError::Email)
    }
}

/// Tags separated by `,` `，` `、` `;` `；` or `|`, trimmed, without repeats, in order.
pub fn tags(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in input
        .split([',', '，', '、', ';', '；', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use PhoneRule::{Lenient, Strict};

    #[test]
    fn one_number_written_many_ways_is_stored_alike_in_both_rules() {
        let cases = [
            ("138 1234 5678", "13812345678"),
            ("+86 138-1234-5678", "13812345678"),
            ("0086 13812345678", "13812345678"),
            ("8613812345678", "13812345678"),
            ("138.1234.5678", "13812345678"),
            ("（0571）8888-6666", "057188886666"),
            ("(0571) 8888-6666", "057188886666"),
            ("+86 571 8888 6666", "057188886666"),
            ("+86 0571 8888 6666", "057188886666"),
            ("010-6555 1234", "01065551234"),
            ("+44 20 7946 0958", "+442079460958"),
            ("0044 20 7946 0958", "+442079460958"),
        ];
        for (input, stored) in cases {
            for rule in [Strict, Lenient] {
                assert_eq!(
                    phone(input, rule),
                    Ok(Some(stored.into())),
                    "{input} {rule:?}"
                );
            }
        }
    }

    #[test]
    fn the_form_wants_a_whole_number_a_file_may_hold_a_short_one() {
        for input in ["12345", "23812345678", "1381234567", "8888 6666"] {
            assert_eq!(phone(input, Strict), Err(ContactError::Phone), "{input}");
        }
        assert_eq!(phone("12345", Lenient), Ok(Some("12345".into())));
        assert_eq!(phone("8888 6666", Lenient), Ok(Some("88886666".into())));
        for input in ["abc", "123", "+", "call me", "138 1234 567x"] {
            for rule in [Strict, Lenient] {
                assert_eq!(phone(input, rule), Err(ContactError::Phone), "{input}");
            }
        }
        assert_eq!(phone("  ", Strict), Ok(None));
    }

    #[test]
    fn emails_and_tags() {
        assert_eq!(email(" Li@Example.com "), Ok(Some("li@example.com".into())));
        assert_eq!(email(""), Ok(None));
        for bad in [
            "li", "li@", "@x.cn", "li@x", "li@@x.cn", "l i@x.cn", "li@x..cn", "li@.x.cn",
        ] {
            assert_eq!(email(bad), Err(ContactError::Email), "{bad}");
        }
        assert_eq!(tags("高价值, 母婴，高价值、 "), ["高价值", "母婴"]);
        assert_eq!(tags("VIP，高潜力;VIP|复购；"), ["VIP", "高潜力", "复购"]);
    }
}
