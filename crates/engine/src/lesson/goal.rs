//! A lesson's goal: declarative assertions over the world ("every server in service runs v2.0.1",
//! "never fewer than 8 in service"), each with the sentence the learner sees. The goal judges the
//! outcome, not the keystrokes: any way of reaching the state passes.

use serde::{Deserialize, Serialize};

use crate::{Event, Lifecycle, World};

/// What an assertion measures. Closed, so a lesson naming an unknown metric is refused with the
/// list of the ones that exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Distinct configurations among live servers (1: every server is identical).
    SnowflakeIndex,
    /// Live servers that differ from their image.
    DriftedInstances,
    /// Servers in service now.
    InService,
    /// Live servers running something a published advisory affects.
    VulnerableInstances,
    /// Distinct images among servers in service.
    ImagesInService,
    /// The application version every server in service really runs — an in-place deploy counts —
    /// ("" when mixed or none).
    InServiceVersion,
    /// The image every server in service runs, as `sha256:` and the digest's first 12 hex
    /// characters ("" when mixed or none): the content address, which tags cannot fake.
    InServiceImage,
    /// Requests that failed, in total.
    FailedRequests,
    /// Requests a faulty release served (the blast radius).
    FaultyRequests,
    /// Ticks with fewer servers in service than wanted.
    DegradedTicks,
    /// Data lost with replaced servers, MB.
    DataLostMb,
    /// Sum over ticks of servers an attacker controlled.
    CompromisedInstanceTicks,
    /// The fewest servers in service at the end of any tick since the lesson began.
    MinInService,
    /// The most live servers at once since the lesson began (what the fleet cost at its peak).
    PeakLiveInstances,
    /// The rollout's phase: `Healthy`, `Progressing`, `Paused` or `Degraded`.
    RolloutPhase,
    /// The rollout finished: every server runs the target revision.
    RolloutComplete,
    /// Analysis aborted a rollout at some point in the lesson.
    AbortedByAnalysis,
    /// Log-ins to servers by hand (the audit log), refused ones included.
    SshSessions,
    /// The application version of the image tagged `production` ("" when there is none).
    ProductionVersion,
    /// The image tagged `production`, as `sha256:` and the digest's first 12 hex characters
    /// ("" when there is none): whether production got the very image that was tested.
    ProductionImage,
    /// Ticks run since the lesson began.
    Ticks,
}

/// Which way a metric can move over a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// Never goes down (totals, peaks, "has happened").
    OnlyRises,
    /// Never goes up (the lowest count so far).
    OnlyFalls,
    /// Goes either way.
    Either,
}

/// The kind of value a metric has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A count.
    Number,
    /// A word or version.
    Text,
    /// Yes or no.
    Flag,
}

impl Metric {
    /// Every metric, in the order the docs list them.
    pub const ALL: [Metric; 21] = [
        Metric::SnowflakeIndex,
        Metric::DriftedInstances,
        Metric::InService,
        Metric::VulnerableInstances,
        Metric::ImagesInService,
        Metric::InServiceVersion,
        Metric::InServiceImage,
        Metric::FailedRequests,
        Metric::FaultyRequests,
        Metric::DegradedTicks,
        Metric::DataLostMb,
        Metric::CompromisedInstanceTicks,
        Metric::MinInService,
        Metric::PeakLiveInstances,
        Metric::RolloutPhase,
        Metric::RolloutComplete,
        Metric::AbortedByAnalysis,
        Metric::SshSessions,
        Metric::ProductionVersion,
        Metric::ProductionImage,
        Metric::Ticks,
    ];

    /// What kind of value the metric has.
    pub fn kind(self) -> Kind {
        match self {
            Metric::InServiceVersion
            | Metric::InServiceImage
            | Metric::RolloutPhase
            | Metric::ProductionVersion
            | Metric::ProductionImage => Kind::Text,
            Metric::RolloutComplete | Metric::AbortedByAnalysis => Kind::Flag,
            _ => Kind::Number,
        }
    }

    /// Which way the metric can move over a lesson: totals and peaks only rise, the lowest count
    /// so far only falls, a "has happened" flag only turns true; everything else goes either way.
    /// A limit broken on a metric that cannot come back can never be met again in that attempt.
    pub fn trend(self) -> Trend {
        match self {
            Metric::FailedRequests
            | Metric::FaultyRequests
            | Metric::DegradedTicks
            | Metric::DataLostMb
            | Metric::CompromisedInstanceTicks
            | Metric::PeakLiveInstances
            | Metric::SshSessions
            | Metric::Ticks
            | Metric::AbortedByAnalysis => Trend::OnlyRises,
            Metric::MinInService => Trend::OnlyFalls,
            Metric::SnowflakeIndex
            | Metric::DriftedInstances
            | Metric::InService
            | Metric::VulnerableInstances
            | Metric::ImagesInService
            | Metric::InServiceVersion
            | Metric::InServiceImage
            | Metric::RolloutPhase
            | Metric::RolloutComplete
            | Metric::ProductionVersion
            | Metric::ProductionImage => Trend::Either,
        }
    }

