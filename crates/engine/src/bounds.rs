//! The upper bounds on numbers the lab reads (the constants live in [`crate::Limits`]). Each bound
//! is checked by one function here, which serves both the JSON reader (so a refusal points at the
//! field's line) and the `validate` functions for values built in code, so the two never disagree.

use serde::{Deserialize, Deserializer};

use crate::Limits;
use crate::input::InputError;

/// `value` if it is at most `max`, else a sentence giving the bound and the value.
pub(crate) fn at_most<T: PartialOrd + std::fmt::Display>(value: T, max: T, unit: &str) -> Result<T, String> {
    if value > max {
        return Err(format!("must be at most {max}{unit}, got {value}"));
    }
    Ok(value)
}

/// A wait counted in ticks: a pause, a delay, a deadline, a warm-up, a timeout.
pub(crate) fn wait_ticks(value: u64) -> Result<u64, String> {
    at_most(value, Limits::WAIT_TICKS_MAX, " ticks")
}

/// A number of instances.
pub(crate) fn fleet_count(value: u32) -> Result<u32, String> {
    at_most(value, Limits::FLEET_MAX, " instances (the largest fleet)")
}

/// A check's failure, attributed to `field`.
pub(crate) fn named<T>(field: &str, result: Result<T, String>) -> Result<T, InputError> {
    result.map_err(|message| InputError::field(field, message))
}

/// A check's failure inside a strategy, attributed to `field` and naming it in the message too, in
/// the style of the strategies' other refusals (`steps[0].setWeight: Invalid value: …`): the page's
/// strategy editor shows the message on its own.
pub(crate) fn invalid<T>(field: &str, result: Result<T, String>) -> Result<T, InputError> {
    result.map_err(|message| InputError::field(field, format!("{field}: {message}")))
}

/// Reads a value and applies `check` to it, so the reader's error names the field.
fn checked<'de, D, T>(deserializer: D, check: impl Fn(T) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    check(T::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

/// Reads an optional value (`null` allowed) and applies `check` to it when present.
fn checked_option<'de, D, T>(
    deserializer: D,
    check: impl Fn(T) -> Result<T, String>,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)?.map(check).transpose().map_err(serde::de::Error::custom)
}

pub(crate) fn de_wait_ticks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    checked(deserializer, wait_ticks)
}

pub(crate) fn de_optional_wait_ticks<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    checked_option(deserializer, wait_ticks)
}

pub(crate) fn de_fleet_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    checked(deserializer, fleet_count)
}

/// A check on a `u32` whose bound is a `u64` constant (waits kept in narrower fields).
pub(crate) fn wait_ticks_u32(value: u32) -> Result<u32, String> {
    wait_ticks(u64::from(value)).map(|_| value)
}

pub(crate) fn de_wait_ticks_u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    checked(deserializer, wait_ticks_u32)
}

/// Reads a `u32` with a bound given by `check` (for bounds local to one type).
pub(crate) fn de_u32_with<'de, D: Deserializer<'de>>(
    deserializer: D,
    check: impl Fn(u32) -> Result<u32, String>,
) -> Result<u32, D::Error> {
    checked(deserializer, check)
}
