//! Scenarios: a seed, a starting fleet and a timeline of commands, read from JSON.

use serde::{Deserialize, Deserializer, Serialize};

use crate::bounds::{at_most, named, wait_ticks};
use crate::input::InputError;
use crate::scan::Severity;
use crate::{Command, ImageSpec, Limits, StrategySpec};

/// A reproducible starting point: the same scenario always runs the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A title for people.
    #[serde(default)]
    pub name: String,
    /// Seeds the world's random numbers.
    pub seed: u64,
    /// Instances running at tick 0.
    #[serde(deserialize_with = "fleet_size")]
    pub fleet_size: u32,
    /// The image the starting fleet runs.
    pub image: ImageSpec,
    /// Ticks a new instance spends pulling its image. Without it the pull takes as long as the
    /// image's size needs at `pull_mb_per_tick`, so a bloated image visibly deploys slower.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "optional_delay_ticks")]
    pub pull_ticks: Option<u32>,
    /// Network speed for pulls, in MB per tick.
    #[serde(default = "default_pull_mb_per_tick", deserialize_with = "pull_speed")]
    pub pull_mb_per_tick: u32,
    /// Ticks a new instance spends booting after the pull.
    #[serde(default = "default_boot_ticks", deserialize_with = "delay_ticks")]
    pub boot_ticks: u32,
    /// Ticks an instance taken out of service drains before it stops.
    #[serde(default = "default_drain_ticks", deserialize_with = "delay_ticks")]
    pub drain_ticks: u32,
    /// How deploys replace instances.
    #[serde(default)]
    pub strategy: StrategySpec,
    /// A tag the starting fleet's launch template uses instead of the image's digest (e.g.
    /// `latest`): later launches look it up again.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "launch_tag")]
    pub launch_reference: Option<String>,
    /// Registry settings.
    #[serde(default)]
    pub registry: RegistrySettings,
    /// Pipeline settings.
    #[serde(default)]
    pub pipeline: PipelineSettings,
    /// How the fleet is run: patched in place, or only ever replaced.
    #[serde(default)]
    pub mode: FleetMode,
    /// Whether the application keeps its state in a database outside the fleet (replacing an
    /// instance loses nothing) rather than on the instance's own disk.
    #[serde(default)]
    pub external_state: bool,
    /// Replace any instance in service this long (phoenix servers): whatever crept onto it,
    /// an attacker included, goes with it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::bounds::de_optional_wait_ticks"
    )]
    pub max_instance_age_ticks: Option<u64>,
    /// Ticks without progress before the rollout is reported `ProgressDeadlineExceeded`
    /// (Kubernetes' `progressDeadlineSeconds`, default 600). Nothing is rolled back.
    #[serde(default = "default_progress_deadline_ticks", deserialize_with = "crate::bounds::de_wait_ticks")]
    pub progress_deadline_ticks: u64,
    /// Chance per tick, in thousandths, that someone changes a random instance by hand.
    #[serde(default, deserialize_with = "per_mille")]
    pub random_drift_per_mille: u32,
    /// Commands and the ticks they are applied at.
    #[serde(default, deserialize_with = "timeline")]
    pub timeline: Vec<TimedCommand>,
}

/// How the registry treats tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySettings {
    /// Refuse to move a tag that already names an image.
    #[serde(default)]
    pub immutable_tags: bool,
}

/// How a fleet is operated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FleetMode {
    /// Servers are logged into, patched and fixed in place.
    Mutable,
    /// Servers are never changed: every change is a new image and replacement; SSH is refused
    /// unless it is break-glass, which marks the instance for replacement.
    #[default]
    Immutable,
}

/// How the pipeline judges images.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSettings {
    /// The scan fails an image with any advisory of this severity or worse.
    #[serde(default = "default_fail_on")]
    pub fail_on: Severity,
    /// Rebuild the fleet's image on a fresh base snapshot every night.
    #[serde(default)]
    pub nightly_base_refresh: bool,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        PipelineSettings { fail_on: default_fail_on(), nightly_base_refresh: false }
    }
}

fn default_fail_on() -> Severity {
    Severity::High
}

/// A command scheduled at a tick (applied just before that tick runs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedCommand {
    /// When (at most `Limits::TIMELINE_TICK_MAX`).
    #[serde(deserialize_with = "timeline_tick")]
    pub tick: u64,
    /// What.
    pub command: Command,
}

fn default_progress_deadline_ticks() -> u64 {
    600
}

fn default_pull_mb_per_tick() -> u32 {
    100
}
fn default_boot_ticks() -> u32 {
    2
}
fn default_drain_ticks() -> u32 {
    2
}

