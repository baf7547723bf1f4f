//! Draws the load balancer sending requests to revisions and their instances: one pipe per
//! revision, as thick as its share of the traffic (the width eases to a new weight, so a canary's
//! step or a blue-green switch is seen happening), requests travelling down the pipes in the colour
//! and shape of the image that answers them, a cross where one fails, and draining instances as outlines that
//! still receive the requests already on their way. With reduced motion the pipes and counts stay,
//! the travelling requests do not.

use lab_engine::Lifecycle;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use std::fmt::Write as _;

use super::Words;
use super::fleet::{context_2d, glyph_path};
use crate::canvas::palette::{self, Look};
use crate::lab::state::Lab;
use crate::lab::traffic::{LINGER, Lane, Traffic};

/// Height of one revision's lane, in CSS pixels.
const LANE_PX: f64 = 46.0;
/// The load balancer's box.
const BALANCER_PX: (f64, f64) = (104.0, 48.0);
/// One instance in a lane.
const INSTANCE_PX: f64 = 16.0;
const INSTANCE_GAP_PX: f64 = 4.0;
/// A pipe's length against the straight line between its ends (its S-bend is a little longer).
const PIPE_CURVE_LENGTH: f64 = 1.08;
/// How quickly a pipe's width follows a new weight: the time constant, in milliseconds.
const EASE_MS: f64 = 220.0;

/// What the traffic canvas keeps between frames.
#[derive(Default)]
pub struct TrafficPainter {
    traffic: Traffic,
    /// Each lane's pipe width as drawn (percent), easing toward its weight.
    shown_weights: Vec<(u32, f64)>,
    size: (u32, u32),
    last_frame_ms: Option<f64>,
    reduced_motion: Option<bool>,
    /// The labels' text.
    words: Words,
}

/// Where things are on the canvas this frame.
struct Geometry {
    width: f64,
    balancer: (f64, f64),
    lane_x: f64,
    lane_top: f64,
}

impl Geometry {
    fn lane_y(&self, index: usize) -> f64 {
        self.lane_top + LANE_PX * (index as f64 + 0.5) + 6.0
    }

    fn instance_x(&self, slot: usize) -> f64 {
        self.lane_x + 10.0 + slot as f64 * (INSTANCE_PX + INSTANCE_GAP_PX) + INSTANCE_PX / 2.0
    }

    fn block_width(&self) -> f64 {
        (self.width - self.lane_x - 20.0).clamp(60.0, 320.0)
    }

    /// A point on the pipe from the balancer to lane `y`, `t` in 0..1 (a cubic Bézier).
    fn pipe_point(&self, y: f64, t: f64) -> (f64, f64) {
        let (x0, y0) = (self.balancer.0 + BALANCER_PX.0, self.balancer.1);
        let x3 = self.lane_x;
        let xm = (x0 + x3) / 2.0;
        let u = 1.0 - t;
        let x = u * u * u * x0 + 3.0 * u * u * t * xm + 3.0 * u * t * t * xm + t * t * t * x3;
        let y = u * u * u * y0 + 3.0 * u * u * t * y0 + 3.0 * u * t * t * y + t * t * t * y;
        (x, y)
    }
}

impl TrafficPainter {
    /// Forgets the stream (after a reset).
    pub fn clear(&mut self) {
        self.traffic = Traffic::default();
        self.shown_weights.clear();
    }

