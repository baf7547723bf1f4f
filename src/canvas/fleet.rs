//! Draws the fleet on a canvas. Tiles are batched by colour so a thousand instances cost a handful
//! of fill-style changes per frame, and nothing is drawn at all while the picture is unchanged.

use lab_engine::{Instance, Lifecycle, Limits};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::canvas::Words;
use crate::canvas::grid::{GLYPH_TILE_MIN, Grid, LABEL_TILE_MIN};
use crate::canvas::layout::SlotLayout;
use crate::canvas::marks::{Tile, drift_marks, health_marks, warning_badges};
use crate::canvas::palette::{self, Glyph, Look};
use crate::canvas::squares::Squares;
use crate::lab::state::Lab;

/// Keeps what the canvas needs between frames: slots, the last size, and a reused tile buffer.
#[derive(Default)]
pub struct FleetPainter {
    layout: SlotLayout,
    tiles: Vec<Tile>,
    size: (u32, u32),
    last_tick: Option<u64>,
    /// The zoomed-out picture of a fleet past [`TILES_DRAWN_MAX`](crate::canvas::grid::TILES_DRAWN_MAX).
    squares: Squares,
    /// What the zoomed-out picture on the canvas shows; `None` when it must be drawn afresh.
    squares_drawn: Option<Shown>,
    /// The registry's images as the tiles need them (reused, so a frame allocates nothing).
    images: Vec<ImageMarks>,
    /// The labels' and badges' text.
    words: Words,
    /// The most CSS pixels the grid may take in height, read from the canvas once.
    height_target: Option<f64>,
}

/// Everything a zoomed-out picture depends on: while it stays the same, the canvas already shows
/// it and the frame draws nothing (nothing moves between ticks at that scale).
#[derive(Clone, Copy, PartialEq)]
struct Shown {
    tick: u64,
    /// The lab's count of actions: any action may have changed the world without a tick.
    changes: u64,
    css_width: u32,
    palette: u32,
}

impl FleetPainter {
    /// Forgets slot positions (after a reset).
    pub fn clear(&mut self) {
        self.layout.clear();
        self.last_tick = None;
        self.squares_drawn = None;
        self.height_target = None;
    }

    /// Draws the fleet as of the last tick plus `fraction` of the next.
    pub fn paint(&mut self, canvas: &HtmlCanvasElement, lab: &Lab, fraction: f64) {
        let Some(context) = context_2d(canvas) else { return };
        let world = &lab.world;
        let now = world.now();
        if self.last_tick.is_some_and(|last| last > now) {
            self.layout.clear();
        }
        self.last_tick = Some(now);
        let shown_tick = now.saturating_sub(1);
        let instances = world.fleet_view().instances;
        let css_width = f64::from(canvas.client_width().max(320));
        let per_square = crate::canvas::grid::instances_per_square(world.fleet_view().replicas);
        let shown = Shown {
            tick: now,
            changes: lab.changes,
            css_width: css_width as u32,
            palette: palette::generation(),
        };
        if per_square > 1 && self.squares_drawn == Some(shown) {
            return;
        }
        let slots = self.layout.update(instances, shown_tick);

        // An embed says how tall its fleet may be; the full lab uses the standard target. Read as
        // a whole number: parsing a float would bring the float parser into the download (16 KB).
        let height_target = *self.height_target.get_or_insert_with(|| {
            canvas
                .get_attribute("data-fit-height")
                .and_then(|text| text.parse::<u32>().ok())
                .map_or(crate::canvas::grid::HEIGHT_TARGET, f64::from)
        });
        let time = now as f64 - 1.0 + fraction;
        self.collect_tiles(lab, time);
        if per_square > 1 {
            self.squares.count(&self.tiles, slots, per_square);
            let grid = Grid::fit(self.squares.len(), css_width, height_target);
            self.begin_frame(canvas, &context, (&grid, css_width), height_target);
            self.squares.draw(&context, &grid, &mut self.words);
            self.squares_drawn = Some(shown);
            return;
        }
        self.squares_drawn = None;
        // Group by colour, then by state, so each group sets its style once.
        self.tiles.sort_unstable_by_key(|tile| (tile.look, tile.state));
        let grid = Grid::fit(slots, css_width, height_target);
        self.begin_frame(canvas, &context, (&grid, css_width), height_target);
        draw_tiles(&context, &grid, (&self.tiles, instances), lab, &mut self.words);
    }

