//! What the traffic picture shows, apart from how it is drawn: the load balancer's lanes (one per
//! revision that has instances or traffic), and a stream of requests in flight along them.
//!
//! Requests are a picture, not a count: a fixed number leave the load balancer each tick, split by
//! the revisions' traffic weights, so the cost of drawing them does not grow with the fleet. Each one
//! is aimed at an instance in service when it leaves; one already on its way to an instance that
//! starts draining still arrives (that is what draining waits for), and new ones go elsewhere. A
//! request fails as often as its revision failed requests in the tick it left (a faulty release),
//! and one that found no capacity fails at the load balancer.

use lab_engine::{InstanceId, Lifecycle, World};

/// Requests that leave the load balancer each tick: enough to see a 5% canary within a few ticks,
/// few enough to read one by one.
pub const REQUESTS_PER_TICK: u32 = 12;
/// How long a request takes to reach its instance, in ticks.
pub const TRAVEL_TICKS: f64 = 1.5;
/// At most this many lanes are drawn (the newest revisions); older ones have no traffic by then.
pub const LANES_MAX: usize = 4;
/// Instances drawn one by one in a lane; a lane with more is drawn as one block with its counts.
pub const INSTANCES_SHOWN_MAX: usize = 24;

/// One revision behind the load balancer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lane {
    pub revision: u32,
    /// Index into the palette.
    pub look: usize,
    pub version: String,
    /// Percent of user requests it receives.
    pub weight: u32,
    /// Percent of the last tick's user requests it served: where the requests drawn in the
    /// picture went. It differs from `weight` in the tick a rollout changes course (an analysis
    /// that aborts a canary does so in the tick the canary served its failing requests).
    pub served: u32,
    /// A blue-green preview: only smoke tests reach it, no users.
    pub preview: bool,
    /// Thousandths of its requests that failed in the last tick.
    pub error_permille: u32,
    pub in_service: u32,
    pub draining: u32,
    pub starting: u32,
    /// The first instances, in fleet order (drawn one by one while the lane is small enough; see
    /// [`Lane::aggregated`]).
    pub instances: Vec<LaneInstance>,
}

/// One instance as the traffic picture draws it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaneInstance {
    pub id: InstanceId,
    /// Out of rotation (draining, or failing its health checks) is drawn as draining.
    pub state: Lifecycle,
    pub unhealthy: bool,
    /// Its own image's look: a revision launched through a moving tag can run two images.
    pub look: usize,
}

impl Lane {
    /// Too many instances to draw one by one: the lane is one block with its counts.
    pub fn aggregated(&self) -> bool {
        (self.in_service + self.draining + self.starting) as usize > INSTANCES_SHOWN_MAX
    }

    /// Where an instance sits in the lane (`None`: not drawn one by one, or gone).
    pub fn slot_of(&self, id: InstanceId) -> Option<usize> {
        if self.aggregated() {
            return None;
        }
        self.instances.iter().position(|instance| instance.id == id)
    }
}

/// One request in flight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Request {
    /// When it left the load balancer, in ticks.
    pub sent_at: f64,
    /// The lane it was sent down (`None`: no capacity, it fails at the load balancer).
    pub revision: Option<u32>,
    /// The instance it was aimed at (`None` in an aggregated lane).
    pub instance: Option<InstanceId>,
    pub fails: bool,
}

impl Request {
    /// 0 when it leaves, 1 when it arrives; outside that range it is not in flight.
    pub fn progress(&self, time: f64) -> f64 {
        (time - self.sent_at) / TRAVEL_TICKS
    }
}

/// The lanes and requests, updated once per tick and read every frame.
#[derive(Debug, Default)]
pub struct Traffic {
    pub lanes: Vec<Lane>,
    pub requests: Vec<Request>,
    /// Share (thousandths) of the last tick's requests that found no capacity.
    pub rejected_permille: u32,
    last_tick: Option<u64>,
    totals: (u64, u64),
    /// A small counter-based generator: which instance and whether a request fails are picture
    /// choices, not simulation, so they stay out of the world's random stream.
    draws: u32,
}

