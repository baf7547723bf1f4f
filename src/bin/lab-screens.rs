//! The other screens' page (`screens.html`): the lessons, the guide, the glossary, the builder and
//! the comparison. Built by trunk beside the lab (`data-type="worker"` in index.html only so that
//! index.html does not load it: it runs on the page, started by static/screens-loader.js), so the
//! lab's own download carries none of their code.

fn main() {
    lab_app::apply_saved_theme();
    lab_app::remove_boot_message();
    yew::Renderer::<lab_app::ScreensRoot>::new().render();
}
