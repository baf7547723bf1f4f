//! A small line chart of one metric over time for both fleets. The mutable fleet is a dashed
//! vermillion line, the immutable fleet a solid blue one: colour and pattern both tell them apart.

use std::rc::Rc;

use yew::prelude::*;

use crate::text::units::whole;

/// Chart size in SVG units; the chart scales to its container.
const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 120.0;
const PAD_LEFT: f64 = 30.0;
const PAD_BOTTOM: f64 = 18.0;
/// Points drawn per series at most: longer runs are thinned evenly.
const POINTS_MAX: usize = 300;

#[derive(Properties, PartialEq)]
pub struct MetricChartProps {
    pub title: AttrValue,
    /// (tick, value) for the mutable fleet.
    pub mutable: Rc<Vec<(u64, f64)>>,
    /// (tick, value) for the immutable fleet.
    pub immutable: Rc<Vec<(u64, f64)>>,
    /// A machine-readable name for tests.
    pub metric: AttrValue,
}

#[component]
pub fn MetricChart(props: &MetricChartProps) -> Html {
    let series = [&props.mutable, &props.immutable];
    let ticks_max = series.iter().flat_map(|s| s.last().map(|(t, _)| *t)).max().unwrap_or(1).max(1) as f64;
    let value_max = series.iter().flat_map(|s| s.iter().map(|(_, v)| *v)).fold(1.0_f64, f64::max).ceil();
    let x = |tick: u64| PAD_LEFT + (tick as f64 / ticks_max) * (WIDTH - PAD_LEFT - 4.0);
    let y = |value: f64| 4.0 + (1.0 - value / value_max) * (HEIGHT - PAD_BOTTOM - 4.0);
    let points = |data: &[(u64, f64)]| {
        let step = data.len().div_ceil(POINTS_MAX).max(1);
        data.iter()
            .step_by(step)
            .chain(data.last())
            .map(|(t, v)| format!("{},{}", whole(x(*t)), whole(y(*v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let last = |data: &[(u64, f64)]| data.last().map_or(0, |(_, v)| whole(*v));
    html! {
        <figure class="chart" data-metric={props.metric.clone()}
            data-mutable={last(&props.mutable).to_string()} data-immutable={last(&props.immutable).to_string()}>
            <figcaption>
                { props.title.clone() }
                <span class="chart-values">
                    <span class="series mutable">{ format!("mutable {}", last(&props.mutable)) }</span>
                    <span class="series immutable">{ format!("immutable {}", last(&props.immutable)) }</span>
                </span>
            </figcaption>
            <svg viewBox={format!("0 0 {} {}", whole(WIDTH), whole(HEIGHT))} role="img"
                aria-label={format!("{}: mutable {}, immutable {}", props.title, last(&props.mutable), last(&props.immutable))}>
                <line class="axis" x1={whole(PAD_LEFT).to_string()} y1={whole(HEIGHT - PAD_BOTTOM).to_string()} x2={whole(WIDTH).to_string()} y2={whole(HEIGHT - PAD_BOTTOM).to_string()} />
                <line class="axis" x1={whole(PAD_LEFT).to_string()} y1="4" x2={whole(PAD_LEFT).to_string()} y2={whole(HEIGHT - PAD_BOTTOM).to_string()} />
                <text class="tick-label" x={whole(PAD_LEFT - 4.0).to_string()} y="12" text-anchor="end">{ whole(value_max) }</text>
                <text class="tick-label" x={whole(PAD_LEFT - 4.0).to_string()} y={whole(HEIGHT - PAD_BOTTOM).to_string()} text-anchor="end">{"0"}</text>
                <text class="tick-label" x={whole(WIDTH).to_string()} y={whole(HEIGHT - 4.0).to_string()} text-anchor="end">{ format!("tick {}", whole(ticks_max)) }</text>
                <polyline class="line mutable" points={points(&props.mutable)} />
                <polyline class="line immutable" points={points(&props.immutable)} />
            </svg>
        </figure>
    }
}
