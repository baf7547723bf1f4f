//! The worked examples of §6 of docs/semantics.md (S1, S2, S11), reproduced tick by tick.
//! Each row reads `tick: revision desired/available …` after the tick's reconcile reached its fixed point.

use lab_engine::{Command, Event, Playback, Scenario, World};

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

/// Runs `ticks` ticks and returns one row per tick plus the scale events in order.
fn run(scenario: &Scenario, ticks: u64) -> (Vec<String>, Vec<String>) {
    let mut world = World::new(scenario);
    let mut playback = Playback::new(scenario);
    let mut rows = Vec::new();
    let mut scalings = Vec::new();
    for _ in 0..ticks {
        let tick = playback.step(&mut world);
        world.check_invariants().unwrap_or_else(|broken| panic!("tick {tick}: {broken}"));
        for event in world.drain_events() {
            match event {
                Event::RevisionScaled { revision, to, .. } => {
                    scalings.push(format!("t{tick} r{revision}→{to}"))
                }
                Event::CommandRejected { reason } => {
                    panic!("tick {tick}: the scenario's command was refused: {reason}")
                }
                _ => {}
            }
        }
        let columns: Vec<String> = world
            .revisions()
            .iter()
            .map(|r| format!("r{} {}/{}", r.number, r.desired, r.available))
            .collect();
        rows.push(format!("{tick}: {}", columns.join(" ")));
    }
    (rows, scalings)
}

#[test]
fn s1_rolling_update_ten_replicas_25_percent() {
    let (rows, scalings) = run(&rolling_scenario(10, 3, 2, 1, ""), 3);
    assert_eq!(rows, ["0: r1 8/8 r2 5/0", "1: r1 3/3 r2 10/5", "2: r1 0/0 r2 10/10"]);
    assert_eq!(scalings, ["t0 r2→3", "t0 r1→8", "t0 r2→5", "t1 r1→3", "t1 r2→10", "t2 r1→0"]);
}

