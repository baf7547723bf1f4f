//! `aws autoscaling`: start, describe, cancel and roll back an instance refresh, with the request
//! and response shapes of the Auto Scaling API (botocore's service model) and the CLI's JSON
//! (four-space indent, keys in order) and error lines.

use lab_engine::strategy::InstanceRefresh;
use lab_engine::{AbortCause, Command, CommandError, ImageRef, RolloutPhase, StrategySpec, World};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::args::{Args, FlagError};
use crate::names::{GROUP, NAME, Owner, owner, refresh_id};
use crate::words::shown;
use crate::{Act, Output, Reply, Tool, age, suggest};

/// The operations the lab's `aws autoscaling` knows.
pub const OPERATIONS: &[&str] = &[
    "start-instance-refresh",
    "describe-instance-refreshes",
    "cancel-instance-refresh",
    "rollback-instance-refresh",
];

pub(crate) fn run(world: &World, words: &[&str]) -> Reply {
    let (operation, rest) = match words {
        [] | ["help"] | ["autoscaling"] | ["autoscaling", "help"] => {
            return Reply::Print(Output::ok(help()));
        }
        ["autoscaling", operation, rest @ ..] => (*operation, rest),
        [service, ..] => {
            return Reply::Print(Output::error(format!(
                "\naws: [ERROR]: argument command: Invalid choice: '{}' (the lab's aws knows 'autoscaling')\n",
                shown(service)
            )));
        }
    };
    if !OPERATIONS.contains(&operation) {
        let mut text = format!(
            "\naws: [ERROR]: argument operation: Invalid choice, valid choices are:\n\n{}\n",
            OPERATIONS.join(" | ")
        );
        text.push_str(&suggest::did_you_mean(operation, OPERATIONS));
        return Reply::Print(Output::error(text));
    }
    let args = match Args::parse(
        rest,
        &[
            "auto-scaling-group-name",
            "preferences",
            "desired-configuration",
            "strategy",
            "instance-refresh-ids",
            "output",
        ],
        &[],
    ) {
        Ok(args) => args,
        Err(FlagError::Unknown(flag)) => {
            return Reply::Print(Output::error(format!(
                "\naws: [ERROR]: Unknown options: {}\n",
                shown(&flag.0)
            )));
        }
        Err(FlagError::MissingValue(flag)) => {
            return Reply::Print(Output::error(format!(
                "\naws: [ERROR]: argument {}: expected one argument\n",
                shown(&flag)
            )));
        }
    };
    if let Some(extra) = args.positional.first() {
        return Reply::Print(Output::error(format!("\naws: [ERROR]: Unknown options: {}\n", shown(extra))));
    }
    let api = api_name(operation);
    let Some(group) = args.value("auto-scaling-group-name") else {
        return Reply::Print(Output::error(
            "\naws: [ERROR]: the following arguments are required: --auto-scaling-group-name\n".to_owned(),
        ));
    };
    if group != GROUP || owner(world) != Owner::AutoScalingGroup {
        return Reply::Print(Output::error(
            error(
                "ValidationError",
                &api,
                &format!("AutoScalingGroup name not found - AutoScalingGroup '{}' not found", shown(group)),
            ) + &crate::names::hint(world, Owner::AutoScalingGroup, group),
        ));
    }
    match operation {
        "describe-instance-refreshes" => Reply::Print(Output::ok(describe_instance_refreshes(world))),
        "start-instance-refresh" => start(world, &args, &api),
        "cancel-instance-refresh" | "rollback-instance-refresh" => {
            let Some(id) = active_refresh(world) else {
                return Reply::Print(Output::error(error(
                    "ActiveInstanceRefreshNotFound",
                    &api,
                    &format!(
                        "No in progress or pending Instance Refresh found for Auto Scaling group {GROUP}"
                    ),
                )));
            };
            let command = if operation == "cancel-instance-refresh" {
                Command::CancelRollout
            } else {
                Command::RollbackRollout
            };
            Act::new(Tool::Aws, vec![command], json_text(&json!({ "InstanceRefreshId": id })))
        }
        _ => Reply::Print(Output::error("\naws: [ERROR]: unknown operation\n")),
    }
}

/// `start-instance-refresh` → `StartInstanceRefresh`.
fn api_name(operation: &str) -> String {
    operation
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The CLI's error line for a service error (botocore's `ClientError`), after a blank line.
fn error(code: &str, operation: &str, message: &str) -> String {
    format!("\nAn error occurred ({code}) when calling the {operation} operation: {message}\n")
}

/// The refresh under way (not finished, not stopped), if any.
fn active_refresh(world: &World) -> Option<String> {
    let view = world.rollout_view();
    let started = view.revisions.len() > 1 || view.target.number > 1;
    (started && !view.complete && !view.aborted).then(|| refresh_id(view.target.image))
}