    /// Draws the traffic as of the last tick plus `fraction` of the next. Returns whether a pipe is
    /// still easing to its weight (so the caller paints again next frame).
    pub fn paint(&mut self, canvas: &HtmlCanvasElement, lab: &Lab, fraction: f64, now_ms: f64) -> bool {
        let Some(context) = context_2d(canvas) else { return false };
        let reduced_motion = *self.reduced_motion.get_or_insert_with(prefers_reduced_motion);
        self.traffic.update(&lab.world);
        let easing = self.ease_weights(now_ms, reduced_motion);

        let lanes = self.traffic.lanes.len().max(2);
        let css_width = f64::from(canvas.client_width().max(300));
        let css_height = LANE_PX * lanes as f64 + 20.0;
        super::begin_frame(canvas, &context, (css_width, css_height), &mut self.size);

        // Lanes from the top; the balancer faces the middle of those there are.
        let lane_top = 4.0;
        let occupied_px = LANE_PX * self.traffic.lanes.len().max(1) as f64;
        let geometry = Geometry {
            width: css_width,
            balancer: (4.0, (lane_top + occupied_px / 2.0 + 6.0).max(BALANCER_PX.1 / 2.0 + 4.0)),
            lane_x: (css_width * 0.36).clamp(150.0, 300.0),
            lane_top,
        };
        for (index, lane) in self.traffic.lanes.iter().enumerate() {
            let shown = self.shown_weights.get(index).map_or(0.0, |(_, weight)| *weight);
            draw_pipe(&context, &geometry, (index, lane), shown, &mut self.words);
        }
        draw_balancer(&context, &geometry, self.traffic.rejected_permille, &mut self.words);
        for (index, lane) in self.traffic.lanes.iter().enumerate() {
            draw_lane(&context, &geometry, (index, lane), &mut self.words);
        }
        if !reduced_motion {
            let time = lab.world.now() as f64 - 1.0 + fraction;
            draw_requests(&context, &geometry, &self.traffic, time);
        }
        easing
    }

    /// Moves each pipe's drawn width toward its lane's weight; returns whether any is still moving.
    fn ease_weights(&mut self, now_ms: f64, reduced_motion: bool) -> bool {
        let elapsed_ms = self.last_frame_ms.map_or(0.0, |last| (now_ms - last).clamp(0.0, 100.0));
        self.last_frame_ms = Some(now_ms);
        let step = if reduced_motion { 1.0 } else { 1.0 - (-elapsed_ms / EASE_MS).exp() };
        let mut moving = false;
        for (index, lane) in self.traffic.lanes.iter().enumerate() {
            let target = f64::from(lane.weight);
            match self.shown_weights.get_mut(index) {
                Some((revision, shown)) if *revision == lane.revision => {
                    *shown += (target - *shown) * step;
                    if (target - *shown).abs() < 0.2 {
                        *shown = target;
                    }
                    moving |= *shown != target;
                }
                Some(entry) => *entry = (lane.revision, target),
                None => self.shown_weights.push((lane.revision, target)),
            }
        }
        self.shown_weights.truncate(self.traffic.lanes.len());
        moving
    }
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|query| query.matches())
}

fn draw_balancer(
    context: &CanvasRenderingContext2d,
    geometry: &Geometry,
    rejected_permille: u32,
    words: &mut Words,
) {
    let (x, y) = geometry.balancer;
    let (w, h) = BALANCER_PX;
    context.begin_path();
    let _ = context.round_rect_with_f64(x, y - h / 2.0, w, h, 8.0);
    context.set_fill_style_str(palette::canvas().ink);
    context.fill();
    context.set_fill_style_str(palette::canvas().paper);
    context.set_text_align("center");
    context.set_font(palette::canvas().font_bold);
    let _ = context.fill_text("Load", x + w / 2.0, y - 3.0);
    let _ = context.fill_text("balancer", x + w / 2.0, y + 13.0);
    // Words in ink: red is kept for the crosses, so a failure is a mark where it happens.
    if rejected_permille > 0 {
        context.set_fill_style_str(palette::canvas().ink);
        context.set_font(palette::canvas().font);
        context.set_text_align("left");
        let _ = context.fill_text(
            words.of(format_args!("{}% find no capacity", rejected_permille.div_ceil(10))),
            x,
            y + h / 2.0 + 15.0,
        );
    }
}

