//! Entry point of the browser build.

fn main() {
    yew::Renderer::<lab_app::App>::new().render();
}
