//! The load balancer and the request stream: each tick the fleet's load is offered to the
//! instances in service; what capacity cannot take fails, and what it takes is split between
//! revisions by the traffic weights, where a faulty version fails its share of requests. Canary
//! analysis reads the result and aborts a rollout whose canary errors too much, saying why.

use std::collections::VecDeque;

use super::Rollout;
use crate::Event;
use crate::event_log::EventLog;
use crate::registry::Registry;
use crate::strategy::{AnalysisFinding, AnalysisKind, AnalysisRun, CanaryAnalysis, Measurement, Verdict};

/// Requests each wanted instance's share of the load amounts to, per tick.
const REQUESTS_PER_INSTANCE_TICK: u64 = 10;
/// Requests one instance in service can serve per tick (20% headroom over its share).
const CAPACITY_PER_INSTANCE_TICK: u64 = 12;
/// How long a healthy instance takes to answer a request, in milliseconds; a slow build adds its
/// `added_latency_ms`.
pub const BASE_LATENCY_MS: u64 = 40;
/// Ticks of per-revision request history kept for analysis.
const WINDOW_TICKS_MAX: usize = crate::strategy::analysis::WINDOW_TICKS_MAX as usize;

/// How the service fared: requests it could not serve and time spent below the wanted capacity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ServiceStats {
    /// Requests offered, in total.
    pub requests: u64,
    /// Requests that failed: no capacity, or an error from a faulty version.
    pub failed_requests: u64,
    /// Requests served by a version that errors (the blast radius of a bad release).
    pub faulty_requests: u64,
    /// Ticks with fewer instances in service than wanted.
    pub degraded_ticks: u64,
    /// Times the fleet dropped below the wanted capacity.
    pub incidents: u32,
    #[serde(skip)]
    degraded: bool,
}

impl ServiceStats {
    /// Mean ticks to get back to full capacity (0 when it never dropped).
    pub fn mttr_ticks(&self) -> u64 {
        self.degraded_ticks.checked_div(u64::from(self.incidents)).unwrap_or(0)
    }
}

/// The revision number of a traffic record no revision uses now (numbers start at 1).
const UNUSED: u32 = 0;

/// Requests and errors of one revision over recent ticks, for analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RevisionTraffic {
    /// The revision.
    pub(super) revision: u32,
    /// (requests, errors, summed latency in ms) per tick, newest last.
    pub(super) window: VecDeque<(u64, u64, u64)>,
    /// Thousandths of an error carried to the next tick, so a 0.5% error rate still shows.
    carry: u64,
}

impl Rollout {
    /// Percent of requests each revision receives, in revision order. Blue-green sends everything
    /// to the active (stable) revision; the other strategies split by instances in service.
    pub(crate) fn traffic_weights(&self) -> Vec<u32> {
        let mut weights = Vec::with_capacity(self.revisions.len());
        self.fill_traffic_weights(&mut weights);
        weights
    }

    fn fill_traffic_weights(&self, weights: &mut Vec<u32>) {
        self.strategy.strategy().traffic_weights(&self.revisions, self.target, &self.status, weights);
    }

