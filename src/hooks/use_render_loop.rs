//! The one render loop: a requestAnimationFrame closure built once, turning elapsed time into
//! ticks through the fixed-timestep clock and repainting the canvases (fleets and traffic).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::canvas::{FleetPainter, TrafficPainter};
use crate::lab::animated::Animated;
use crate::lab::clock::TickClock;

type FrameCallback = Closure<dyn FnMut(f64)>;

/// What a canvas shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    /// The fleet of lab `index`, tile by tile.
    Fleet(usize),
    /// The load balancer's traffic in lab 0.
    Traffic,
}

/// A canvas and what the render loop draws on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    pub node: NodeRef,
    pub picture: Picture,
}

enum Painter {
    Fleet(FleetPainter),
    Traffic(TrafficPainter),
}

impl Painter {
    fn new(picture: Picture) -> Self {
        match picture {
            Picture::Fleet(_) => Painter::Fleet(FleetPainter::default()),
            Picture::Traffic => Painter::Traffic(TrafficPainter::default()),
        }
    }

    fn clear(&mut self) {
        match self {
            Painter::Fleet(painter) => painter.clear(),
            Painter::Traffic(painter) => painter.clear(),
        }
    }

    /// Paints; returns whether the picture is still moving with the clock stopped.
    fn paint(
        &mut self,
        canvas: &HtmlCanvasElement,
        lab: &crate::lab::state::Lab,
        fraction: f64,
        now_ms: f64,
    ) -> bool {
        match self {
            Painter::Fleet(painter) => {
                painter.paint(canvas, lab, fraction);
                false
            }
            Painter::Traffic(painter) => painter.paint(canvas, lab, fraction, now_ms),
        }
    }
}

/// Asks the browser to call `callback` before the next repaint, remembering the request's id.
fn request_frame(callback: &RefCell<Option<FrameCallback>>, request_id: &Cell<i32>) {
    if let (Some(window), Some(frame)) = (web_sys::window(), callback.borrow().as_ref())
        && let Ok(id) = window.request_animation_frame(frame.as_ref().unchecked_ref())
    {
        request_id.set(id);
    }
}

/// Runs the clock and the fleet canvases for as long as the component lives. `redraw` re-renders
/// the page's DOM parts; it is called only when a tick ran, never merely because a frame passed.
#[hook]
pub fn use_render_loop<S: Animated>(state: Rc<RefCell<S>>, canvases: Rc<Vec<Canvas>>, redraw: Callback<()>) {
    use_effect_with((), move |_| {
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let request_id = Rc::new(Cell::new(0));
        let mut clock = TickClock::default();
        let mut painters: Vec<Painter> = canvases.iter().map(|canvas| Painter::new(canvas.picture)).collect();
        let mut moving = false;
        let mut painted_generation = crate::canvas::palette::generation();
        let mut last_world_tick = None;
        let mut was_playing = false;

        let next_frame = callback.clone();
        let next_request = request_id.clone();
        *callback.borrow_mut() = Some(Closure::new(move |now_ms: f64| {
            let ran_ticks = {
                let mut state = state.borrow_mut();
                let (ticks, fraction) = clock.advance(now_ms, state.tick_ms(), state.playing());
                if ticks > 0 {
                    state.advance(ticks);
                }
                let world_tick = state.lab(0).map(|lab| lab.world.now());
                if last_world_tick.is_some_and(|last| world_tick.is_some_and(|now| now < last)) {
                    painters.iter_mut().for_each(Painter::clear);
                }
                last_world_tick = world_tick;
                // Paint while playing (bars move between ticks), once more when play stops,
                // and whenever an action changed the picture; otherwise leave the canvases alone.
                let playing = state.playing();
                // A new theme repaints everything in its colours.
                let restyled = crate::canvas::palette::generation() != painted_generation;
                painted_generation = crate::canvas::palette::generation();
                if state.take_dirty() || playing || was_playing || moving || restyled {
                    let fraction = if playing { fraction } else { 0.0 };
                    moving = false;
                    for (painter, canvas) in painters.iter_mut().zip(canvases.iter()) {
                        let index = match canvas.picture {
                            Picture::Fleet(index) => index,
                            Picture::Traffic => 0,
                        };
                        if let (Some(element), Some(lab)) =
                            (canvas.node.cast::<HtmlCanvasElement>(), state.lab(index))
                        {
                            moving |= painter.paint(&element, lab, fraction, now_ms);
                        }
                    }
                }
                was_playing = playing;
                ticks > 0
            };
            if ran_ticks {
                redraw.emit(());
            }
            request_frame(&next_frame, &next_request);
        }));
        request_frame(&callback, &request_id);
        move || {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(request_id.get());
            }
            // Dropping the closure breaks its reference to itself.
            callback.borrow_mut().take();
        }
    });
}
