//! What each URL shows (`root.rs` chooses): the lab, the embed, the lessons list, the lesson
//! builder, the guide, the glossary, the welcome and the mutable-versus-immutable comparison.

pub mod builder;
pub mod compare;
pub mod embed;
pub mod glossary;
pub mod guide;
pub mod lab;
pub mod lesson_list;
pub mod welcome;
