//! One lab on a page: made once, drawn by the render loop on its fleet canvas and its traffic
//! canvas (a page that shows no traffic leaves that one unmounted), changed through a dispatcher
//! that reduces an action and re-renders. The full lab and the embedded one share it.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::{Canvas, Picture, use_render_loop};
use crate::lab::state::{Action, Lab};

/// Where the render loop draws one lab.
#[derive(Clone, PartialEq)]
pub struct LabCanvases {
    pub fleet: NodeRef,
    pub traffic: NodeRef,
}

/// The lab (made by `make` on first render), the canvases to draw it on, and its dispatcher.
#[hook]
pub fn use_lab<F: FnOnce() -> Lab + 'static>(make: F) -> (Rc<RefCell<Lab>>, LabCanvases, Callback<Action>) {
    let lab = use_mut_ref(make);
    let force_update = use_force_update();
    let canvas = LabCanvases { fleet: use_node_ref(), traffic: use_node_ref() };
    let redraw = {
        let force_update = force_update.clone();
        Callback::from(move |()| force_update.force_update())
    };
    let canvases = use_memo((), {
        let canvas = canvas.clone();
        move |_| {
            vec![
                Canvas { node: canvas.fleet, picture: Picture::Fleet(0) },
                Canvas { node: canvas.traffic, picture: Picture::Traffic },
            ]
        }
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
