//! Twin fleets: one scenario run twice from the same seed and the same commands, once patched in
//! place (mutable) and once only ever replaced (immutable), measured tick by tick.

use serde::Serialize;

use crate::{FleetMode, Playback, Scenario, World};

/// A run stops here if it never settles.
const TICKS_MAX: u64 = 2_000;

/// What the comparison charts, for one fleet at one tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MetricsRow {
    /// The tick.
    pub tick: u64,
    /// Distinct configurations among live instances.
    pub snowflake_index: u32,
    /// Live instances that differ from their image.
    pub drifted_instances: u32,
    /// Instances in service.
    pub in_service: u32,
    /// Live instances with a package or runtime a known advisory affects.
    pub vulnerable_instances: u32,
    /// Instance patches attempted so far.
    pub patches_attempted: u32,
    /// Instance patches that took.
    pub patches_succeeded: u32,
    /// Data lost with replaced instances, MB.
    pub data_lost_mb: u64,
    /// Sum over ticks of instances an attacker controlled.
    pub compromised_instance_ticks: u64,
    /// Requests that found no capacity, in total.
    pub failed_requests: u64,
    /// Mean ticks to get back to full capacity after dropping below it.
    pub mttr_ticks: u64,
}

impl MetricsRow {
    /// Measures a world now.
    pub fn of(world: &World) -> Self {
        let mut row =
            MetricsRow { tick: world.now(), snowflake_index: world.snowflake_index(), ..Self::default() };
        for instance in world.instances().iter().filter(|i| i.state.is_live()) {
            row.in_service += u32::from(instance.state == crate::Lifecycle::InService);
            row.drifted_instances += u32::from(instance.observed.is_some());
            row.vulnerable_instances += u32::from(world.is_vulnerable(instance));
        }
        let patches = world.patch_stats();
        row.patches_attempted = patches.attempted;
        row.patches_succeeded = patches.succeeded + patches.in_progress;
        row.data_lost_mb = world.data_lost_mb();
        row.compromised_instance_ticks = world.compromised_instance_ticks();
        let service = world.service_stats();
        row.failed_requests = service.failed_requests;
        row.mttr_ticks = service.mttr_ticks();
        row
    }
}

/// Both fleets, tick by tick, and their final worlds.
pub struct Comparison {
    /// The fleet patched in place.
    pub mutable: Vec<MetricsRow>,
    /// The fleet only ever replaced.
    pub immutable: Vec<MetricsRow>,
    /// The mutable world at the end (for its events and audit log).
    pub mutable_world: World,
    /// The immutable world at the end.
    pub immutable_world: World,
}

/// Runs the scenario once per mode, in lockstep, for `ticks` ticks or until both fleets have played
/// every command and settled, so both series cover the same ticks.
pub fn compare(scenario: &Scenario, ticks: Option<u64>) -> Comparison {
    let twin = |mode: FleetMode| {
        let mut twin = scenario.clone();
        twin.mode = mode;
        (World::new(&twin), Playback::new(&twin))
    };
    let (mut mutable_world, mut mutable_playback) = twin(FleetMode::Mutable);
    let (mut immutable_world, mut immutable_playback) = twin(FleetMode::Immutable);
    let (mut mutable, mut immutable) = (Vec::new(), Vec::new());
    loop {
        let done = match ticks {
            Some(limit) => mutable_world.now() >= limit,
            None => {
                mutable_playback.is_done()
                    && immutable_playback.is_done()
                    && mutable_world.is_settled()
                    && immutable_world.is_settled()
            }
        };
        if done || mutable_world.now() >= TICKS_MAX {
            break;
        }
        for (world, playback, rows) in [
            (&mut mutable_world, &mut mutable_playback, &mut mutable),
            (&mut immutable_world, &mut immutable_playback, &mut immutable),
        ] {
            playback.step(world);
            world.drain_events().for_each(drop);
            rows.push(MetricsRow::of(world));
        }
    }
    Comparison { mutable, immutable, mutable_world, immutable_world }
}

/// The first tick from which no instance was vulnerable again, if the run got there.
pub fn exposure_closed_tick(rows: &[MetricsRow]) -> Option<u64> {
    let last_exposed = rows.iter().rposition(|row| row.vulnerable_instances > 0);
    match last_exposed {
        None => rows.first().map(|row| row.tick),
        Some(index) => rows.get(index + 1).map(|row| row.tick),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparison's immutable side answers the patch with a new release: a new version under
    /// a new tag, while the old tag keeps naming the image it always named.
    #[test]
    fn the_immutable_side_ships_a_new_version_and_moves_no_tag() {
        let scenario = Scenario::from_json(crate::builtin::scenario("seed-004").unwrap()).unwrap();
        let run = compare(&scenario, None);
        let supply = run.immutable_world.supply_view();
        let original = supply.images[0].digest;
        let versions: Vec<&str> = supply.images.iter().map(|image| image.spec.app_version.as_str()).collect();
        assert_eq!(versions, ["3.4.1", "3.4.2"], "one image per version");
        let patched = supply.images[1].digest;
        assert!(supply.tags_of(original).any(|tag| tag == "v3.4.1"), "v3.4.1 still names the first image");
        assert!(supply.tags_of(patched).any(|tag| tag == "v3.4.2"));
        assert_eq!(run.immutable_world.snapshot().images, vec![(patched, 30)], "the whole fleet runs it");
    }
}
