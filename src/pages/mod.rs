//! What each URL shows (`root.rs` chooses): the lab, the embed, the lessons list, the lesson
//! builder, the guide, the glossary and the welcome. The comparison's page is `compare_app.rs`.

pub mod builder;
pub mod embed;
pub mod glossary;
pub mod guide;
pub mod lab;
pub mod lesson_list;
pub mod welcome;