#[test]
fn s1_variant_with_two_ticks_to_ready() {
    let (rows, _) = run(&rolling_scenario(10, 3, 2, 2, ""), 5);
    assert_eq!(
        rows,
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
    let (rows, scalings) = run(&rolling_scenario(3, 1, 0, 1, ""), 4);
    assert_eq!(rows, ["0: r1 3/3 r2 1/0", "1: r1 2/2 r2 2/1", "2: r1 1/1 r2 3/2", "3: r1 0/0 r2 3/3"]);
    assert_eq!(scalings, ["t0 r2→1", "t1 r1→2", "t1 r2→2", "t2 r1→1", "t2 r2→3", "t3 r1→0"]);
}

/// A worked example from `tests/scenarios/` (the files the documentation points to).
fn example(file: &str) -> Scenario {
    let path = format!("{}/../../tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    Scenario::from_json(&std::fs::read_to_string(&path).expect("example exists")).expect("example parses")
}

#[test]
fn the_example_files_reproduce_s1_and_s2_with_percentages() {
    let (rows, _) = run(&example("s1-rolling-10-replicas.json"), 3);
    assert_eq!(rows, ["0: r1 8/8 r2 5/0", "1: r1 3/3 r2 10/5", "2: r1 0/0 r2 10/10"]);
    let (rows, _) = run(&example("s2-rolling-3-replicas.json"), 4);
    assert_eq!(rows, ["0: r1 3/3 r2 1/0", "1: r1 2/2 r2 2/1", "2: r1 1/1 r2 3/2", "3: r1 0/0 r2 3/3"]);
}

#[test]
fn s11_scaling_mid_rollout_is_shared_out_in_proportion() {
    let (rows, scalings) = run(&example("s11-proportional-scaling.json"), 6);
    assert_eq!(
        rows,
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
    assert!(
        scalings.contains(&"t2 r1→11".to_owned()) && scalings.contains(&"t2 r2→7".to_owned()),
        "{scalings:?}"
    );
}

#[test]
fn rollout_completes_and_says_so_once() {
    let scenario = rolling_scenario(3, 1, 0, 1, "");
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    let mut completions = 0;
    for _ in 0..10 {
        playback.step(&mut world);
        completions += world.drain_events().filter(|e| matches!(e, Event::RolloutComplete { .. })).count();
    }
    assert_eq!(completions, 1);
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
    let scenario = Scenario::from_json(text).unwrap();
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    let mut rows = Vec::new();
    for _ in 0..5 {
        let tick = playback.step(&mut world);
        world.check_invariants().unwrap();
        let columns: Vec<String> = world
            .revisions()
            .iter()
            .map(|r| format!("r{} {}/{}+{}", r.number, r.desired, r.available, r.terminating))
            .collect();
        rows.push(format!("{tick}: {}", columns.join(" ")));
    }
    // desired/available+terminating: the old instances drain for two ticks, and only then do the
    // new ones start; the fleet serves nothing from tick 0 until tick 3.
    assert_eq!(
        rows,
        [
            "0: r1 0/0+3 r2 0/0+0",
            "1: r1 0/0+3 r2 0/0+0",
            "2: r1 0/0+0 r2 3/0+0",
            "3: r1 0/0+0 r2 3/3+0",
            "4: r1 0/0+0 r2 3/3+0"
        ]
    );
    assert!(world.service_stats().failed_requests > 0);
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
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    let mut stalled_at = None;
    let mut reasons = Vec::new();
    for _ in 0..10 {
        let tick = playback.step(&mut world);
        if world.drain_events().any(|e| matches!(e, Event::RolloutStalled { .. })) {
            stalled_at.get_or_insert(tick);
        }
        reasons.push(world.conditions().reason);
    }
    assert_eq!(stalled_at, Some(6), "deadline 5 from tick 0 fires at the first tick strictly after 5");
    assert_eq!(reasons[0], "NewReplicaSetCreated");
    assert_eq!(reasons[5], "NewReplicaSetCreated");
    assert_eq!(reasons[6], "ProgressDeadlineExceeded");
    let conditions = world.conditions();
    assert_eq!(conditions.progressing, lab_engine::Progressing::False);
    assert!(conditions.available, "8 of 10 available meets minAvailable 8");
    // Nothing was rolled back: the broken revision keeps its instances.
    assert_eq!(
        world.revisions().iter().map(|r| (r.desired, r.available)).collect::<Vec<_>>(),
        [(8, 8), (5, 0)]
    );
}

#[test]
fn conditions_follow_a_healthy_rollout_to_complete() {
    let scenario = example("s2-rolling-3-replicas.json");
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    let mut seen = Vec::new();
    for _ in 0..4 {
        playback.step(&mut world);
        let conditions = world.conditions();
        seen.push((conditions.progressing, conditions.reason, conditions.available));
    }
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
fn s2_then(extra: serde_json::Value) -> (World, Playback) {
    let mut scenario = example("s2-rolling-3-replicas.json");
    let mut more: Vec<lab_engine::TimedCommand> = serde_json::from_value(extra).unwrap();
    scenario.timeline.append(&mut more);
    let world = World::new(&scenario);
    let playback = Playback::new(&scenario);
    (world, playback)
}

#[test]
fn undo_re_adopts_the_previous_revision_under_a_new_number() {
    let (mut world, mut playback) = s2_then(serde_json::json!([{"tick": 10, "command": {"undo": {}}}]));
    for _ in 0..10 {
        playback.step(&mut world);
    }
    let v1 = world.revisions()[0].image;
    for _ in 0..10 {
        playback.step(&mut world);
    }
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
    let (mut world, mut playback) = s2_then(serde_json::json!([
        {"tick": 10, "command": "pause"},
        {"tick": 10, "command": {"build_image": {"base": "ubuntu-22.04", "app_version": "3"}}},
        {"tick": 10, "command": {"deploy": {"image": "v3"}}},
    ]));
    for _ in 0..15 {
        playback.step(&mut world);
    }
    assert!(world.paused());
    assert_eq!(world.snapshot().rollout.phase, "Paused");
    assert_eq!(world.target_revision().live, 0, "nothing rolls out while paused");
    assert!(matches!(
        world.apply(Command::Undo { to_revision: None }),
        Err(lab_engine::CommandError::UndoWhilePaused)
    ));
    world.apply(Command::Scale { replicas: 5 }).unwrap();
    world.step();
    assert_eq!(world.revisions().iter().map(|r| r.desired).sum::<u32>(), 5, "scaling still happens");
    world.apply(Command::Resume).unwrap();
    for _ in 0..20 {
        world.step();
    }
    assert!(world.is_settled());
    assert_eq!(world.target_revision().available, 5);
}
