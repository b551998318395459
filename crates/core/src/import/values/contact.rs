//! Phones, e-mail addresses and tags through [`crate::contact`], the one normaliser of each
//! (lenient for phones: files hold short and local numbers too), so a number imported and the
//! same number typed into the form are stored alike.

use super::{strip_zero_fraction, unescape_text};
use crate::import::reason::Reason;

/// A normalised phone number (see [`crate::contact::phone`], lenient: files hold short and
/// local numbers too), `None` for an empty cell.
pub fn normalize_phone(s: &str) -> Result<Option<String>, Reason> {
    let s = strip_zero_fraction(unescape_text(s));
    crate::contact::phone(s, crate::contact::PhoneRule::Lenient).map_err(|_| Reason::NotAPhone)
}

/// A lowercase e-mail address, `None` for an empty cell.
pub fn normalize_email(s: &str) -> Result<Option<String>, Reason> {
    crate::contact::email(unescape_text(s)).map_err(|_| Reason::NotAnEmail)
}

/// Tags (see [`crate::contact::tags`]), the formula escape removed.
pub fn tags(s: &str) -> Vec<String> {
    crate::contact::tags(unescape_text(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_emails_and_tags() {
        let p = |s: &str| normalize_phone(s);
        assert_eq!(p("138 1234 5678"), Ok(Some("13812345678".into())));
        assert_eq!(p("+86 138-1234-5678"), Ok(Some("13812345678".into())));
        assert_eq!(p("0086 13812345678"), Ok(Some("13812345678".into())));
        assert_eq!(p("8613812345678"), Ok(Some("13812345678".into())));
        assert_eq!(p("13812345678.0"), Ok(Some("13812345678".into())));
        assert_eq!(p("(0571) 8888-6666"), Ok(Some("057188886666".into())));
        assert_eq!(p("+44 20 7946 0958"), Ok(Some("+442079460958".into())));
        assert_eq!(p(""), Ok(None));
        assert_eq!(p("call me"), Err(Reason::NotAPhone));
        assert_eq!(p("123"), Err(Reason::NotAPhone));
        assert_eq!(
            normalize_email(" Li@Example.COM "),
            Ok(Some("li@example.com".into()))
        );
        assert_eq!(normalize_email("nope"), Err(Reason::NotAnEmail));
        assert_eq!(tags("VIP，高潜力;VIP"), vec!["VIP", "高潜力"]);
    }
}
