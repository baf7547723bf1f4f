//! A part of a bar sized or placed as a share of a whole (a revision's ready instances, a stage's
//! progress). The size is set on the element's style object after rendering, not written as a
//! `style` attribute: the page's Content-Security-Policy allows no inline style attributes.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BarSegmentProps {
    /// The element's classes (its colour, its shape).
    pub class: Classes,
    /// The CSS property the share sets: `width` or `left`.
    pub property: &'static str,
    /// The share: `part` of `whole` (an empty whole is 0%).
    pub part: u32,
    /// See `part`.
    pub whole: u32,
}

#[component]
pub fn BarSegment(props: &BarSegmentProps) -> Html {
    let node = use_node_ref();
    {
        let (node, property) = (node.clone(), props.property);
        use_effect_with(crate::text::units::percent(props.part, props.whole), move |value| {
            if let Some(element) = node.cast::<web_sys::HtmlElement>() {
                let _ = element.style().set_property(property, value);
            }
        });
    }
    html! { <span class={props.class.clone()} ref={node} /> }
}