    /// Sizes the canvas for `grid` and lays down the paper.
    fn begin_frame(
        &mut self,
        canvas: &HtmlCanvasElement,
        context: &CanvasRenderingContext2d,
        (grid, css_width): (&Grid, f64),
        height_target: f64,
    ) {
        let css_height = grid.height().max(160.0_f64.min(height_target));
        super::begin_frame(canvas, context, (css_width, css_height), &mut self.size);
    }

    /// The shown instances as tiles, in the world's order.
    fn collect_tiles(&mut self, lab: &Lab, time: f64) {
        let world = &lab.world;
        let fleet = world.fleet_view();
        let supply = world.supply_view();
        self.tiles.clear();
        // Each image's look and whether an advisory affects it, asked once per image rather than
        // once per instance: clean instances share their image's answer; only drifted ones are
        // checked one by one.
        self.images.clear();
        self.images.extend(supply.images.iter().enumerate().map(|(position, image)| ImageMarks {
            digest: image.digest,
            look: (position % palette::LOOK_COUNT) as u8,
            vulnerable: supply.is_affected(image.digest),
        }));
        let shown_tick = world.now().saturating_sub(1);
        let slots = self.layout.slots(fleet.instances);
        let mut image_index = 0;
        for ((index, instance), slot) in fleet.instances.iter().enumerate().zip(slots) {
            let Some(slot) = slot else { continue };
            if !crate::canvas::layout::is_shown(instance, shown_tick) {
                continue;
            }
            // Most instances run the image of the one before them.
            if self.images.get(image_index).is_none_or(|image| image.digest != instance.image) {
                image_index =
                    self.images.iter().position(|image| image.digest == instance.image).unwrap_or(usize::MAX);
            }
            let image = self.images.get(image_index);
            self.tiles.push(Tile {
                look: image.map_or(0, |image| image.look),
                state: instance.state,
                slot,
                progress: progress(instance, time),
                instance: index as u32,
                vulnerable: match instance.observed {
                    None => image.is_some_and(|image| image.vulnerable),
                    Some(_) => fleet.is_vulnerable(instance),
                },
                drifted: instance.observed.is_some(),
                unhealthy: instance.unhealthy,
            });
        }
    }
}

/// What every instance of one image shares on the canvas.
#[derive(Clone, Copy)]
struct ImageMarks {
    digest: lab_engine::Digest,
    /// The image's registry position, which picks its look.
    look: u8,
    /// A known advisory affects the image.
    vulnerable: bool,
}

fn progress(instance: &Instance, time: f64) -> f64 {
    let span = |from: u64, to: u64| {
        if to <= from { 1.0 } else { ((time - from as f64) / (to - from) as f64).clamp(0.0, 1.0) }
    };
    match instance.state {
        Lifecycle::Pending => span(instance.launch_tick, instance.boot_tick),
        Lifecycle::Booting => span(instance.boot_tick, instance.ready_tick),
        Lifecycle::InService => 1.0,
        Lifecycle::Draining => {
            span(instance.state_since_tick, instance.stop_tick.unwrap_or(instance.state_since_tick))
        }
        Lifecycle::Terminated => {
            let stop = instance.stop_tick.unwrap_or(instance.state_since_tick);
            span(stop, stop + Limits::TERMINATED_SHOWN_TICKS)
        }
    }
}

pub(super) fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