fn draw_pipe(
    context: &CanvasRenderingContext2d,
    geometry: &Geometry,
    (index, lane): (usize, &Lane),
    shown: f64,
    words: &mut Words,
) {
    let look = palette::look(lane.look);
    let y = geometry.lane_y(index);
    let (x0, y0) = geometry.pipe_point(y, 0.0);
    let xm = (x0 + geometry.lane_x) / 2.0;
    context.begin_path();
    context.move_to(x0, y0);
    context.bezier_curve_to(xm, y0, xm, y, geometry.lane_x, y);
    // A revision without users' traffic keeps a hairline, so its lane still reads as connected.
    let empty = shown < 0.5;
    context.set_stroke_style_str(if empty { palette::canvas().ink_muted } else { look.tint });
    context.set_line_width(if empty { 1.0 } else { 3.0 + shown / 100.0 * 15.0 });
    context.stroke();

    // The weight, at the end of its pipe.
    context.set_text_align("right");
    context.set_font(palette::canvas().font_bold);
    context.set_fill_style_str(palette::canvas().ink);
    let weight = if lane.preview { "preview" } else { words.of(format_args!("{}%", lane.weight)) };
    let _ = context.fill_text(weight, geometry.lane_x - 6.0, y - 12.0);
}

fn draw_lane(
    context: &CanvasRenderingContext2d,
    geometry: &Geometry,
    (index, lane): (usize, &Lane),
    words: &mut Words,
) {
    let look = palette::look(lane.look);
    let y = geometry.lane_y(index);
    // Its name, and what it is doing, above its instances.
    context.set_text_align("left");
    context.set_font(palette::canvas().font);
    context.set_fill_style_str(palette::canvas().ink);
    let label = &mut words.0;
    label.clear();
    let _ = write!(label, "rev {} · v{} · {} in service", lane.revision, lane.version, lane.in_service);
    if lane.draining > 0 {
        let _ = write!(label, " · {} draining", lane.draining);
    }
    if lane.starting > 0 {
        let _ = write!(label, " · {} starting", lane.starting);
    }
    if lane.preview {
        label.push_str(" · smoke tests only");
    }
    let _ = context.fill_text(label, geometry.lane_x + 10.0, y - 14.0);
    if lane.error_permille > 0 {
        let measured = context.measure_text(label).map_or(0.0, |m| m.width());
        context.set_font(palette::canvas().font_bold);
        let _ = context.fill_text(
            words.of(format_args!(" · failing {}%", lane.error_permille.div_ceil(10))),
            geometry.lane_x + 10.0 + measured,
            y - 14.0,
        );
    }

    let top = y - INSTANCE_PX / 2.0;
    if lane.aggregated() {
        draw_block(context, geometry, lane, look, top);
        return;
    }
    for (slot, instance) in lane.instances.iter().enumerate() {
        let look = palette::look(instance.look);
        let x = geometry.instance_x(slot) - INSTANCE_PX / 2.0;
        context.begin_path();
        let _ = context.round_rect_with_f64(x, top, INSTANCE_PX, INSTANCE_PX, 3.0);
        match instance.state {
            Lifecycle::InService => {
                context.set_fill_style_str(look.colour);
                context.fill();
            }
            Lifecycle::Pending | Lifecycle::Booting => {
                context.set_fill_style_str(look.tint);
                context.fill();
            }
            // Out of the balancer's rotation: an outline, still finishing what it was sent.
            _ => {
                context.set_stroke_style_str(look.colour);
                context.set_line_width(2.0);
                context.stroke();
            }
        }
        if instance.unhealthy {
            cross(context, x + INSTANCE_PX / 2.0, y, 5.0, 1.0);
        }
    }
}

