//! Validation of what people type into the customer form.

use crate::contact::{self, PhoneRule};

/// Why a field was rejected; the UI turns it into a sentence in the user's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldError {
    NameRequired,
    /// Not a mainland mobile or landline number with its area code, nor `+` and 6–15 digits.
    Phone,
    Email,
}

/// A phone number as the form takes it (see [`contact::phone`]'s strict rule): its stored
/// form, `None` for a blank input.
pub fn phone(input: &str) -> Result<Option<String>, FieldError> {
    contact::phone(input, PhoneRule::Strict).map_err(|_| FieldError::Phone)
}

/// An e-mail address (see [`contact::email`]).
pub fn email(input: &str) -> Result<Option<String>, FieldError> {
    contact::email(input).map_err(|_| FieldError::Email)
}

pub fn name(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        Err(FieldError::NameRequired)
    } else {
        Ok(s.to_string())
    }
}

pub use contact::tags;

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
