//! Validation of what people type into the customer form.

/// Why a field was rejected; the UI turns it into a sentence in the user's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldError {
    NameRequired,
    /// Not a mainland mobile number (11 digits starting with 1) nor `+` and 6–15 digits.
    Phone,
    Email,
}

/// Normalises a phone number: spaces and dashes dropped, a `+86` prefix of a mainland mobile
/// number removed. Returns `None` for a blank input and `Err` for an invalid one.
pub fn phone(input: &str) -> Result<Option<String>, FieldError> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '(' && *c != ')')
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let mainland =
        |d: &str| d.len() == 11 && d.starts_with('1') && d.bytes().all(|b| b.is_ascii_digit());
    if mainland(&compact) {
        return Ok(Some(compact));
    }
    if let Some(rest) = compact.strip_prefix("+86").filter(|r| mainland(r)) {
        return Ok(Some(rest.to_string()));
    }
    if let Some(digits) = compact.strip_prefix('+')
        && (6..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(Some(compact));
    }
    Err(FieldError::Phone)
}

/// Checks e-mail syntax (one `@`, a local part, a dotted domain, no spaces).
pub fn email(input: &str) -> Result<Option<String>, FieldError> {
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
        Err(FieldError::Email)
    }
}

pub fn name(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        Err(FieldError::NameRequired)
    } else {
        Ok(s.to_string())
    }
}

/// Splits a comma-separated tag list (ASCII or Chinese commas), trimmed, without repeats.
pub fn tags(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in input
        .split([',', '，', '、'])
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

    #[test]
    fn phones() {
        assert_eq!(phone("138 1234 5678"), Ok(Some("13812345678".into())));
        assert_eq!(phone("+86 138-1234-5678"), Ok(Some("13812345678".into())));
        assert_eq!(phone("+44 20 7946 0958"), Ok(Some("+442079460958".into())));
        assert_eq!(phone(""), Ok(None));
        assert_eq!(phone("23812345678"), Err(FieldError::Phone));
        assert_eq!(phone("1381234567"), Err(FieldError::Phone));
        assert_eq!(phone("abc"), Err(FieldError::Phone));
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Li@Example.com "), Ok(Some("li@example.com".into())));
        assert_eq!(email(""), Ok(None));
        for bad in [
            "a@b",
            "@b.com",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b..com",
            "ab.com",
        ] {
            assert_eq!(email(bad), Err(FieldError::Email), "{bad}");
        }
    }

    #[test]
    fn names_and_tags() {
        assert_eq!(name("  "), Err(FieldError::NameRequired));
        assert_eq!(name(" 张三 "), Ok("张三".into()));
        assert_eq!(tags("高价值, 母婴，高价值、 "), ["高价值", "母婴"]);
    }
}