/// A lane too big to draw one by one: a bar split into in service, starting and draining.
fn draw_block(context: &CanvasRenderingContext2d, geometry: &Geometry, lane: &Lane, look: Look, top: f64) {
    let width = geometry.block_width();
    let total = f64::from((lane.in_service + lane.starting + lane.draining).max(1));
    let x = geometry.lane_x + 10.0;
    let parts = [(lane.in_service, look.colour), (lane.starting, look.tint)];
    let mut left = x;
    for (count, colour) in parts {
        let part = width * f64::from(count) / total;
        context.set_fill_style_str(colour);
        context.fill_rect(left, top, part, INSTANCE_PX);
        left += part;
    }
    context.set_stroke_style_str(look.colour);
    context.set_line_width(1.5);
    context.stroke_rect(x, top, width, INSTANCE_PX);
}

fn draw_requests(context: &CanvasRenderingContext2d, geometry: &Geometry, traffic: &Traffic, time: f64) {
    for (index, request) in traffic.requests.iter().enumerate() {
        let progress = request.progress(time);
        if !(0.0..1.0 + LINGER).contains(&progress) {
            continue;
        }
        let Some((lane_index, lane)) =
            traffic.lanes.iter().enumerate().find(|(_, lane)| Some(lane.revision) == request.revision)
        else {
            draw_rejected(context, geometry, progress);
            continue;
        };
        let y = geometry.lane_y(lane_index);
        let slot = request.instance.and_then(|id| lane.slot_of(id));
        let end_x = match slot {
            Some(slot) => geometry.instance_x(slot),
            None if lane.aggregated() => {
                geometry.lane_x + 10.0 + geometry.block_width() * ((index * 37 % 100) as f64 / 100.0)
            }
            // Its instance is gone from the picture: it finishes at the lane's door.
            None => geometry.lane_x + 10.0,
        };
        if progress >= 1.0 {
            if request.fails {
                let fade = 1.0 - (progress - 1.0) / LINGER;
                cross(context, end_x, y - INSTANCE_PX / 2.0 - 2.0, 4.0, fade);
            }
            continue;
        }
        // At one speed all the way: through the pipe, then along the lane to its instance.
        let (x0, y0) = geometry.pipe_point(y, 0.0);
        let pipe_px = (geometry.lane_x - x0).hypot(y - y0) * PIPE_CURVE_LENGTH;
        let run_px = (end_x - geometry.lane_x).max(0.0);
        let travelled_px = progress * (pipe_px + run_px);
        let (x, y) = if travelled_px < pipe_px {
            geometry.pipe_point(y, travelled_px / pipe_px)
        } else {
            (geometry.lane_x + travelled_px - pipe_px, y)
        };
        // In the colour and shape of the image that answers it.
        let look = palette::look(slot.map_or(lane.look, |slot| lane.instances[slot].look));
        context.begin_path();
        glyph_path(context, look.glyph, x, y, 4.5);
        context.set_fill_style_str(look.colour);
        context.fill();
        context.set_stroke_style_str(palette::canvas().paper);
        context.set_line_width(1.0);
        context.stroke();
    }
}

/// A request that found no instance with capacity: it stops just past the balancer.
fn draw_rejected(context: &CanvasRenderingContext2d, geometry: &Geometry, progress: f64) {
    let (x0, y0) = geometry.pipe_point(geometry.balancer.1, 0.0);
    let x = x0 + 24.0 * progress.min(1.0);
    let fade = if progress < 1.0 { 1.0 } else { 1.0 - (progress - 1.0) / LINGER };
    cross(context, x, y0 - 12.0, 4.0, fade);
}

/// A red cross: a failed request, or an instance failing its health checks.
fn cross(context: &CanvasRenderingContext2d, x: f64, y: f64, half: f64, alpha: f64) {
    context.set_global_alpha(alpha.clamp(0.0, 1.0));
    context.begin_path();
    context.move_to(x - half, y - half);
    context.line_to(x + half, y + half);
    context.move_to(x + half, y - half);
    context.line_to(x - half, y + half);
    context.set_stroke_style_str(palette::FAILING);
    context.set_line_width(2.5);
    context.stroke();
    context.set_global_alpha(1.0);
}