    /// Serves one tick of requests and records what happened.
    pub(crate) fn serve_requests(&mut self, registry: &Registry) {
        let in_service: u64 = self.revisions.iter().map(|r| u64::from(r.available)).sum();
        let load = u64::from(self.replicas) * REQUESTS_PER_INSTANCE_TICK;
        let served = load.min(in_service * CAPACITY_PER_INSTANCE_TICK);
        let mut failed = load - served;

        let mut weights = std::mem::take(&mut self.scratch_weights);
        self.fill_traffic_weights(&mut weights);
        // A blue-green preview gets smoke-test requests (not users'), which its analysis reads.
        let preview = self.strategy.strategy().smoke_tested(&self.status);
        let mut handed_out = 0;
        let mut dropped_total = 0;
        for (index, weight) in weights.iter().enumerate() {
            let revision = &self.revisions[index];
            // The last revision with weight takes the rounding remainder.
            let last = weights[index + 1..].iter().all(|w| *w == 0);
            let mut requests =
                if last && *weight > 0 { served - handed_out } else { served * u64::from(*weight) / 100 };
            handed_out += requests;
            let test_only = *weight == 0 && preview == Some(revision.number);
            if test_only {
                requests = u64::from(revision.available) * REQUESTS_PER_INSTANCE_TICK;
            }
            let (error_rate, latency_ms, crashes) =
                registry.image(revision.image).map_or((0, BASE_LATENCY_MS, false), |i| {
                    (
                        u64::from(i.spec.error_rate_per_mille),
                        BASE_LATENCY_MS + u64::from(i.spec.added_latency_ms),
                        i.spec.crash_after_ticks > 0,
                    )
                });
            let number = revision.number;
            let stats = match self.traffic.iter().position(|t| t.revision == number) {
                Some(position) => &mut self.traffic[position],
                // A new revision takes over the record of one that is gone, window and all
                // (cleared), so a busy fleet's deploys allocate nothing once warm.
                None => match self.traffic.iter().position(|t| t.revision == UNUSED) {
                    Some(position) => {
                        let stats = &mut self.traffic[position];
                        (stats.revision, stats.carry) = (number, 0);
                        stats.window.clear();
                        stats
                    }
                    None => {
                        self.traffic.push(RevisionTraffic {
                            revision: number,
                            window: VecDeque::with_capacity(WINDOW_TICKS_MAX),
                            carry: 0,
                        });
                        self.traffic.last_mut().expect("just pushed")
                    }
                },
            };
            let thousandths = requests * error_rate + stats.carry;
            // An instance that crashed this tick drops the requests it was serving.
            let dropped =
                u64::from(std::mem::take(&mut self.revisions[index].crashed)) * REQUESTS_PER_INSTANCE_TICK;
            let requests = requests + dropped;
            dropped_total += dropped;
            let errors = thousandths / 1000 + dropped;
            stats.carry = thousandths % 1000;
            if stats.window.len() == WINDOW_TICKS_MAX {
                stats.window.pop_front();
            }
            stats.window.push_back((requests, errors, requests * latency_ms));
            if !test_only {
                failed += errors;
                if error_rate > 0 || crashes {
                    self.service.faulty_requests += requests;
                }
            }
        }
        self.scratch_weights = weights;
        // Revisions no longer tracked take their history with them.
        let revisions = &self.revisions;
        for stats in &mut self.traffic {
            if !revisions.iter().any(|r| r.number == stats.revision) {
                stats.revision = UNUSED;
            }
        }

        self.service.requests += load + dropped_total;
        self.service.failed_requests += failed;
        let degraded = in_service < u64::from(self.replicas);
        if degraded {
            self.service.degraded_ticks += 1;
            if !self.service.degraded {
                self.service.incidents += 1;
            }
        }
        self.service.degraded = degraded;
    }

    /// Requests, errors and summed latency (ms) a revision had over the last `ticks` ticks.
    pub(crate) fn revision_traffic(&self, revision: u32, ticks: usize) -> (u64, u64, u64) {
        self.traffic.iter().find(|t| t.revision == revision).map_or((0, 0, 0), |t| {
            t.window.iter().rev().take(ticks).fold((0, 0, 0), |(r, e, l), (requests, errors, latency)| {
                (r + requests, e + errors, l + latency)
            })
        })
    }

