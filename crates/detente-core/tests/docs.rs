//! The complete example in docs/scenario-format.md and the template must stay valid.

#[test]
fn the_documented_example_is_valid() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/scenario-format.md"
    ))
    .expect("doc");
    let start = doc.find("## A complete example").expect("section");
    let body = &doc[start..];
    let open = body.find("```toml\n").expect("toml block") + "```toml\n".len();
    let close = body[open..].find("```").expect("end of block") + open;
    let (s, warnings) = detente_core::format::parse_toml(&body[open..close], "example.toml")
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.actors.len(), 4);
    assert!(warnings.items.is_empty(), "{warnings}");
}

#[test]
fn the_template_is_valid() {
    let t = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/template.toml"
    ))
    .expect("template");
    detente_core::format::parse_toml(&t, "template.toml").unwrap_or_else(|e| panic!("{e:?}"));
}
