//! Kubernetes' `IntOrString` for rollout limits: an absolute count or a percentage of the fleet,
//! resolved the way `intstr.GetScaledValueFromIntOrPercent` does (surge rounds up, unavailable
//! rounds down).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A count (`3`) or a share of the desired replicas (`"25%"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntOrPercent {
    /// An absolute number of instances.
    Int(u32),
    /// A percentage of the desired replicas.
    Percent(u32),
}

impl IntOrPercent {
    /// The value against `total` replicas, rounding up or down.
    pub fn scaled(self, total: u32, round_up: bool) -> u32 {
        match self {
            IntOrPercent::Int(value) => value,
            IntOrPercent::Percent(percent) => {
                let product = u64::from(percent) * u64::from(total);
                let value = if round_up { product.div_ceil(100) } else { product / 100 };
                u32::try_from(value).unwrap_or(u32::MAX)
            }
        }
    }

    /// The raw number, whatever its kind: what Kubernetes' "both zero" check looks at.
    pub fn raw(self) -> u32 {
        match self {
            IntOrPercent::Int(value) | IntOrPercent::Percent(value) => value,
        }
    }

    /// The value if it is within the lab's bounds: a count of at most `Limits::FLEET_MAX`
    /// instances, a percentage of at most 100. Larger ones mean nothing more than the bound does,
    /// and a count near `u32::MAX` would overflow the fleet's ceiling (fleet + surge). Strategies
    /// check this when they are read, where the refusal can name the field.
    pub fn check(self) -> Result<Self, String> {
        match self {
            IntOrPercent::Int(value) if value > crate::Limits::FLEET_MAX => Err(format!(
                "Invalid value: {self}: must not be greater than {} (the largest fleet)",
                crate::Limits::FLEET_MAX
            )),
            IntOrPercent::Percent(value) if value > 100 => {
                Err(format!("Invalid value: {self}: must not be greater than 100%"))
            }
            _ => Ok(self),
        }
    }
}

impl IntOrPercent {
    /// The value as a learner reads it: `2` or `25%`.
    pub fn plain(self) -> String {
        match self {
            IntOrPercent::Int(count) => count.to_string(),
            IntOrPercent::Percent(percent) => format!("{percent}%"),
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(value) => write!(f, "{value}"),
            IntOrPercent::Percent(value) => write!(f, "\"{value}%\""),
        }
    }
}

impl Serialize for IntOrPercent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrPercent::Int(value) => serializer.serialize_u32(*value),
            IntOrPercent::Percent(value) => serializer.collect_str(&format_args!("{value}%")),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Int(value) if value < 0 => Err(serde::de::Error::custom(format!(
                "Invalid value: {value}: must be greater than or equal to 0"
            ))),
            Raw::Int(value) => u32::try_from(value)
                .map(IntOrPercent::Int)
                .map_err(|_| serde::de::Error::custom(format!("Invalid value: {value}: too large"))),
            Raw::Text(text) => match text.strip_suffix('%').map(str::parse::<i64>) {
                Some(Ok(percent)) if percent >= 0 => u32::try_from(percent)
                    .map(IntOrPercent::Percent)
                    .map_err(|_| serde::de::Error::custom(format!("Invalid value: \"{text}\": too large"))),
                Some(Ok(_)) => Err(serde::de::Error::custom(format!(
                    "Invalid value: \"{text}\": must be greater than or equal to 0"
                ))),
                _ => Err(serde::de::Error::custom(format!(
                    "Invalid value: \"{text}\": a valid percent string must be a numeric string followed by an ending '%'"
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_the_kubernetes_way() {
        assert_eq!(IntOrPercent::Percent(25).scaled(10, true), 3);
        assert_eq!(IntOrPercent::Percent(25).scaled(10, false), 2);
        assert_eq!(IntOrPercent::Percent(33).scaled(3, true), 1);
        assert_eq!(IntOrPercent::Percent(33).scaled(3, false), 0);
        assert_eq!(IntOrPercent::Int(5).scaled(3, false), 5);
    }

    #[test]
    fn reads_ints_and_percent_strings_and_refuses_the_rest() {
        assert_eq!(serde_json::from_str::<IntOrPercent>("3").unwrap(), IntOrPercent::Int(3));
        assert_eq!(serde_json::from_str::<IntOrPercent>("\"25%\"").unwrap(), IntOrPercent::Percent(25));
        assert!(
            serde_json::from_str::<IntOrPercent>("-1")
                .unwrap_err()
                .to_string()
                .contains("greater than or equal to 0")
        );
        assert!(
            serde_json::from_str::<IntOrPercent>("\"25\"")
                .unwrap_err()
                .to_string()
                .contains("valid percent string")
        );
    }
}
