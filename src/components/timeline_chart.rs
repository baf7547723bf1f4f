//! The rollout over time: ready instances per revision (one line each, in the revision's colour
//! and with its own dash pattern) with the failed-request rate beneath, and the request stream —
//! one column per tick, stacked by the revision that served the requests, failures in red with a
//! cross. A learner sees a weight shift as the columns change colour, and a bad version as red.

use std::rc::Rc;

use yew::prelude::*;

use crate::canvas::palette;
use crate::lab::timeline::{Sample, TIMELINE_TICKS, Timeline};
use crate::text::units::whole;

const WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 110.0;
const STREAM_TICKS: usize = 60;
const STREAM_HEIGHT: f64 = 60.0;
/// Dash patterns by look, so revisions differ by more than colour.
const DASHES: [&str; 6] = ["", "7 4", "2 3", "10 3 2 3", "4 4", "1 5"];
/// The red of failed requests (the palette's error colour).
const FAILED: &str = "#c0392b";

#[derive(Properties, PartialEq)]
pub struct TimelineChartProps {
    pub timeline: Rc<Timeline>,
    /// The fleet size, for the chart's scale.
    pub replicas: u32,
}

/// Percent of a tick's requests that failed.
fn failed_percent(sample: &Sample) -> u64 {
    (sample.failed() * 100).checked_div(sample.requests()).unwrap_or(0)
}