impl Traffic {
    /// Brings the picture up to the world's tick: lanes as they are now, and the requests that left
    /// during the last tick. Going back in time, or jumping ahead, starts the stream afresh.
    pub fn update(&mut self, world: &World) {
        let now = world.now();
        if self.last_tick == Some(now) {
            return;
        }
        let service = world.operations_view().service;
        let (requests, failed) = (service.requests, service.failed_requests);
        let continuous = self.last_tick.is_some_and(|last| last + 1 == now);
        if !continuous {
            self.requests.clear();
            self.totals = (requests, failed);
        }
        self.last_tick = Some(now);
        self.read_lanes(world);
        let rollout = world.rollout_view();
        let lane_errors: u64 =
            self.lanes.iter().map(|lane| rollout.recent_traffic(lane.revision, 1).errors).sum();
        let (offered, failed_now) =
            (requests.saturating_sub(self.totals.0), failed.saturating_sub(self.totals.1));
        self.totals = (requests, failed);
        self.rejected_permille =
            (failed_now.saturating_sub(lane_errors) * 1000).checked_div(offered).unwrap_or(0).min(1000)
                as u32;
        let time = now as f64;
        self.requests.retain(|request| request.progress(time - 1.0) < 1.0 + LINGER);
        // Requests flow whenever the service is up; a picture opened mid-run (a link, going back
        // in time) starts with two ticks of them, so even a paused first frame shows the stream.
        let ticks = if continuous { 1 } else { 2 };
        let first_sent = now.saturating_sub(ticks) as f64;
        if now == 0 || (offered == 0 && continuous) {
            return;
        }
        let count = REQUESTS_PER_TICK * (now as f64 - first_sent) as u32;
        for index in 0..count {
            let sent_at = first_sent + f64::from(index) / f64::from(REQUESTS_PER_TICK);
            let request = self.send(sent_at);
            self.requests.push(request);
        }
    }

    /// One request: rejected at the load balancer, or sent down a lane by weight to an instance.
    fn send(&mut self, sent_at: f64) -> Request {
        let rejected = self.draw(1000) < self.rejected_permille;
        let pick = self.draw(100);
        let lane = if rejected { None } else { pick_lane(&self.lanes, pick) };
        let Some(lane) = lane else {
            return Request { sent_at, revision: None, instance: None, fails: true };
        };
        let fails = self.draw(1000) < self.lanes[lane].error_permille;
        let count = in_service(&self.lanes[lane]).count() as u32;
        let chosen = self.draw(count) as usize;
        let lane = &self.lanes[lane];
        let instance = if lane.aggregated() { None } else { in_service(lane).nth(chosen) };
        Request { sent_at, revision: Some(lane.revision), instance, fails }
    }

    /// A number in `0..bound` (xorshift on a counter: cheap and the same on every run).
    fn draw(&mut self, bound: u32) -> u32 {
        self.draws = self.draws.wrapping_add(0x9E37_79B9);
        let mut x = self.draws;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x % bound.max(1)
    }

    /// The lanes as they stand, without requests (for the picture in words).
    pub fn lanes_of(world: &World) -> Self {
        let mut traffic = Self::default();
        traffic.read_lanes(world);
        traffic
    }

    fn read_lanes(&mut self, world: &World) {
        let rollout = world.rollout_view();
        let weights = rollout.weights();
        // Users' requests of the last tick, per revision (a preview's smoke tests are not theirs).
        let served = |revision: &lab_engine::Revision, weight: u32| {
            let smoke_tested = weight == 0 && rollout.smoke_tested == Some(revision.number);
            if smoke_tested { 0 } else { rollout.recent_traffic(revision.number, 1).requests }
        };
        let served_total: u64 = rollout.revisions.iter().zip(&weights).map(|(r, w)| served(r, *w)).sum();
        let shown =
            rollout.revisions.iter().zip(weights.iter().copied()).filter(|(revision, weight)| {
                revision.live > 0 || *weight > 0 || served(revision, *weight) > 0
            });
        let skip = shown.clone().count().saturating_sub(LANES_MAX);
        let mut count = 0;
        for (revision, weight) in shown.skip(skip) {
            if self.lanes.len() <= count {
                self.lanes.push(Lane::default());
            }
            let lane = &mut self.lanes[count];
            lane.revision = revision.number;
            lane.look = crate::lab::view::look_of(world, revision.image);
            lane.version.clear();
            if let Some(image) = world.supply_view().image(revision.image) {
                lane.version.push_str(&image.spec.app_version);
            }
            lane.weight = weight;
            lane.served = (served(revision, weight) * 100).checked_div(served_total).unwrap_or(0) as u32;
            lane.preview = weight == 0 && rollout.smoke_tested == Some(revision.number);
            let recent = rollout.recent_traffic(revision.number, 1);
            lane.error_permille = (recent.errors * 1000).checked_div(recent.requests).unwrap_or(0) as u32;
            (lane.in_service, lane.draining, lane.starting) = (0, 0, 0);
            lane.instances.clear();
            count += 1;
        }
        self.lanes.truncate(count);
        for instance in world.fleet_view().instances {
            let Some(lane) = self.lanes.iter_mut().find(|lane| lane.revision == instance.revision) else {
                continue;
            };
            match instance.state {
                Lifecycle::InService if !instance.unhealthy => lane.in_service += 1,
                Lifecycle::InService => {}
                Lifecycle::Draining => lane.draining += 1,
                Lifecycle::Pending | Lifecycle::Booting => lane.starting += 1,
                Lifecycle::Terminated => continue,
            }
            if lane.instances.len() < INSTANCES_SHOWN_MAX {
                lane.instances.push(LaneInstance {
                    id: instance.id,
                    state: if instance.unhealthy { Lifecycle::Draining } else { instance.state },
                    unhealthy: instance.unhealthy,
                    look: crate::lab::view::look_of(world, instance.image),
                });
            }
        }
    }
}

