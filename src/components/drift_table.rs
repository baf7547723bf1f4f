//! The drift detector's report as a table: every instance that differs from its image, what
//! differs (changed, missing, unmanaged), and how much of it the image still accounts for.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct DriftRow {
    pub instance: AttrValue,
    pub fingerprint: AttrValue,
    pub coverage_percent: u32,
    /// One line per difference, e.g. `kernel_param vm.overcommit_memory: unmanaged (2)`.
    pub items: Rc<Vec<String>>,
}

#[derive(Properties, PartialEq)]
pub struct DriftTableProps {
    pub title: AttrValue,
    pub rows: Rc<Vec<DriftRow>>,
}

#[component]
pub fn DriftTable(props: &DriftTableProps) -> Html {
    html! {
        <div class="table-wrap drift-table">
            <table data-testid="drift-table">
                <caption>{ format!("{}: {} instances differ from their image", props.title, props.rows.len()) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Instance"}</th>
                        <th scope="col">{"Fingerprint"}</th>
                        <th scope="col">{"Managed"}</th>
                        <th scope="col">{"Differences"}</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().map(|row| html! {
                        <tr key={row.instance.to_string()} data-instance-id={row.instance.clone()}>
                            <th scope="row">{ row.instance.clone() }</th>
                            <td><code>{ row.fingerprint.clone() }</code></td>
                            <td>{ format!("{}%", row.coverage_percent) }</td>
                            <td class="drift-items">{ for row.items.iter().map(|item| html! { <div key={item.clone()}>{ item }</div> }) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
