//! The zoomed-out fleet. Past [`TILES_DRAWN_MAX`](super::grid::TILES_DRAWN_MAX) instances each
//! square stands for a run of neighbouring slots and is filled, left to right, in proportion to
//! the images and states of the instances in it: a rollout of a hundred thousand servers reads as
//! one colour flowing into another, and the marks (drift, failing checks, advisories) still say
//! where to look.

use lab_engine::Lifecycle;
use web_sys::CanvasRenderingContext2d;

use super::Words;
use super::grid::Grid;
use super::marks::{Tile, drift_marks, health_marks, warning_badges};
use super::palette::{self, LOOK_COUNT};

/// How a square shows what its instances are doing: solid in service, pale while starting,
/// faded while draining (terminated ones leave their share empty).
const CLASSES: usize = 3;
/// One band per look and class.
const BANDS: usize = LOOK_COUNT * CLASSES;
/// A square's running totals: how many of its instances come before each band, and all of them.
const TOTALS: usize = BANDS + 1;
/// Opacity of a draining band, as a draining tile fades.
const DRAINING_ALPHA: f64 = 0.4;
/// Opacity of a square's empty room (slots nobody holds), so a gap reads as a gap.
const EMPTY_ALPHA: f64 = 0.12;

/// The squares of the last tick, kept between frames: nothing moves between ticks when zoomed out,
/// so they are counted once per change and redrawn only then.
#[derive(Default)]
pub(super) struct Squares {
    per_square: u32,
    /// `TOTALS` running totals per square, so a band's place and width are two subtractions.
    totals: Vec<u32>,
    /// Per square, which marks its instances carry (`DRIFTED`, `FAILING`, `VULNERABLE`).
    marks: Vec<u8>,
    /// One tile per marked square, at the square's place: the marks are drawn as on single tiles.
    marked: Vec<Tile>,
}

const DRIFTED: u8 = 1;
const FAILING: u8 = 2;
const VULNERABLE: u8 = 4;

impl Squares {
    /// Counts `tiles` (the shown instances, slot by slot) into squares of `per_square` slots.
    pub(super) fn count(&mut self, tiles: &[Tile], slots: u32, per_square: u32) {
        let per_square = per_square.max(1);
        self.per_square = per_square;
        self.totals.clear();
        self.totals.resize(slots.div_ceil(per_square) as usize * TOTALS, 0);
        self.marks.clear();
        self.marks.resize(slots.div_ceil(per_square) as usize, 0);
        for tile in tiles {
            let class = match tile.state {
                Lifecycle::InService => 0,
                Lifecycle::Pending | Lifecycle::Booting => 1,
                Lifecycle::Draining => 2,
                Lifecycle::Terminated => continue,
            };
            let square = tile.slot / per_square;
            let band = usize::from(tile.look) % LOOK_COUNT * CLASSES + class;
            if let Some(count) = self.totals.get_mut(square as usize * TOTALS + band + 1) {
                *count += 1;
            }
            if let Some(marks) = self.marks.get_mut(square as usize) {
                for (set, mark) in
                    [(tile.drifted, DRIFTED), (tile.unhealthy, FAILING), (tile.vulnerable, VULNERABLE)]
                {
                    if set {
                        *marks |= mark;
                    }
                }
            }
        }
        self.marked.clear();
        let marked = self.marks.iter().enumerate().filter(|(_, marks)| **marks != 0);
        self.marked.extend(marked.map(|(square, marks)| Tile {
            look: 0,
            state: Lifecycle::InService,
            slot: square as u32,
            progress: 1.0,
            instance: 0,
            drifted: marks & DRIFTED != 0,
            unhealthy: marks & FAILING != 0,
            vulnerable: marks & VULNERABLE != 0,
        }));
        for square in self.totals.chunks_exact_mut(TOTALS) {
            for band in 1..TOTALS {
                square[band] += square[band - 1];
            }
        }
    }

    /// How many squares the grid needs.
    pub(super) fn len(&self) -> u32 {
        (self.totals.len() / TOTALS) as u32
    }

    /// Draws every square: its empty room faint, then each band in its look's colour, one path
    /// per band for the whole fleet, then the marks.
    pub(super) fn draw(&self, context: &CanvasRenderingContext2d, grid: &Grid, words: &mut Words) {
        let unit = grid.tile / f64::from(self.per_square);
        context.set_global_alpha(EMPTY_ALPHA);
        context.set_fill_style_str(palette::canvas().ink_muted);
        context.begin_path();
        for square in 0..self.len() {
            let (x, y) = grid.origin(square);
            context.rect(x, y, grid.tile, grid.tile);
        }
        context.fill();
        for band in 0..BANDS {
            let look = palette::look(band / CLASSES);
            let (colour, alpha) = match band % CLASSES {
                0 => (look.colour, 1.0),
                1 => (look.tint, 1.0),
                _ => (look.colour, DRAINING_ALPHA),
            };
            context.set_global_alpha(alpha);
            context.set_fill_style_str(colour);
            context.begin_path();
            let mut drawn = false;
            for (square, totals) in self.totals.chunks_exact(TOTALS).enumerate() {
                let (before, through) = (totals[band], totals[band + 1]);
                if through > before {
                    let (x, y) = grid.origin(square as u32);
                    context.rect(
                        x + unit * f64::from(before),
                        y,
                        unit * f64::from(through - before),
                        grid.tile,
                    );
                    drawn = true;
                }
            }
            if drawn {
                context.fill();
            }
        }
        context.set_global_alpha(1.0);
        drift_marks(context, grid, &self.marked);
        health_marks(context, grid, &self.marked);
        warning_badges(context, grid, &self.marked, words);
    }
}
