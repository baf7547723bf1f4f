//! The app compiled to wasm and mounted in a real browser page by `wasm-bindgen-test-runner`:
//! the engine's determinism on wasm32, and the page's controls driving the world.
#![cfg(target_arch = "wasm32")]

use lab_app::lab::state::{Action, Lab};
use lab_app::{App, PageQuery};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_engine_replays_identically_on_wasm32() {
    let run = || {
        let mut lab = Lab::from_query(&PageQuery::parse("?scenario=demo&ticks=40"));
        lab.reduce(Action::Advance(10));
        lab.world.trace_digest()
    };
    let first = run();
    assert_eq!(first, run());
    let fewer = Lab::from_query(&PageQuery::parse("?scenario=demo&ticks=49")).world.trace_digest();
    assert_ne!(first, fewer, "the trace must notice one tick less");
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn click(selector: &str) {
    let element = document().query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"));
    element.dyn_into::<web_sys::HtmlElement>().unwrap().click();
}

fn status(attribute: &str) -> String {
    document().query_selector("[data-testid=status]").unwrap().unwrap().get_attribute(attribute).unwrap()
}

#[wasm_bindgen_test]
async fn the_page_steps_builds_deploys_and_lists_every_instance() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    assert_eq!(status("data-tick"), "0");

    click("button[aria-label='Step one tick']");
    yew::scheduler::flush().await;
    assert_eq!(status("data-tick"), "1");

    click("button[aria-expanded]");
    yew::scheduler::flush().await;
    let rows = document().query_selector_all("[data-testid=fleet-table] tbody tr").unwrap();
    assert_eq!(rows.length(), status("data-in-service").parse::<u32>().unwrap());
    assert!(rows.length() > 0);

    click("form button[type=submit]");
    yew::scheduler::flush().await;
    // The builder starts from the running spec, so the build reuses the running image's digest:
    // the registry still holds one image and the deploy button for it stays disabled.
    let built =
        document().query_selector("[data-testid=built-digest]").unwrap().unwrap().text_content().unwrap();
    assert_eq!(status("data-fleet-images"), built);
    root.remove();
}