    /// The metric's current value.
    pub fn measure(self, world: &World, history: &GoalHistory) -> Value {
        let live = || world.instances().iter().filter(|i| i.state.is_live());
        let in_service = || world.instances().iter().filter(|i| i.state == Lifecycle::InService);
        let number = |n: u64| Value::Number(n);
        match self {
            Metric::SnowflakeIndex => number(u64::from(world.snowflake_index())),
            Metric::DriftedInstances => number(live().filter(|i| i.observed.is_some()).count() as u64),
            Metric::InService => number(in_service().count() as u64),
            Metric::VulnerableInstances => number(live().filter(|i| world.is_vulnerable(i)).count() as u64),
            Metric::ImagesInService => {
                let mut digests: Vec<_> = in_service().map(|i| i.image).collect();
                digests.sort_unstable();
                digests.dedup();
                number(digests.len() as u64)
            }
            Metric::InServiceVersion => {
                // What each server really runs: an in-place deploy changes it without a new image.
                let mut versions = in_service().filter_map(|i| {
                    let deployed = i.observed.as_ref().and_then(|o| o.files.get(crate::drift::APP_FILE));
                    deployed.or_else(|| world.image(i.image).map(|image| &image.spec.app_version))
                });
                let first = versions.next();
                let same = first.is_some_and(|first| versions.all(|v| v == first));
                Value::Text(if same { first.cloned().unwrap_or_default() } else { String::new() })
            }
            Metric::InServiceImage => {
                let mut images = in_service().map(|i| i.image);
                let first = images.next();
                let same = first.is_some_and(|first| images.all(|digest| digest == first));
                Value::Text(match first {
                    Some(digest) if same => format!("sha256:{}", digest.short()),
                    _ => String::new(),
                })
            }
            Metric::FailedRequests => number(world.service_stats().failed_requests),
            Metric::FaultyRequests => number(world.service_stats().faulty_requests),
            Metric::DegradedTicks => number(world.service_stats().degraded_ticks),
            Metric::DataLostMb => number(world.data_lost_mb()),
            Metric::CompromisedInstanceTicks => number(world.compromised_instance_ticks()),
            Metric::MinInService => number(u64::from(history.min_in_service.unwrap_or(0))),
            Metric::PeakLiveInstances => number(u64::from(history.peak_live)),
            Metric::RolloutPhase => Value::Text(world.rollout_phase().as_str().to_owned()),
            Metric::RolloutComplete => Value::Flag(world.rollout_complete()),
            Metric::AbortedByAnalysis => Value::Flag(history.aborted_by_analysis),
            Metric::SshSessions => number(world.audit_log().count() as u64),
            Metric::ProductionVersion => Value::Text(
                world
                    .registry()
                    .tags()
                    .get("production")
                    .and_then(|digest| world.image(*digest))
                    .map(|image| image.spec.app_version.clone())
                    .unwrap_or_default(),
            ),
            Metric::ProductionImage => Value::Text(
                world
                    .registry()
                    .tags()
                    .get("production")
                    .map(|digest| format!("sha256:{}", digest.short()))
                    .unwrap_or_default(),
            ),
            Metric::Ticks => number(world.now().saturating_sub(history.start_tick)),
        }
    }
}

/// A metric's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A count.
    Number(u64),
    /// Yes or no.
    Flag(bool),
    /// A word or version.
    Text(String),
}

impl Value {
    fn kind(&self) -> Kind {
        match self {
            Value::Number(_) => Kind::Number,
            Value::Flag(_) => Kind::Flag,
            Value::Text(_) => Kind::Text,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Flag(true) => f.write_str("yes"),
            Value::Flag(false) => f.write_str("no"),
            Value::Text(text) if text.is_empty() => f.write_str("none (or mixed)"),
            Value::Text(text) => f.write_str(text),
        }
    }
}

/// One condition of the goal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// A short name, so hints and mistakes can refer to it (default: its position).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// What is measured.
    pub metric: Metric,
    /// The value must be at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<u64>,
    /// The value must be at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<u64>,
    /// The value must be exactly this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// The sentence the learner sees as the win condition.
    pub text: String,
}

