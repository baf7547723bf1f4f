//! One lab on a page: made once, drawn on one fleet canvas by the render loop, changed through a
//! dispatcher that reduces an action and re-renders. The full lab and the embedded one share it.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_render_loop;
use crate::state::{Action, Lab};

/// The lab (made by `make` on first render), the fleet canvas to draw it on, and its dispatcher.
#[hook]
pub fn use_lab<F: FnOnce() -> Lab + 'static>(make: F) -> (Rc<RefCell<Lab>>, NodeRef, Callback<Action>) {
    let lab = use_mut_ref(make);
    let force_update = use_force_update();
    let canvas = use_node_ref();
    let redraw = {
        let force_update = force_update.clone();
        Callback::from(move |()| force_update.force_update())
    };
    let canvases = use_memo((), {
        let canvas = canvas.clone();
        move |_| vec![canvas]
    });
    use_render_loop(lab.clone(), canvases, redraw);
    let dispatch = {
        let lab = lab.clone();
        Callback::from(move |action| {
            lab.borrow_mut().reduce(action);
            force_update.force_update();
        })
    };
    (lab, canvas, dispatch)
}
