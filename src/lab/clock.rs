//! Turns animation-frame timestamps into whole simulation ticks (a fixed-timestep accumulator).

/// A frame longer than this (a background tab, a debugger pause) counts as this long, so the
/// simulation never lurches ahead when the learner comes back.
const FRAME_MS_MAX: f64 = 250.0;
/// At most this many ticks per frame: high speeds stay smooth instead of stalling the page.
pub const TICKS_PER_FRAME_MAX: u32 = 8;

/// Accumulates elapsed time and hands out ticks at a fixed duration each.
#[derive(Clone, Debug, Default)]
pub struct TickClock {
    last_frame_ms: Option<f64>,
    carried_ms: f64,
}

impl TickClock {
    /// Called once per frame with the frame's timestamp. Returns how many ticks to run now and how
    /// far (0..1) the clock is into the next one, for smooth in-between drawing.
    pub fn advance(&mut self, now_ms: f64, tick_ms: f64, playing: bool) -> (u32, f64) {
        let elapsed_ms = self.last_frame_ms.map_or(0.0, |last| (now_ms - last).clamp(0.0, FRAME_MS_MAX));
        self.last_frame_ms = Some(now_ms);
        if !playing || tick_ms <= 0.0 {
            self.carried_ms = 0.0;
            return (0, 0.0);
        }
        self.carried_ms += elapsed_ms;
        let due = (self.carried_ms / tick_ms).floor();
        let ticks = (due as u32).min(TICKS_PER_FRAME_MAX);
        if due as u32 > TICKS_PER_FRAME_MAX {
            // Behind by more than the cap: drop the backlog rather than spiral.
            self.carried_ms = 0.0;
        } else {
            self.carried_ms -= f64::from(ticks) * tick_ms;
        }
        (ticks, self.carried_ms / tick_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_whole_ticks_and_keeps_the_remainder() {
        let mut clock = TickClock::default();
        assert_eq!(clock.advance(0.0, 100.0, true), (0, 0.0));
        let (ticks, fraction) = clock.advance(250.0, 100.0, true);
        assert_eq!(ticks, 2);
        assert!((fraction - 0.5).abs() < 1e-9);
        assert_eq!(clock.advance(300.0, 100.0, true).0, 1);
    }

    #[test]
    fn pausing_drops_the_remainder() {
        let mut clock = TickClock::default();
        clock.advance(0.0, 100.0, true);
        clock.advance(150.0, 100.0, true);
        assert_eq!(clock.advance(200.0, 100.0, false), (0, 0.0));
        assert_eq!(clock.advance(250.0, 100.0, true).0, 0);
    }

    #[test]
    fn caps_ticks_per_frame_and_long_frames() {
        let mut clock = TickClock::default();
        clock.advance(0.0, 1.0, true);
        assert_eq!(clock.advance(10_000.0, 1.0, true).0, TICKS_PER_FRAME_MAX);
        assert_eq!(clock.advance(10_001.0, 1.0, true).0, 1);
    }
}