impl Assertion {
    /// Checks the assertion makes sense: one comparison, of the metric's kind.
    pub fn validate(&self) -> Result<(), String> {
        let numeric = self.at_most.is_some() || self.at_least.is_some();
        match (&self.equals, numeric) {
            (None, false) => return Err("set one of at_most, at_least or equals".into()),
            (Some(_), true) => return Err("equals cannot be combined with at_most or at_least".into()),
            _ => {}
        }
        let kind = self.metric.kind();
        if numeric && kind != Kind::Number {
            return Err(format!("metric `{}` is not a number: use equals", self.metric.name()));
        }
        if let Some(value) = &self.equals
            && value.kind() != kind
        {
            return Err(format!("metric `{}` cannot equal {value:?}: it is a {kind:?}", self.metric.name()));
        }
        if let (Some(low), Some(high)) = (self.at_least, self.at_most)
            && low > high
        {
            return Err(format!("at_least ({low}) is above at_most ({high}): nothing can pass"));
        }
        Ok(())
    }

    /// Whether `value` meets the assertion.
    pub fn holds(&self, value: &Value) -> bool {
        if let Some(expected) = &self.equals {
            return expected == value;
        }
        let Value::Number(n) = value else { return false };
        self.at_most.is_none_or(|max| *n <= max) && self.at_least.is_none_or(|min| *n >= min)
    }

    /// Whether `value`, which does not meet the assertion, can never come to meet it: above a
    /// maximum on a metric that only rises, below a minimum on one that only falls.
    fn cannot_recover(&self, value: &Value) -> bool {
        match (self.metric.trend(), value) {
            (Trend::OnlyRises, Value::Number(n)) => self.at_most.is_some_and(|max| *n > max),
            (Trend::OnlyFalls, Value::Number(n)) => self.at_least.is_some_and(|min| *n < min),
            // A "has happened" flag that happened cannot un-happen.
            (Trend::OnlyRises, Value::Flag(true)) => self.equals == Some(Value::Flag(false)),
            _ => false,
        }
    }

    /// What is wanted, in words: "at most 5", "at least 8", "= 2.0.1".
    pub fn wanted(&self) -> String {
        match (&self.equals, self.at_least, self.at_most) {
            (Some(value), _, _) => format!("{value}"),
            (None, Some(low), Some(high)) => format!("between {low} and {high}"),
            (None, Some(low), None) => format!("at least {low}"),
            (None, None, Some(high)) => format!("at most {high}"),
            (None, None, None) => String::new(),
        }
    }
}

impl Metric {
    /// The name lessons use (`snowflake_index`).
    pub fn name(self) -> String {
        // The serialised form is the JSON string `"snowflake_index"`; the name is its inside.
        serde_json::to_string(&self).unwrap_or_default().trim_matches('"').to_owned()
    }
}

/// What the goal remembers across ticks (for "never fewer than…", "at some point…").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoalHistory {
    /// The tick the lesson began.
    pub start_tick: u64,
    /// Fewest in service at the end of a tick so far (`None` before the first tick).
    pub min_in_service: Option<u32>,
    /// Most live servers at once so far.
    pub peak_live: u32,
    /// A rollout was aborted by analysis.
    pub aborted_by_analysis: bool,
}

impl GoalHistory {
    /// A history starting now.
    pub fn starting(world: &World) -> Self {
        let mut history = GoalHistory { start_tick: world.now(), ..Self::default() };
        history.peak_live = world.instances().iter().filter(|i| i.state.is_live()).count() as u32;
        history
    }

    /// Records a tick that just ran, with the events it produced.
    pub fn observe(&mut self, world: &World, events: &[Event]) {
        let (mut in_service, mut live) = (0u32, 0u32);
        for instance in world.instances() {
            in_service += u32::from(instance.state == Lifecycle::InService);
            live += u32::from(instance.state.is_live());
        }
        self.min_in_service = Some(self.min_in_service.map_or(in_service, |min| min.min(in_service)));
        self.peak_live = self.peak_live.max(live);
        self.aborted_by_analysis |= events.iter().any(|event| {
            matches!(event, Event::RolloutAborted { cause: crate::AbortCause::Analysis { .. } })
        });
    }
}

/// One assertion's state now, for the goal panel and the "why not yet" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The assertion's id.
    pub id: String,
    /// Its sentence.
    pub text: String,
    /// Whether it holds.
    pub met: bool,
    /// The current value, in words.
    pub current: String,
    /// What is wanted, in words.
    pub wanted: String,
    /// It is not met and, its metric being unable to come back, never will be in this attempt.
    pub lost: bool,
}

/// Evaluates every assertion of a goal.
pub fn check(goal: &[Assertion], world: &World, history: &GoalHistory) -> Vec<Check> {
    goal.iter()
        .map(|assertion| {
            let value = assertion.metric.measure(world, history);
            let met = assertion.holds(&value);
            // Before the first tick the "so far" metrics have seen nothing yet.
            let started = world.now() > history.start_tick;
            Check {
                id: assertion.id.clone(),
                text: assertion.text.clone(),
                met,
                current: value.to_string(),
                wanted: assertion.wanted(),
                lost: !met && started && assertion.cannot_recover(&value),
            }
        })
        .collect()
}