// Each rule is one function, used by the JSON reader (through the `deserialize_with` wrappers
// below, so the error carries the field's line) and by `Scenario::validate`.

fn check_fleet_size(size: u32) -> Result<u32, String> {
    // Zero is a valid fleet, as replicas 0 is a valid Deployment (§2.11 of docs/semantics.md).
    if size > Limits::FLEET_MAX {
        return Err(format!("fleet_size must be between 0 and {}, got {size}", Limits::FLEET_MAX));
    }
    Ok(size)
}

fn check_delay_ticks(ticks: u32) -> Result<u32, String> {
    if ticks > Limits::DELAY_TICKS_MAX {
        return Err(format!("a delay may be at most {} ticks, got {ticks}", Limits::DELAY_TICKS_MAX));
    }
    Ok(ticks)
}

fn check_pull_speed(speed: u32) -> Result<u32, String> {
    if !(1..=100_000).contains(&speed) {
        return Err(format!("pull_mb_per_tick must be between 1 and 100000, got {speed}"));
    }
    Ok(speed)
}

fn check_per_mille(value: u32) -> Result<u32, String> {
    if value > 1_000 {
        return Err(format!("a rate per mille is at most 1000, got {value}"));
    }
    Ok(value)
}

fn check_launch_tag(tag: &str) -> Result<(), String> {
    if !crate::is_valid_tag(tag) {
        return Err(format!("`{tag}` is not a valid tag"));
    }
    Ok(())
}

fn check_timeline_len(len: usize) -> Result<(), String> {
    if len > Limits::TIMELINE_MAX {
        return Err(format!("a timeline holds at most {} commands, got {len}", Limits::TIMELINE_MAX));
    }
    Ok(())
}

fn check_timeline_tick(tick: u64) -> Result<u64, String> {
    at_most(tick, Limits::TIMELINE_TICK_MAX, " (the longest run)")
}

fn fleet_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    crate::bounds::de_u32_with(deserializer, check_fleet_size)
}

fn delay_ticks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    crate::bounds::de_u32_with(deserializer, check_delay_ticks)
}

/// `null` reads as absent, so a scenario written out by the lab reads back.
fn optional_delay_ticks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    Option::<u32>::deserialize(deserializer)?
        .map(check_delay_ticks)
        .transpose()
        .map_err(serde::de::Error::custom)
}

fn pull_speed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    crate::bounds::de_u32_with(deserializer, check_pull_speed)
}

fn per_mille<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    crate::bounds::de_u32_with(deserializer, check_per_mille)
}

/// `null` reads as absent, so a scenario written out by the lab reads back.
fn launch_tag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let tag = Option::<String>::deserialize(deserializer)?;
    if let Some(tag) = &tag {
        check_launch_tag(tag).map_err(serde::de::Error::custom)?;
    }
    Ok(tag)
}

fn timeline<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<TimedCommand>, D::Error> {
    let timeline = Vec::<TimedCommand>::deserialize(deserializer)?;
    check_timeline_len(timeline.len()).map_err(serde::de::Error::custom)?;
    Ok(timeline)
}

fn timeline_tick<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let tick = u64::deserialize(deserializer)?;
    check_timeline_tick(tick).map_err(serde::de::Error::custom)
}

impl Scenario {
    /// A scenario with every optional field at its default and an empty timeline.
    pub fn new(seed: u64, fleet_size: u32, image: ImageSpec) -> Self {
        Scenario {
            name: String::new(),
            seed,
            fleet_size,
            image,
            pull_ticks: None,
            pull_mb_per_tick: default_pull_mb_per_tick(),
            boot_ticks: default_boot_ticks(),
            drain_ticks: default_drain_ticks(),
            strategy: StrategySpec::default(),
            launch_reference: None,
            registry: RegistrySettings::default(),
            pipeline: PipelineSettings::default(),
            mode: FleetMode::default(),
            external_state: false,
            max_instance_age_ticks: None,
            random_drift_per_mille: 0,
            progress_deadline_ticks: default_progress_deadline_ticks(),
            timeline: Vec::new(),
        }
    }

