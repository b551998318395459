//! The account manager's desk: how a care message addresses a customer. Chosen by the message's
//! language (the core's `written_in_chinese`), not the page's: the message goes to the customer.

use kezhi_core::desk::campaigns::Title;

/// `{title}` in a care message: 先生/女士 in a Chinese message, Mr/Ms in another.
pub fn title_word(title: Title, chinese: bool) -> &'static str {
    match (title, chinese) {
        (Title::Mr, true) => "先生",
        (Title::Ms, true) => "女士",
        (Title::Mr, false) => "Mr",
        (Title::Ms, false) => "Ms",
    }
}