/// The CLI's JSON: four-space indent, keys as the response gives them (alphabetical here, as the
/// botocore examples show).
fn json_text(value: &Value) -> String {
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(bytes).unwrap_or_default() + "\n"
}

/// `RefreshPreferences` as the API names them (seconds read as ticks).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct Preferences {
    min_healthy_percentage: Option<u32>,
    max_healthy_percentage: Option<u32>,
    instance_warmup: Option<u64>,
    checkpoint_percentages: Option<Vec<u32>>,
    checkpoint_delay: Option<u64>,
    skip_matching: Option<bool>,
    auto_rollback: Option<bool>,
}

/// Every preference the API knows, in the order the CLI lists them when one is misspelt.
const PREFERENCE_NAMES: &[&str] = &[
    "MinHealthyPercentage",
    "InstanceWarmup",
    "CheckpointPercentages",
    "CheckpointDelay",
    "SkipMatching",
    "AutoRollback",
    "ScaleInProtectedInstances",
    "StandbyInstances",
    "AlarmSpecification",
    "MaxHealthyPercentage",
    "BakeTime",
];

/// `{"LaunchTemplate": {"LaunchTemplateName": "web", "Version": "v2"}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct DesiredConfiguration {
    launch_template: LaunchTemplate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct LaunchTemplate {
    launch_template_name: Option<String>,
    launch_template_id: Option<String>,
    version: Option<String>,
}

/// A JSON parameter the CLI could not read, in its words.
fn bad_json(parameter: &str, text: &str, error: &serde_json::Error) -> String {
    let received: String = text.chars().take(200).collect();
    format!("\nError parsing parameter '--{parameter}': Invalid JSON: {error}\nJSON received: {received}\n")
}

/// botocore's client-side validation of an unknown field.
fn unknown_parameter(structure: &str, error: &serde_json::Error, names: &[&str]) -> Option<String> {
    let message = error.to_string();
    let field = message.strip_prefix("unknown field `")?.split('`').next()?;
    Some(format!(
        "\nParameter validation failed:\nUnknown parameter in {structure}: \"{}\", must be one of: {}\n",
        shown(field),
        names.join(", ")
    ))
}

fn start(world: &World, args: &Args<'_>, api: &str) -> Reply {
    if active_refresh(world).is_some() {
        return Reply::Print(Output::error(error(
            "InstanceRefreshInProgress",
            api,
            &format!(
                "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh for group {GROUP}."
            ),
        )));
    }
    if let Some(strategy) = args.value("strategy").filter(|s| *s != "Rolling") {
        return Reply::Print(Output::error(format!(
            "\nParameter validation failed:\nInvalid value for parameter Strategy, value: {}, valid values: Rolling (the lab models Rolling only)\n",
            shown(strategy)
        )));
    }
    let preferences = match args.value("preferences") {
        None => Preferences::default(),
        Some(text) => match serde_json::from_str::<Preferences>(text) {
            Ok(preferences) => preferences,
            Err(json_error) if json_error.is_data() => {
                let text = unknown_parameter("Preferences", &json_error, PREFERENCE_NAMES)
                    .unwrap_or_else(|| format!("\nParameter validation failed:\nInvalid type for parameter Preferences: {json_error}\n"));
                return Reply::Print(Output::error(text));
            }
            Err(json_error) => {
                return Reply::Print(Output::error(bad_json("preferences", text, &json_error)));
            }
        },
    };
    let image = match args.value("desired-configuration") {
        None => latest_image(world),
        Some(text) => match serde_json::from_str::<DesiredConfiguration>(text) {
            Ok(configuration) => launch_template_version(world, &configuration.launch_template),
            Err(json_error) if json_error.is_data() => {
                let text = unknown_parameter("DesiredConfiguration", &json_error, &["LaunchTemplate", "MixedInstancesPolicy"])
                    .or_else(|| unknown_parameter("DesiredConfiguration.LaunchTemplate", &json_error, &["LaunchTemplateId", "LaunchTemplateName", "Version"]))
                    .unwrap_or_else(|| format!("\nParameter validation failed:\nInvalid type for parameter DesiredConfiguration: {json_error}\n"));
                return Reply::Print(Output::error(text));
            }
            Err(json_error) => {
                return Reply::Print(Output::error(bad_json("desired-configuration", text, &json_error)));
            }
        },
    };
    let (image, digest) = match image {
        Ok(found) => found,
        Err(message) => return Reply::Print(Output::error(error("ValidationError", api, &message))),
    };
    let current = match world.strategy() {
        StrategySpec::InstanceRefresh(refresh) => refresh.clone(),
        _ => InstanceRefresh::default(),
    };
    let refresh = InstanceRefresh {
        min_healthy_percentage: preferences.min_healthy_percentage.unwrap_or(90),
        max_healthy_percentage: preferences.max_healthy_percentage.unwrap_or(100),
        warmup_ticks: preferences.instance_warmup.unwrap_or(current.warmup_ticks),
        checkpoint_percentages: preferences.checkpoint_percentages.unwrap_or_default(),
        checkpoint_delay_ticks: preferences.checkpoint_delay.unwrap_or(3600),
        auto_rollback: preferences.auto_rollback.unwrap_or(false),
        ..current
    };
    if let Err(invalid) = refresh.validate() {
        return Reply::Print(Output::error(error("ValidationError", api, &invalid.message)));
    }
    if preferences.skip_matching == Some(true) && digest == world.target_revision().image {
        return Reply::Print(Output::error(error(
            "ValidationError",
            api,
            "Every instance already matches the desired configuration (SkipMatching is set): nothing to replace.",
        )));
    }
    let commands =
        vec![Command::SetStrategy(StrategySpec::InstanceRefresh(refresh)), Command::Deploy { image }];
    Act::new(Tool::Aws, commands, json_text(&json!({ "InstanceRefreshId": refresh_id(digest) })))
}