    /// Reads a scenario from JSON text, naming the line, column and field of the first problem.
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        let scenario: Scenario = crate::input::parse(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks every rule a scenario file is held to: the bounds the JSON reader applies field by
    /// field (again, for scenarios built in code or embedded in a lesson) and the rules that
    /// relate fields, naming the first field at fault.
    pub fn validate(&self) -> Result<(), InputError> {
        named("fleet_size", check_fleet_size(self.fleet_size))?;
        self.image.validate().map_err(|error| InputError::field("image", error.to_string()))?;
        if let Some(ticks) = self.pull_ticks {
            named("pull_ticks", check_delay_ticks(ticks))?;
        }
        named("pull_mb_per_tick", check_pull_speed(self.pull_mb_per_tick))?;
        named("boot_ticks", check_delay_ticks(self.boot_ticks))?;
        named("drain_ticks", check_delay_ticks(self.drain_ticks))?;
        if self.pull_ticks == Some(0) && self.boot_ticks == 0 {
            return Err(InputError::field(
                "boot_ticks",
                "pull_ticks + boot_ticks must be at least 1: an instance cannot be ready the tick it is created",
            ));
        }
        self.strategy.validate().map_err(|error| error.within("strategy"))?;
        if let Some(tag) = &self.launch_reference {
            named("launch_reference", check_launch_tag(tag))?;
        }
        if let Some(ticks) = self.max_instance_age_ticks {
            named("max_instance_age_ticks", wait_ticks(ticks))?;
        }
        named("progress_deadline_ticks", wait_ticks(self.progress_deadline_ticks))?;
        named("random_drift_per_mille", check_per_mille(self.random_drift_per_mille))?;
        named("timeline", check_timeline_len(self.timeline.len()))?;
        for (index, entry) in self.timeline.iter().enumerate() {
            named(&format!("timeline[{index}].tick"), check_timeline_tick(entry.tick))?;
            entry.command.validate().map_err(|error| error.within(&format!("timeline[{index}].command")))?;
        }
        Ok(())
    }

    /// The tick of the last scheduled command (0 when there are none).
    pub fn last_command_tick(&self) -> u64 {
        self.timeline.iter().map(|c| c.tick).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "seed": 7,
  "fleet_size": 4,
  "image": { "base": "ubuntu-22.04", "app_version": "1.0.0" }
}"#;

    #[test]
    fn minimal_scenario_takes_defaults() {
        let scenario = Scenario::from_json(MINIMAL).unwrap();
        assert_eq!((scenario.pull_ticks, scenario.boot_ticks, scenario.drain_ticks), (None, 2, 2));
        assert_eq!(scenario.strategy, StrategySpec::default());
        assert!(scenario.timeline.is_empty());
    }

    fn error_of(text: &str) -> InputError {
        Scenario::from_json(text).unwrap_err()
    }

    #[test]
    fn errors_name_line_column_and_field() {
        let error = error_of(&MINIMAL.replace("\"fleet_size\": 4", "\"fleet_size\": 100001"));
        assert_eq!((error.line, error.field.as_str()), (3, "fleet_size"));
        assert!(error.message.contains("between 0 and 100000"), "{error}");

        let error = error_of(&MINIMAL.replace("\"base\": \"ubuntu-22.04\"", "\"base\": \"\""));
        assert_eq!((error.line, error.field.as_str()), (4, "image.base"));
        assert!(error.message.contains("must not be empty"), "{error}");

        let error = error_of(&MINIMAL.replace("\"seed\"", "\"sead\""));
        assert_eq!((error.line, error.column, error.field.as_str()), (2, 8, "sead"));
        assert!(error.message.contains("unknown field `sead`"), "{error}");
    }

    #[test]
    fn a_bad_command_is_located_inside_the_timeline() {
        let text = MINIMAL.replace(
            "\n}",
            ",\n  \"timeline\": [\n    {\"tick\": 1, \"command\": {\"scale\": {\"replicas\": 5}}},\n    {\"tick\": 2, \"command\": {\"deploy\": {\"image\": \"sha256:xyz\"}}}\n  ]\n}",
        );
        let error = error_of(&text);
        assert_eq!(error.line, 7);
        assert_eq!(error.field, "timeline[1].command.deploy.image");
        assert!(error.message.contains("is not a digest"), "{error}");
    }

    #[test]
    fn impossible_strategies_are_refused_with_the_kubernetes_message() {
        let text = MINIMAL.replace(
            "\n}",
            ",\n  \"strategy\": {\"type\": \"rolling\", \"max_surge\": 0, \"max_unavailable\": 0}\n}",
        );
        let error = error_of(&text);
        assert_eq!(error.field, "strategy");
        assert!(error.message.contains("may not be 0 when `maxSurge` is 0"), "{error}");
    }

    #[test]
    fn trailing_garbage_and_truncation_are_refused() {
        assert!(error_of(&format!("{MINIMAL} x")).message.contains("trailing"));
        let truncated = &MINIMAL[..MINIMAL.len() - 3];
        assert!(error_of(truncated).message.contains("EOF"));
    }
}