fn draw_tiles(
    context: &CanvasRenderingContext2d,
    grid: &Grid,
    (tiles, instances): (&[Tile], &[Instance]),
    lab: &Lab,
    words: &mut Words,
) {
    let radius = (grid.tile * 0.18).max(1.0);
    let mut start = 0;
    while start < tiles.len() {
        let (look_index, state) = (tiles[start].look, tiles[start].state);
        let end =
            start + tiles[start..].iter().take_while(|t| t.look == look_index && t.state == state).count();
        let group = &tiles[start..end];
        let look = palette::look(usize::from(look_index));
        match state {
            Lifecycle::InService => {
                fill_group(context, grid, group, radius, look.colour);
                glyph_group(context, grid, group, look.glyph, palette::ON_COLOUR);
            }
            Lifecycle::Booting => {
                fill_group(context, grid, group, radius, look.tint);
                glyph_group(context, grid, group, look.glyph, look.colour);
                bar_group(context, grid, group, look.colour, false);
            }
            Lifecycle::Pending => {
                outline_group(context, grid, group, radius, look.colour, 1.0);
                glyph_group(context, grid, group, look.glyph, look.tint);
                bar_group(context, grid, group, palette::canvas().ink_muted, false);
            }
            Lifecycle::Draining => {
                // Fades as it drains; the bar empties as in-flight requests finish.
                for tile in group {
                    context.set_global_alpha(1.0 - 0.6 * tile.progress);
                    fill_group(context, grid, std::slice::from_ref(tile), radius, look.colour);
                    stripe(context, grid, tile);
                }
                context.set_global_alpha(1.0);
                bar_group(context, grid, group, palette::canvas().ink, true);
            }
            Lifecycle::Terminated => {
                for tile in group {
                    context.set_global_alpha(0.55 * (1.0 - tile.progress));
                    outline_group(
                        context,
                        grid,
                        std::slice::from_ref(tile),
                        radius,
                        palette::canvas().ink_muted,
                        1.0,
                    );
                }
                context.set_global_alpha(1.0);
            }
        }
        if grid.tile >= LABEL_TILE_MIN && state != Lifecycle::Terminated {
            label_group(context, grid, (group, instances), lab, (&look, state), words);
        }
        start = end;
    }
    drift_marks(context, grid, tiles);
    health_marks(context, grid, tiles);
    warning_badges(context, grid, tiles, words);
}

fn fill_group(context: &CanvasRenderingContext2d, grid: &Grid, group: &[Tile], radius: f64, colour: &str) {
    context.set_fill_style_str(colour);
    context.begin_path();
    for tile in group {
        let (x, y) = grid.origin(tile.slot);
        tile_path(context, grid, x, y, grid.tile, radius);
    }
    context.fill();
}

/// A tile's outline on the current path: rounded where the rounding shows, square on tiles too
/// small for it to (a rounded rectangle costs the canvas several curves, a square none: at ten
/// thousand tiles a frame that is most of the drawing time).
fn tile_path(context: &CanvasRenderingContext2d, grid: &Grid, x: f64, y: f64, side: f64, radius: f64) {
    if grid.tile < GLYPH_TILE_MIN {
        context.rect(x, y, side, side);
    } else {
        let _ = context.round_rect_with_f64(x, y, side, side, radius);
    }
}

fn outline_group(
    context: &CanvasRenderingContext2d,
    grid: &Grid,
    group: &[Tile],
    radius: f64,
    colour: &str,
    width: f64,
) {
    context.set_stroke_style_str(colour);
    context.set_line_width(width.max(grid.tile / 32.0));
    context.begin_path();
    for tile in group {
        let (x, y) = grid.origin(tile.slot);
        let inset = 0.75;
        tile_path(context, grid, x + inset, y + inset, grid.tile - 2.0 * inset, radius);
    }
    context.stroke();
}

/// A diagonal band across a draining tile: the "leaving" pattern, visible without colour.
fn stripe(context: &CanvasRenderingContext2d, grid: &Grid, tile: &Tile) {
    let (x, y) = grid.origin(tile.slot);
    let size = grid.tile;
    context.set_stroke_style_str(palette::ON_COLOUR);
    context.set_line_width((size / 8.0).max(1.0));
    context.begin_path();
    context.move_to(x + size * 0.15, y + size * 0.85);
    context.line_to(x + size * 0.85, y + size * 0.15);
    context.stroke();
}

fn glyph_group(context: &CanvasRenderingContext2d, grid: &Grid, group: &[Tile], glyph: Glyph, colour: &str) {
    if grid.tile < GLYPH_TILE_MIN {
        return;
    }
    let labelled = grid.tile >= LABEL_TILE_MIN;
    let size = if labelled { grid.tile * 0.36 } else { grid.tile * 0.56 };
    context.set_fill_style_str(colour);
    context.begin_path();
    for tile in group {
        let (x, y) = grid.origin(tile.slot);
        let centre_y = if labelled { y + grid.tile * 0.38 } else { y + grid.tile / 2.0 };
        glyph_path(context, glyph, x + grid.tile / 2.0, centre_y, size / 2.0);
    }
    context.fill();
}