/// The launch template's `$Latest` version: the newest image built.
fn latest_image(world: &World) -> Result<(ImageRef, lab_engine::Digest), String> {
    let images = world.supply_view().images;
    let newest = images.iter().max_by_key(|image| image.built_tick).ok_or("the registry has no image")?;
    Ok((ImageRef::digest(newest.digest), newest.digest))
}

/// A launch template version, read as an image tag of the lab's registry (`$Latest`, `$Default`
/// or a tag such as `v2.1.0`).
fn launch_template_version(
    world: &World,
    template: &LaunchTemplate,
) -> Result<(ImageRef, lab_engine::Digest), String> {
    if let Some(name) = template.launch_template_name.as_deref().filter(|name| *name != NAME) {
        return Err(format!(
            "The specified launch template, with template name {}, does not exist.",
            shown(name)
        ));
    }
    if template.launch_template_id.is_some() {
        return Err(format!(
            "The lab names its launch template by name: \"LaunchTemplateName\": \"{NAME}\"."
        ));
    }
    match template.version.as_deref() {
        None | Some("$Latest") => latest_image(world),
        Some("$Default") => {
            let digest = world.target_revision().image;
            Ok((ImageRef::digest(digest), digest))
        }
        Some(version) => {
            let reference = ImageRef::Tag(version.to_owned());
            world
                .resolve(&reference)
                .map(|digest| (reference, digest))
                .map_err(|_| format!("The specified launch template version, {}, does not exist (the lab's versions are image tags: see 'docker image ls').", shown(version)))
        }
    }
}

/// The refresh's status in the API's words, with its reason.
fn status(world: &World) -> (&'static str, Option<String>) {
    let view = world.rollout_view();
    let rolling_back = |cause: &AbortCause, auto_rollback: bool| match cause {
        AbortCause::Cancelled => false,
        AbortCause::RollbackRequested => true,
        _ => auto_rollback,
    };
    let auto_rollback = matches!(view.strategy, StrategySpec::InstanceRefresh(r) if r.auto_rollback);
    if view.complete {
        return ("Successful", None);
    }
    if let Some(cause) = view.abort_cause {
        let back = rolling_back(cause, auto_rollback);
        let settled = view
            .revisions
            .iter()
            .filter(|r| r.number != view.target.number)
            .all(|r| r.desired == r.available)
            && view.target.live == 0;
        return match (back, settled, cause) {
            (true, true, _) => ("RollbackSuccessful", Some("Rollback completed successfully.".into())),
            (true, false, _) => ("RollbackInProgress", Some(format!("Rolling back: {cause}."))),
            (false, _, AbortCause::Cancelled | AbortCause::Hand) => ("Cancelled", None),
            (false, _, other) => ("Failed", Some(format!("{other}."))),
        };
    }
    let reason = match view.phase {
        RolloutPhase::Paused if view.paused => Some("The refresh is paused.".to_owned()),
        RolloutPhase::Paused => {
            Some("Waiting for the checkpoint delay to pass before continuing.".to_owned())
        }
        _ => world
            .instances()
            .iter()
            .find(|i| {
                i.revision == view.target.number
                    && i.state != lab_engine::Lifecycle::InService
                    && i.state.is_live()
            })
            .map(|i| {
                format!(
                    "Waiting for instances to warm up before continuing. For example: {} is warming up.",
                    i.id
                )
            }),
    };
    ("InProgress", reason)
}

