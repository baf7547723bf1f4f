//! The worked examples of §6 of docs/semantics.md (S1, S2, S11), reproduced tick by tick.
//! Each row reads `tick: revision desired/available …` after the tick's reconcile reached its fixed point.

mod common;

use common::{Driver, Run, rows};
use lab_engine::{Command, Event, Scenario};

/// A scenario with `replicas` instances on v1 and a deploy of v2 at tick 0, R = `ready_ticks`, G = 0.
fn rolling_scenario(
    replicas: u32,
    max_surge: u32,
    max_unavailable: u32,
    ready_ticks: u32,
    extra: &str,
) -> Scenario {
    let text = format!(
        r#"{{
  "seed": 1, "fleet_size": {replicas}, "pull_ticks": 0, "boot_ticks": {ready_ticks}, "drain_ticks": 0,
  "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
  "strategy": {{"type": "rolling", "max_surge": {max_surge}, "max_unavailable": {max_unavailable}}},
  "timeline": [
    {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"}}}}}},
    {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}{extra}
  ]
}}"#
    );
    Scenario::from_json(&text).expect("test scenario parses")
}

/// The scale events in order, as `t<tick> r<revision>→<desired>`.
fn scalings<R>(run: &Run<R>) -> Vec<String> {
    let scaled = |(tick, event): &(u64, Event)| match event {
        Event::RevisionScaled { revision, to, .. } => Some(format!("t{tick} r{revision}→{to}")),
        _ => None,
    };
    run.events.iter().filter_map(scaled).collect()
}

#[test]
fn s1_rolling_update_ten_replicas_25_percent() {
    let run = Driver::new(&rolling_scenario(10, 3, 2, 1, "")).rows(3, rows::counts);
    assert_eq!(run.rows, ["0: r1 8/8 r2 5/0", "1: r1 3/3 r2 10/5", "2: r1 0/0 r2 10/10"]);
    assert_eq!(scalings(&run), ["t0 r2→3", "t0 r1→8", "t0 r2→5", "t1 r1→3", "t1 r2→10", "t2 r1→0"]);
}

#[test]
fn s1_variant_with_two_ticks_to_ready() {
    assert_eq!(
        Driver::new(&rolling_scenario(10, 3, 2, 2, "")).rows(5, rows::counts).rows,
        [
            "0: r1 8/8 r2 5/0",
            "1: r1 8/8 r2 5/0",
            "2: r1 3/3 r2 10/5",
            "3: r1 3/3 r2 10/5",
            "4: r1 0/0 r2 10/10",
        ]
    );
}

#[test]
fn s2_three_replicas_alternate_up_and_down() {
    let run = Driver::new(&rolling_scenario(3, 1, 0, 1, "")).rows(4, rows::counts);
    assert_eq!(run.rows, ["0: r1 3/3 r2 1/0", "1: r1 2/2 r2 2/1", "2: r1 1/1 r2 3/2", "3: r1 0/0 r2 3/3"]);
    assert_eq!(scalings(&run), ["t0 r2→1", "t1 r1→2", "t1 r2→2", "t2 r1→1", "t2 r2→3", "t3 r1→0"]);
}