/// Adds a glyph of half-size `r` centred on (cx, cy) to the current path.
pub(super) fn glyph_path(context: &CanvasRenderingContext2d, glyph: Glyph, cx: f64, cy: f64, r: f64) {
    let polygon = |points: &[(f64, f64)]| {
        for (index, (px, py)) in points.iter().enumerate() {
            if index == 0 {
                context.move_to(cx + px * r, cy + py * r);
            } else {
                context.line_to(cx + px * r, cy + py * r);
            }
        }
        context.close_path();
    };
    match glyph {
        Glyph::Circle => {
            context.move_to(cx + r, cy);
            let _ = context.arc(cx, cy, r, 0.0, std::f64::consts::TAU);
        }
        Glyph::Square => polygon(&[(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)]),
        Glyph::Triangle => polygon(&[(0.0, -1.0), (1.0, 0.8), (-1.0, 0.8)]),
        Glyph::Diamond => polygon(&[(0.0, -1.1), (1.1, 0.0), (0.0, 1.1), (-1.1, 0.0)]),
        Glyph::Hexagon => {
            polygon(&[(0.0, -1.0), (0.87, -0.5), (0.87, 0.5), (0.0, 1.0), (-0.87, 0.5), (-0.87, -0.5)])
        }
        Glyph::Cross => polygon(&[
            (-0.33, -1.0),
            (0.33, -1.0),
            (0.33, -0.33),
            (1.0, -0.33),
            (1.0, 0.33),
            (0.33, 0.33),
            (0.33, 1.0),
            (-0.33, 1.0),
            (-0.33, 0.33),
            (-1.0, 0.33),
            (-1.0, -0.33),
            (-0.33, -0.33),
        ]),
    }
}

/// A progress bar along the bottom of each tile: filling while starting, emptying while draining.
fn bar_group(context: &CanvasRenderingContext2d, grid: &Grid, group: &[Tile], colour: &str, emptying: bool) {
    if grid.tile < GLYPH_TILE_MIN {
        return;
    }
    let height = (grid.tile * 0.09).max(1.5);
    let inset = grid.tile * 0.14;
    context.set_fill_style_str(colour);
    context.begin_path();
    for tile in group {
        let (x, y) = grid.origin(tile.slot);
        let share = if emptying { 1.0 - tile.progress } else { tile.progress };
        let width = (grid.tile - 2.0 * inset) * share;
        context.rect(x + inset, y + grid.tile - inset - height, width, height);
    }
    context.fill();
}

fn label_group(
    context: &CanvasRenderingContext2d,
    grid: &Grid,
    (group, instances): (&[Tile], &[Instance]),
    lab: &Lab,
    (look, state): (&Look, Lifecycle),
    words: &mut Words,
) {
    let ink = match state {
        Lifecycle::InService | Lifecycle::Draining => palette::ON_COLOUR,
        _ => look.colour,
    };
    context.set_fill_style_str(ink);
    context.set_text_align("center");
    let mut font_px = 0.0;
    let supply = lab.world.supply_view();
    for tile in group {
        let instance = &instances[tile.instance as usize];
        let version = supply.image(instance.image).map_or("?", |image| image.spec.app_version.as_str());
        // Long versions (`v2.4.0-rc1`) get a smaller font so the label stays inside its tile.
        let characters = 1 + version.chars().count();
        let fitted = (grid.tile * 0.2).min(grid.tile * 0.86 / (0.6 * characters as f64)).round();
        if fitted != font_px {
            font_px = fitted;
            context.set_font(
                words.of(format_args!("600 {}px system-ui, sans-serif", crate::text::units::whole(font_px))),
            );
        }
        let (x, y) = grid.origin(tile.slot);
        let _ = context.fill_text(
            words.of(format_args!("v{version}")),
            x + grid.tile / 2.0,
            y + grid.tile * 0.74,
        );
    }
}