#[component]
pub fn TimelineChart(props: &TimelineChartProps) -> Html {
    let samples = &props.timeline.samples;
    let ready_max = samples
        .iter()
        .map(|s| s.revisions.iter().map(|r| r.ready).max().unwrap_or(0))
        .chain([props.replicas, 1])
        .max()
        .unwrap_or(1);
    // The chart always spans its width: early on a tick is wide, later the window scrolls.
    let step = WIDTH / (samples.len().max(STREAM_TICKS / 2) - 1) as f64;
    let x = |index: usize| whole(index as f64 * step);
    let y = |ready: u32| whole(4.0 + (1.0 - f64::from(ready) / f64::from(ready_max)) * (CHART_HEIGHT - 8.0));
    // One line per revision seen in the window, oldest revision first.
    let mut revisions: Vec<(u32, usize)> =
        samples.iter().flat_map(|s| s.revisions.iter().map(|r| (r.revision, r.look))).collect();
    revisions.sort_unstable();
    revisions.dedup_by_key(|(revision, _)| *revision);
    let line = |revision: u32| {
        samples
            .iter()
            .enumerate()
            .map(|(index, s)| {
                let ready = s.revisions.iter().find(|r| r.revision == revision).map_or(0, |r| r.ready);
                format!("{},{}", x(index), y(ready))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The failure rate is scaled so its peak fills the lower half (the legend gives the peak).
    let failed_peak_raw = samples.iter().map(failed_percent).max().unwrap_or(0);
    let failed_peak = failed_peak_raw.max(1);
    let error_area = {
        let mut points: Vec<String> = samples
            .iter()
            .enumerate()
            .map(|(index, s)| {
                format!(
                    "{},{}",
                    x(index),
                    whole(
                        CHART_HEIGHT - (failed_percent(s) * 50 / failed_peak) as f64 * CHART_HEIGHT / 100.0
                    )
                )
            })
            .collect();
        if let Some(last) = samples.len().checked_sub(1) {
            points.push(format!("{},{}", x(last), whole(CHART_HEIGHT)));
            points.push(format!("0,{}", whole(CHART_HEIGHT)));
        }
        points.join(" ")
    };

    let stream_start = samples.len().saturating_sub(STREAM_TICKS);
    let cell = WIDTH / STREAM_TICKS as f64;
    // One path per colour (and one for the crosses) rather than an element per cell: the stream
    // changes every tick, and a handful of `d` attributes are far cheaper to update than hundreds
    // of rectangles.
    let mut fills: Vec<(&'static str, String)> = Vec::new();
    let mut crosses = String::new();
    for (column, sample) in samples.iter().skip(stream_start).enumerate() {
        let total = sample.requests().max(1) as f64;
        let left = column as f64 * cell;
        let mut offset = 0.0_f64;
        let served = sample.revisions.iter().map(|r| (palette::look(r.look).colour, r.requests - r.errors));
        for (fill, count) in served.chain([(FAILED, sample.failed())]).filter(|(_, count)| *count > 0) {
            // Failures get room for their cross even when they are few.
            let height = (count as f64 / total * STREAM_HEIGHT).max(if fill == FAILED { 8.0 } else { 1.0 });
            let top = if fill == FAILED { offset.min(STREAM_HEIGHT - height) } else { offset };
            let path = match fills.iter_mut().find(|(known, _)| *known == fill) {
                Some((_, path)) => path,
                None => {
                    fills.push((fill, String::new()));
                    &mut fills.last_mut().expect("just pushed").1
                }
            };
            path.push_str(&format!(
                "M{} {}h{}v{}h-{}z",
                whole(left),
                whole(top),
                whole(cell - 1.0),
                whole(height),
                whole(cell - 1.0)
            ));
            offset += height;
        }
        if sample.failed() > 0 {
            // A cross marks failures, so they do not rely on red alone.
            let (x1, x2) = (whole(left + 1.0), whole(left + cell - 2.0));
            let (top, bottom) = (whole(STREAM_HEIGHT - 8.0), whole(STREAM_HEIGHT - 1.0));
            crosses.push_str(&format!("M{x1} {top}L{x2} {bottom}M{x2} {top}L{x1} {bottom}"));
        }
    }

    let last = samples.back();
    let summary = last.map_or_else(
        || "No ticks yet".to_owned(),
        |s| {
            let ready: Vec<String> =
                s.revisions.iter().map(|r| format!("revision {} {} ready", r.revision, r.ready)).collect();
            format!("Tick {}: {}; {}% of requests failed", s.tick, ready.join(", "), failed_percent(s))
        },
    );
    let failed_in_window: u64 = samples.iter().map(Sample::failed).sum();
    html! {
        <section class="card timeline" aria-labelledby="timeline-title" data-testid="timeline"
            data-failed-percent={last.map_or(0, failed_percent).to_string()} data-failed-window={failed_in_window.to_string()}>
            <div class="card-head">
                <h2 id="timeline-title">{"Timeline"}</h2>
                <span class="muted">{ format!("last {TIMELINE_TICKS} ticks") }</span>
            </div>
            <p class="legend-row">
                { for revisions.iter().map(|(revision, look)| html! {
                    <span class="series" key={*revision}>
                        <svg width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" stroke={palette::look(*look).colour}
                            stroke-width="3" stroke-dasharray={DASHES[*look % DASHES.len()]} /></svg>
                        { format!("rev {revision} ready") }
                    </span>
                }) }
                <span class="series"><svg width="14" height="10" aria-hidden="true"><rect width="14" height="10" fill={FAILED} opacity="0.35" /></svg>{ if failed_peak_raw == 0 { "failed requests (none)".to_owned() } else { format!("failed requests (peak {failed_peak_raw}%)") } }</span>
            </p>
            <svg class="timeline-chart" viewBox={format!("0 0 {} {}", whole(WIDTH), whole(CHART_HEIGHT))} role="img" aria-label={summary.clone()}>
                <polygon points={error_area} fill={FAILED} opacity="0.35" />
                { for revisions.iter().map(|(revision, look)| html! {
                    <polyline key={*revision} points={line(*revision)} fill="none" stroke={palette::look(*look).colour}
                        stroke-width="2.5" stroke-dasharray={DASHES[*look % DASHES.len()]} />
                }) }
            </svg>
            <h3 class="subhead">{"Request stream"}<span class="muted">{" · each column one tick, coloured by the revision that answered; red ✕ failed"}</span></h3>
            <svg class="request-stream" viewBox={format!("0 0 {} {}", whole(WIDTH), whole(STREAM_HEIGHT))} role="img"
                aria-label={format!("Requests per tick by revision over the last {STREAM_TICKS} ticks; {failed_in_window} failed")}>
                { for fills.iter().map(|(fill, path)| html! { <path key={*fill} d={path.clone()} fill={*fill} /> }) }
                if !crosses.is_empty() {
                    <path class="fail-cross" fill="none" d={crosses.clone()} />
                }
            </svg>
        </section>
    }
}