/// A worked example from `tests/scenarios/` (the files the documentation points to).
fn example(file: &str) -> Scenario {
    let path = format!("{}/../../tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    Scenario::from_json(&std::fs::read_to_string(&path).expect("example exists")).expect("example parses")
}

#[test]
fn the_example_files_reproduce_s1_and_s2_with_percentages() {
    let s1 = Driver::new(&example("s1-rolling-10-replicas.json")).rows(3, rows::counts);
    assert_eq!(s1.rows, ["0: r1 8/8 r2 5/0", "1: r1 3/3 r2 10/5", "2: r1 0/0 r2 10/10"]);
    let s2 = Driver::new(&example("s2-rolling-3-replicas.json")).rows(4, rows::counts);
    assert_eq!(s2.rows, ["0: r1 3/3 r2 1/0", "1: r1 2/2 r2 2/1", "2: r1 1/1 r2 3/2", "3: r1 0/0 r2 3/3"]);
}

#[test]
fn s11_scaling_mid_rollout_is_shared_out_in_proportion() {
    let run = Driver::new(&example("s11-proportional-scaling.json")).rows(6, rows::counts);
    assert_eq!(
        run.rows,
        [
            "0: r1 8/8 r2 5/0",
            "1: r1 8/8 r2 5/0",
            "2: r1 11/8 r2 7/0",
            "3: r1 11/11 r2 7/0",
            "4: r1 11/11 r2 7/0",
            "5: r1 11/11 r2 7/0",
        ]
    );
    // "3 replicas are added to the old ReplicaSet and 2 replicas are added to the new ReplicaSet".
    let scaled = scalings(&run);
    assert!(scaled.contains(&"t2 r1→11".to_owned()) && scaled.contains(&"t2 r2→7".to_owned()), "{scaled:?}");
}

#[test]
fn rollout_completes_and_says_so_once() {
    let mut lab = Driver::new(&rolling_scenario(3, 1, 0, 1, ""));
    let completions = lab.run(10).count(|e| matches!(e, Event::RolloutComplete { .. }));
    assert_eq!(completions, 1);
    let world = &lab.world;
    assert!(world.is_settled());
    let new_image = world.target_revision().image;
    assert!(world.instances().iter().filter(|i| i.state.is_live()).all(|i| i.image == new_image));
}

#[test]
fn recreate_stops_everything_old_and_waits_for_it_before_starting_new() {
    let text = r#"{
      "seed": 1, "fleet_size": 3, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 2,
      "image": {"base": "ubuntu-22.04", "app_version": "1"},
      "strategy": {"type": "recreate"},
      "timeline": [
        {"tick": 0, "command": {"build_image": {"base": "ubuntu-22.04", "app_version": "2"}}},
        {"tick": 0, "command": {"deploy": {"image": "v2"}}}
      ]
    }"#;
    let mut lab = Driver::from_json(text);
    let run = lab.rows(5, rows::terminating);
    // desired/available+terminating: the old instances drain for two ticks, and only then do the
    // new ones start; the fleet serves nothing from tick 0 until tick 3.
    assert_eq!(
        run.rows,
        [
            "0: r1 0/0+3 r2 0/0+0",
            "1: r1 0/0+3 r2 0/0+0",
            "2: r1 0/0+0 r2 3/0+0",
            "3: r1 0/0+0 r2 3/3+0",
            "4: r1 0/0+0 r2 3/3+0"
        ]
    );
    assert!(lab.world.service_stats().failed_requests > 0);
    let refused = Scenario::from_json(
        &text.replace(r#"{"type": "recreate"}"#, r#"{"type": "recreate", "max_surge": 1}"#),
    );
    assert!(refused.unwrap_err().message.contains("unknown field `max_surge`"));
}

#[test]
fn a_stuck_rollout_is_reported_at_the_first_tick_past_its_deadline_and_not_rolled_back() {
    let mut scenario = example("s11-proportional-scaling.json");
    scenario.timeline.truncate(2); // the broken deploy, without the scale-up
    scenario.progress_deadline_ticks = 5;
    let mut lab = Driver::new(&scenario);
    let run = lab.rows(10, |world, _| world.conditions().reason.as_str());
    let stalled_at = run.ticks_of(|e| matches!(e, Event::RolloutStalled { .. })).first().copied();
    let reasons = run.rows;
    assert_eq!(stalled_at, Some(6), "deadline 5 from tick 0 fires at the first tick strictly after 5");
    assert_eq!(reasons[0], "NewReplicaSetCreated");
    assert_eq!(reasons[5], "NewReplicaSetCreated");
    assert_eq!(reasons[6], "ProgressDeadlineExceeded");
    let conditions = lab.world.conditions();
    assert_eq!(conditions.progressing, lab_engine::Progressing::False);
    assert!(conditions.available, "8 of 10 available meets minAvailable 8");
    // Nothing was rolled back: the broken revision keeps its instances.
    assert_eq!(
        lab.world.revisions().iter().map(|r| (r.desired, r.available)).collect::<Vec<_>>(),
        [(8, 8), (5, 0)]
    );
}

#[test]
fn conditions_follow_a_healthy_rollout_to_complete() {
    let conditions = |world: &lab_engine::World, _| {
        let conditions = world.conditions();
        (conditions.progressing, conditions.reason.as_str(), conditions.available)
    };
    let seen = Driver::new(&example("s2-rolling-3-replicas.json")).rows(4, conditions).rows;
    use lab_engine::Progressing::{Complete, True};
    assert_eq!(
        seen,
        [
            (True, "NewReplicaSetCreated", true),
            (True, "ReplicaSetUpdated", true),
            (True, "ReplicaSetUpdated", true),
            (Complete, "NewReplicaSetAvailable", true),
        ]
    );
}

/// S2's fleet (docs/semantics.md) with v2 rolled out, then `extra` commands from tick 10.
fn s2_then(extra: serde_json::Value) -> Driver {
    let mut scenario = example("s2-rolling-3-replicas.json");
    let mut more: Vec<lab_engine::TimedCommand> = serde_json::from_value(extra).unwrap();
    scenario.timeline.append(&mut more);
    Driver::new(&scenario)
}

#[test]
fn undo_re_adopts_the_previous_revision_under_a_new_number() {
    let mut lab = s2_then(serde_json::json!([{"tick": 10, "command": {"undo": {}}}]));
    lab.run(10);
    let v1 = lab.world.revisions()[0].image;
    lab.run(10);
    let world = &mut lab.world;
    assert!(world.is_settled());
    let target = world.target_revision();
    assert_eq!((target.number, target.image), (3, v1), "revision 1 re-adopted as revision 3");
    assert_eq!(world.revisions().len(), 2, "no new revision was created");
    // Undoing again goes back to what is now the second-highest revision: 2.
    world.apply(Command::Undo { to_revision: Some(3) }).unwrap_err();
    world.apply(Command::Undo { to_revision: Some(9) }).unwrap_err();
    world.apply(Command::Undo { to_revision: None }).unwrap();
    assert_eq!(world.target_revision().number, 4);
}

#[test]
fn a_paused_rollout_waits_and_undo_is_refused_until_resumed() {
    // The undo below is refused on purpose, and its refusal is among the next tick's events.
    let mut lab = s2_then(serde_json::json!([
        {"tick": 10, "command": "pause"},
        {"tick": 10, "command": {"build_image": {"base": "ubuntu-22.04", "app_version": "3"}}},
        {"tick": 10, "command": {"deploy": {"image": "v3"}}},
    ]))
    .allowing_refusals();
    lab.run(15);
    assert!(lab.world.paused());
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Paused");
    assert_eq!(lab.world.target_revision().live, 0, "nothing rolls out while paused");
    assert!(matches!(
        lab.world.apply(Command::Undo { to_revision: None }),
        Err(lab_engine::CommandError::UndoWhilePaused)
    ));
    lab.world.apply(Command::Scale { replicas: 5 }).unwrap();
    lab.run(1);
    assert_eq!(lab.world.revisions().iter().map(|r| r.desired).sum::<u32>(), 5, "scaling still happens");
    lab.world.apply(Command::Resume).unwrap();
    lab.run(20);
    assert!(lab.world.is_settled());
    assert_eq!(lab.world.target_revision().available, 5);
}
