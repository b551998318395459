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

/// A phone number as the form takes it for a customer whose number is `stored` now: that
/// number, unchanged (however it is written), is kept as it is, whatever rule it came in by.
/// A file may hold numbers the form would not take (a local landline without its area code,
/// 88886666), and editing another field of that customer must not fail on it.
pub fn phone_keeping(input: &str, stored: Option<&str>) -> Result<Option<String>, FieldError> {
    if let Some(stored) = stored
        && contact::phone(input, PhoneRule::Lenient)
            .ok()
            .flatten()
            .as_deref()
            == Some(stored)
    {
        return Ok(Some(stored.to_string()));
    }
    phone(input)
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
    fn a_stored_number_the_form_would_refuse_is_kept_unchanged_only() {
        let stored = Some("88886666");
        assert_eq!(
            phone_keeping("88886666", stored),
            Ok(Some("88886666".into()))
        );
        assert_eq!(
            phone_keeping(" 8888-6666 ", stored),
            Ok(Some("88886666".into()))
        );
        assert_eq!(phone_keeping("88886667", stored), Err(FieldError::Phone));
        assert_eq!(phone_keeping("88886666", None), Err(FieldError::Phone));
        assert_eq!(phone_keeping("", stored), Ok(None));
        assert_eq!(
            phone_keeping("13900002222", stored),
            Ok(Some("13900002222".into()))
        );
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
