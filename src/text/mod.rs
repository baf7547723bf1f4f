//! Words and numbers as the page writes them: the glossary's terms, the lessons' Markdown subset,
//! pretty JSON, and units (megabytes, whole pixels, data URLs).

pub mod glossary;
pub mod markdown;
pub mod pretty;
pub mod units;