/// When the refresh ended: its completion or abort, or (for a rollback) the last scaling after it;
/// the history keeps recent fleet events, so a long-gone end reads as now.
fn ended_tick(world: &World) -> u64 {
    let target = world.target_revision().number;
    let ends = |event: &lab_engine::Event| match event {
        lab_engine::Event::RolloutComplete { revision } => *revision == target,
        lab_engine::Event::RolloutAborted { .. } | lab_engine::Event::RevisionScaled { .. } => true,
        _ => false,
    };
    world.history().iter().rev().find(|record| ends(&record.event)).map_or(world.now(), |record| record.tick)
}

/// `describe-instance-refreshes`: the current refresh, as the API returns it.
pub(crate) fn describe_instance_refreshes(world: &World) -> String {
    let view = world.rollout_view();
    let started = view.revisions.len() > 1 || view.target.number > 1;
    let refresh = match view.strategy {
        StrategySpec::InstanceRefresh(refresh) if started => refresh,
        _ => return json_text(&json!({ "InstanceRefreshes": [] })),
    };
    let (status, reason) = status(world);
    let replicas = view.replicas.max(1);
    let replaced = view.target.available.min(view.replicas);
    let mut item = Map::new();
    item.insert("AutoScalingGroupName".into(), json!(GROUP));
    item.insert("InstanceRefreshId".into(), json!(refresh_id(view.target.image)));
    let rolled_back = status.starts_with("Rollback");
    let percentage = if view.complete {
        100
    } else if rolled_back {
        0
    } else {
        replaced * 100 / replicas
    };
    item.insert("PercentageComplete".into(), json!(percentage));
    item.insert("InstancesToUpdate".into(), json!(if view.complete { 0 } else { view.replicas - replaced }));
    let mut preferences = Map::new();
    preferences.insert("AutoRollback".into(), json!(refresh.auto_rollback));
    if !refresh.checkpoint_percentages.is_empty() {
        preferences.insert("CheckpointDelay".into(), json!(refresh.checkpoint_delay_ticks));
        preferences.insert("CheckpointPercentages".into(), json!(refresh.checkpoint_percentages));
    }
    preferences.insert("InstanceWarmup".into(), json!(refresh.warmup_ticks));
    preferences.insert("MaxHealthyPercentage".into(), json!(refresh.max_healthy_percentage));
    preferences.insert("MinHealthyPercentage".into(), json!(refresh.min_healthy_percentage));
    preferences.insert("SkipMatching".into(), json!(false));
    item.insert("Preferences".into(), Value::Object(preferences));
    item.insert("StartTime".into(), json!(age::iso(view.target.created_tick)));
    if !matches!(status, "InProgress" | "RollbackInProgress") {
        item.insert("EndTime".into(), json!(age::iso(ended_tick(world))));
    }
    item.insert("Status".into(), json!(status));
    if let Some(reason) = reason {
        item.insert("StatusReason".into(), json!(reason));
    }
    json_text(&json!({ "InstanceRefreshes": [Value::Object(item)] }))
}

/// A refusal by the engine in the CLI's words.
pub(crate) fn refused(error_: &CommandError) -> String {
    match error_ {
        CommandError::AlreadyTarget { .. } => error(
            "ValidationError",
            "StartInstanceRefresh",
            "The group already runs this launch template version, so there is nothing to refresh. ($Latest is the newest image: see 'docker image ls'; build a new one with 'docker build'.)",
        ),
        other => error("ValidationError", "StartInstanceRefresh", &other.to_string()),
    }
}

/// `aws autoscaling`'s short help.
pub(crate) fn help() -> String {
    format!(
        "aws autoscaling: EC2 Auto Scaling (the lab's group is called {GROUP}; seconds are ticks).\n\nOperations:\n  start-instance-refresh --auto-scaling-group-name {GROUP}\n      [--preferences '{{\"MinHealthyPercentage\": 90, \"InstanceWarmup\": 0, \"CheckpointPercentages\": [20, 100], \"CheckpointDelay\": 30, \"AutoRollback\": true}}']\n      [--desired-configuration '{{\"LaunchTemplate\": {{\"LaunchTemplateName\": \"{NAME}\", \"Version\": \"$Latest\"}}}}']\n      Replace the group's instances with the launch template's version (an image tag; $Latest is the newest image)\n  describe-instance-refreshes --auto-scaling-group-name {GROUP}\n  cancel-instance-refresh --auto-scaling-group-name {GROUP}     Stop; replaced instances stay\n  rollback-instance-refresh --auto-scaling-group-name {GROUP}   Stop and put the previous image back\n"
    )
}