    /// Analysis, whichever the strategy has due (a canary's background and step analyses,
    /// blue-green's pre- and post-promotion ones), read from the requests served so far. Each run
    /// measures when it starts, then every interval (TM-8). More failed measurements than the
    /// limit abort the rollout, more inconclusive ones than theirs pause it; either way the
    /// finding names the metric, its value and the threshold. Returns whether a verdict changed
    /// the rollout, so the world reconciles again within the tick (TM-7).
    pub(crate) fn analyse(&mut self, tick: u64, log: &mut EventLog) -> bool {
        if self.status.inconclusive_pause.is_some() {
            // Waiting for a person: nothing is measured until they decide.
            return false;
        }
        let target = self.revisions[self.target].number;
        let step_index = self.status.step_index;
        let due = self.strategy.strategy().due_analyses(&self.status, target);
        for (slot, entry) in due.into_iter().enumerate() {
            let Some((analysis, kind)) = entry else {
                if let Some(run) = &mut self.status.analysis_runs[slot] {
                    run.finished = true;
                }
                continue;
            };
            // A step analysis belongs to its step; the others to the rollout as a whole.
            let step = if kind == AnalysisKind::Step { step_index } else { 0 };
            let run = match &mut self.status.analysis_runs[slot] {
                Some(run) if run.is(kind, target, step) => run,
                other => other.insert(AnalysisRun::start(kind, target, step, tick)),
            };
            if !run.due_at(tick, analysis.interval_ticks) {
                continue;
            }
            let Some(measurement) = self.measure(target, &analysis) else { continue };
            if let Some(run) = &mut self.status.analysis_runs[slot] {
                run.record(measurement.verdict);
            }
            // A background analysis runs as long as the rollout; the others count towards their
            // number of measurements.
            let counted = kind != AnalysisKind::Background;
            if counted {
                self.status.step_measurements = self.status.step_measurements.saturating_add(1);
            }
            let Some(finding) = self.judge(&analysis, &measurement, kind, target) else {
                let promotion_analysis =
                    matches!(kind, AnalysisKind::PrePromotion | AnalysisKind::PostPromotion);
                if promotion_analysis && self.status.step_measurements >= analysis.count.unwrap_or(1) {
                    self.status.analysis_passed = true;
                }
                continue;
            };
            self.act_on_analysis(finding, tick, log);
            return true;
        }
        false
    }

    /// Counts a measurement against its analysis' limits; past one, returns what was found
    /// (which metric, its value, the threshold).
    fn judge(
        &mut self,
        analysis: &CanaryAnalysis,
        measurement: &Measurement,
        kind: AnalysisKind,
        revision: u32,
    ) -> Option<AnalysisFinding> {
        let status = &mut self.status;
        let (count, limit) = match measurement.verdict {
            Verdict::Successful => return None,
            Verdict::Failed => {
                status.analysis_failures = status.analysis_failures.saturating_add(1);
                (status.analysis_failures, analysis.failure_limit)
            }
            Verdict::Inconclusive => {
                status.analysis_inconclusive = status.analysis_inconclusive.saturating_add(1);
                (status.analysis_inconclusive, analysis.inconclusive_limit)
            }
        };
        (count > limit).then_some(AnalysisFinding {
            kind,
            revision,
            analysis: *analysis,
            measurement: *measurement,
            count,
        })
    }

    /// A failed analysis aborts the rollout; an inconclusive one pauses it for a person.
    fn act_on_analysis(&mut self, finding: AnalysisFinding, tick: u64, log: &mut EventLog) {
        if finding.measurement.verdict == Verdict::Inconclusive {
            self.status.analysis_inconclusive = 0;
            self.status.inconclusive_pause = Some(finding);
            log.emit(tick, Event::AnalysisInconclusive { finding });
        } else {
            // The strategy says where the traffic goes back to (blue-green after its switch).
            self.abort_rollout(crate::AbortCause::Analysis { finding, traffic_back_to: None }, tick, log);
        }
    }
}

impl Rollout {
    /// One measurement of `revision` over the analysis' window; no traffic gives no verdict.
    fn measure(&self, revision: u32, analysis: &CanaryAnalysis) -> Option<Measurement> {
        let (requests, errors, latency_total_ms) =
            self.revision_traffic(revision, analysis.window_ticks as usize);
        analysis.judge(requests, errors, latency_total_ms)
    }
}
