//! Keeps a lab session in this browser as it goes — at each action and step, every ten ticks while
//! playing, and on pause — so a reload or a closed tab loses nothing (`session_store.rs` holds the
//! rules; this hook only decides when).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::lab::state::Lab;

/// Saves `lab` under `key` (none: this page keeps no session) whenever it has moved on.
#[hook]
pub fn use_session_keeping(lab: Rc<RefCell<Lab>>, key: Option<String>) {
    let moment = {
        let lab = lab.borrow();
        let now = lab.world.now();
        (lab.applied_log().len(), if lab.playing { now / 10 } else { now }, lab.playing)
    };
    use_effect_with(moment, move |_| {
        if let Some(key) = key {
            let lab = lab.borrow();
            let kept = crate::platform::session_store::save(
                &crate::platform::storage::LocalStorage,
                &key,
                lab.world.seed(),
                lab.world.now(),
                lab.applied_log(),
            );
            if let Err(why) = kept {
                web_sys::console::warn_1(&format!("the session was not kept in this browser: {why}").into());
            }
        }
    });
}
