//! The accessible view of the canvas: every instance shown, as a table.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub id: AttrValue,
    pub image: AttrValue,
    pub image_short: AttrValue,
    pub version: AttrValue,
    pub glyph: &'static str,
    pub revision: u32,
    /// The state's code (`in_service`) for machines and its words for people.
    pub state_code: &'static str,
    pub state_label: &'static str,
    pub address: AttrValue,
    pub launch_tick: u64,
    /// Advisories affecting its image, comma-separated (empty when none are known).
    pub advisories: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct FleetTableProps {
    pub rows: Rc<Vec<TableRow>>,
    /// How many instances are on screen; the rows may be only the first of them.
    pub shown: usize,
}

#[component]
pub fn FleetTable(props: &FleetTableProps) -> Html {
    html! {
        <div class="table-wrap">
            <table data-testid="fleet-table">
                <caption>{ format!("{} of the {} instances on screen", props.rows.len(), props.shown) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Instance"}</th>
                        <th scope="col">{"Image"}</th>
                        <th scope="col">{"Revision"}</th>
                        <th scope="col">{"State"}</th>
                        <th scope="col">{"Address"}</th>
                        <th scope="col">{"Launched"}</th>
                        <th scope="col">{"Security"}</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().map(|row| html! {
                        <tr key={row.id.to_string()} data-instance-id={row.id.clone()} data-image={row.image.clone()} data-state={row.state_code}
                            data-vulnerable={(!row.advisories.is_empty()).to_string()}>
                            <th scope="row">{ row.id.clone() }</th>
                            <td><span class="muted">{ format!("{} ", row.glyph) }</span>{ format!("v{} ", row.version) }<code>{ row.image_short.clone() }</code></td>
                            <td>{ row.revision }</td>
                            <td class={classes!("state", row.state_code)}>{ row.state_label }</td>
                            <td><code>{ row.address.clone() }</code></td>
                            <td>{ format!("tick {}", row.launch_tick) }</td>
                            if row.advisories.is_empty() {
                                <td class="muted">{"no known advisories"}</td>
                            } else {
                                <td class="scan bad">{ format!("⚠ {}", row.advisories) }</td>
                            }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
