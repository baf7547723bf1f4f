//! Words and numbers as the page writes them: the lessons' Markdown subset, pretty JSON, and
//! units (megabytes, whole pixels, data URLs).

pub mod markdown;
pub mod pretty;
pub mod units;