/// How long a failed request's mark stays after it arrives, in ticks.
pub const LINGER: f64 = 0.6;

/// The instances of `lane` taking requests, in fleet order.
fn in_service(lane: &Lane) -> impl Iterator<Item = InstanceId> + '_ {
    lane.instances
        .iter()
        .filter(|instance| instance.state == Lifecycle::InService)
        .map(|instance| instance.id)
}

/// The lane a request goes down, given a number in `0..100` and the lanes' weights; `None` when no
/// lane takes user traffic.
/// The lane a request went down: by the last tick's served shares (by the weights before any
/// request was served).
fn pick_lane(lanes: &[Lane], pick: u32) -> Option<usize> {
    let by_served = lanes.iter().any(|lane| lane.served > 0);
    let share = |lane: &Lane| if by_served { lane.served } else { lane.weight };
    let mut below = 0;
    for (index, lane) in lanes.iter().enumerate() {
        below += share(lane);
        if pick < below {
            return Some(index);
        }
    }
    lanes.iter().rposition(|lane| share(lane) > 0)
}

/// The picture in words, for screen readers and for the canvas's label.
pub fn summary(traffic: &Traffic) -> String {
    use std::fmt::Write;
    if traffic.lanes.iter().all(|lane| lane.weight == 0) {
        return "The load balancer has no revision to send requests to.".into();
    }
    let mut text = String::from("The load balancer sends");
    for (index, lane) in traffic.lanes.iter().enumerate() {
        let _ = write!(
            text,
            "{} {}% of requests to revision {} (v{}: {} in service",
            if index == 0 { "" } else { ";" },
            lane.weight,
            lane.revision,
            lane.version,
            lane.in_service
        );
        if lane.draining > 0 {
            let _ = write!(text, ", {} draining", lane.draining);
        }
        if lane.starting > 0 {
            let _ = write!(text, ", {} starting", lane.starting);
        }
        text.push(')');
        if lane.preview {
            text.push_str(", a preview only smoke tests reach");
        }
        if lane.error_permille > 0 {
            let _ = write!(text, ", failing {}% of them", lane.error_permille.div_ceil(10));
        }
    }
    if traffic.rejected_permille > 0 {
        let _ = write!(text, "; {}% find no capacity and fail", traffic.rejected_permille.div_ceil(10));
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::state::{Action, Lab};
    use crate::platform::query::PageQuery;

    fn lab(scenario: &str, fleet: Option<u32>) -> Lab {
        Lab::from_query(&PageQuery { scenario: Some(scenario.into()), fleet, ..PageQuery::default() })
    }

    /// Runs `lab` tick by tick, feeding the picture, until `done` holds (or fails after `limit`).
    fn run_until(lab: &mut Lab, traffic: &mut Traffic, limit: u32, done: impl Fn(&Traffic) -> bool) {
        for _ in 0..limit {
            lab.reduce(Action::Advance(1));
            traffic.update(&lab.world);
            if done(traffic) {
                return;
            }
        }
        panic!("not reached in {limit} ticks: {}", summary(traffic));
    }

    /// Requests sent during the last tick, by lane revision.
    fn sent_last_tick(traffic: &Traffic, now: u64) -> Vec<&Request> {
        traffic.requests.iter().filter(|r| r.sent_at >= now as f64 - 1.0).collect()
    }

    #[test]
    fn a_canary_gets_its_weight_of_the_requests() {
        let mut lab = lab("canary", None);
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| {
            t.lanes.len() == 2 && t.lanes[1].weight > 0 && t.lanes[1].in_service > 0
        });
        let canary = traffic.lanes[1].revision;
        let weight = traffic.lanes[1].weight;
        let (mut to_canary, mut total) = (0, 0);
        while traffic.lanes.get(1).is_some_and(|lane| lane.revision == canary && lane.weight == weight)
            && total < 400
        {
            for request in sent_last_tick(&traffic, lab.world.now()) {
                total += 1;
                to_canary += u32::from(request.revision == Some(canary));
            }
            lab.reduce(Action::Advance(1));
            traffic.update(&lab.world);
        }
        assert!(total >= 5 * REQUESTS_PER_TICK, "the weight held for a while: {total} requests");
        let share = to_canary * 100 / total;
        assert!(share.abs_diff(weight) <= 5, "canary got {share}% of the requests at weight {weight}%");
    }

    #[test]
    fn a_faulty_canary_fails_requests_and_only_there() {
        let mut lab = lab("canary-bad", None);
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| t.lanes.len() == 2 && t.lanes[1].error_permille > 0);
        let canary = traffic.lanes[1].revision;
        let sent = sent_last_tick(&traffic, lab.world.now());
        assert!(
            sent.iter().all(|r| !r.fails || r.revision == Some(canary)),
            "the stable revision fails nothing"
        );
        assert!(
            sent.iter().any(|r| r.fails && r.revision == Some(canary)),
            "a failed request is marked, on the canary"
        );
        // The analysis aborted the canary in the tick it served those requests (TM-7): its weight
        // is 0 now, and the words say what it did.
        let words = summary(&traffic);
        assert!(
            words.contains(&format!("0% of requests to revision {canary}")) && words.contains("failing 25%"),
            "{words}"
        );
    }

    #[test]
    fn a_draining_instance_gets_no_new_requests_but_finishes_those_on_their_way() {
        let mut lab = lab("demo", None);
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| t.lanes.iter().any(|l| l.draining > 0));
        let now = lab.world.now();
        let draining: Vec<InstanceId> = traffic
            .lanes
            .iter()
            .flat_map(|lane| lane.instances.iter())
            .filter(|instance| instance.state == Lifecycle::Draining)
            .map(|instance| instance.id)
            .collect();
        let aimed = |request: &Request| request.instance.is_some_and(|id| draining.contains(&id));
        assert!(
            sent_last_tick(&traffic, now).iter().all(|r| !aimed(r)),
            "nothing new is sent to a draining instance"
        );
        assert!(
            traffic.requests.iter().any(|r| aimed(r) && r.progress(now as f64 - 1.0) < 1.0),
            "requests sent before it began draining are still on their way to it"
        );
    }

    #[test]
    fn blue_green_shows_a_preview_without_users_then_switches_everything() {
        let mut lab = lab("blue-green", None);
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| t.lanes.iter().any(|l| l.preview && l.in_service > 0));
        let preview = traffic.lanes.iter().find(|l| l.preview).unwrap().revision;
        assert!(sent_last_tick(&traffic, lab.world.now()).iter().all(|r| r.revision != Some(preview)));
        assert!(summary(&traffic).contains("a preview only smoke tests reach"));
        lab.reduce(Action::Command(lab_engine::Command::PromoteRollout));
        run_until(&mut lab, &mut traffic, 50, |t| {
            t.lanes.iter().any(|l| l.revision == preview && l.weight == 100)
        });
        lab.reduce(Action::Advance(1));
        traffic.update(&lab.world);
        assert!(sent_last_tick(&traffic, lab.world.now()).iter().all(|r| r.revision == Some(preview)));
    }

    #[test]
    fn a_large_fleet_is_drawn_as_blocks_and_the_stream_stays_the_same_size() {
        let mut lab = lab("demo", Some(5_000));
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| t.lanes.iter().any(|l| l.in_service > 0));
        assert!(
            traffic.lanes.iter().all(|lane| lane.aggregated() && lane.instances.len() <= INSTANCES_SHOWN_MAX)
        );
        let in_flight = traffic.requests.len();
        assert!(
            in_flight <= (REQUESTS_PER_TICK as f64 * (TRAVEL_TICKS + LINGER + 1.0)) as usize,
            "{in_flight}"
        );
    }

    #[test]
    fn a_revision_launched_through_a_moving_tag_shows_each_instance_in_its_own_image() {
        let mut lab = lab("latest-trap", None);
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| {
            t.lanes.len() == 1 && t.lanes[0].instances.iter().any(|i| i.look != t.lanes[0].instances[0].look)
        });
    }

    #[test]
    fn going_back_in_time_starts_the_stream_afresh() {
        let mut lab = lab("demo", None);
        let mut traffic = Traffic::default();
        run_until(&mut lab, &mut traffic, 400, |t| !t.requests.is_empty());
        lab.reduce(Action::Reset);
        traffic.update(&lab.world);
        assert!(traffic.requests.is_empty());
    }
}
