//! End-to-end in a real headless Chromium (WebDriver): the pages as a user sees them.
//! Screenshots of every page visited are saved in `target/screenshots/server-*.png`.

mod common;

use common::browser::Browser;
use common::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_renders_and_links_both_halves() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let server = Server::start().await;
    b.client.goto(&server.url("/")).await.unwrap();
    b.wait_for("header.top a.brand", 10).await;
    let text = b.text_of("main").await;
    assert!(
        text.contains("Workbench") && text.contains("Negotiation rooms"),
        "{text}"
    );
    b.screenshot("start").await;
    b.close().await;
    server.stop().await;
}
