//! The page's parts, one component per file.

mod controls;
mod drift_palette;
mod drift_table;
mod event_log;
mod exports;
mod fleet_table;
mod fleet_view;
mod glyph_icon;
mod image_builder;
mod layer_stack;
mod metric_chart;
mod pipeline_view;
mod registry;
mod rollout_panel;
mod security;
mod status_bar;
mod strategy_editor;
mod timeline_chart;

pub use controls::Controls;
pub use drift_palette::DriftPalette;
pub use drift_table::{DriftRow, DriftTable};
pub use event_log::{EventLog, LogEntry};
pub use exports::Exports;
pub use fleet_table::{FleetTable, TableRow};
pub use fleet_view::{FleetView, LegendRow};
pub use glyph_icon::GlyphIcon;
pub use image_builder::ImageBuilder;
pub use layer_stack::LayerStack;
pub use metric_chart::MetricChart;
pub use pipeline_view::PipelineView;
pub use registry::{Registry, RegistryRow};
pub use rollout_panel::{RevisionBar, RolloutPanel, StepView};
pub use security::Security;
pub use status_bar::{StatusBar, StatusProps};
pub use strategy_editor::StrategyEditor;
pub use timeline_chart::TimelineChart;
