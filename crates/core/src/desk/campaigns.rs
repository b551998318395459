//! Care campaigns: one contact task per customer of a segment, for their manager; progress,
//! the personalised message, and the uplift in orders after contact.
