//! Importers for other tools' formats: each parses into a raw, format-shaped structure first,
//! then converts that into a [`crate`] scenario.
pub mod bdm;
pub mod genius;
pub mod ktab;
