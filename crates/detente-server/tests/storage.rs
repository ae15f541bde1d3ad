//! Storage on both databases: the same migrations bring up SQLite (a WAL file) and a real
//! PostgreSQL server started by the test, and the server serves its pages over each.

mod common;

use common::pg::Postgres;
use common::Server;

async fn serves_pages(server: &Server) {
    let c = server.client().await;
    let (status, body) = c.text("/").await;
    assert!(status.is_success(), "{status}: {body}");
    assert!(body.contains("Workbench"), "{body}");
    let (status, _) = c.text("/no/such/page").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_the_default_and_runs_in_wal_mode() {
    let server = Server::start().await;
    serves_pages(&server).await;
    // WAL mode leaves its -wal file beside the database while the server runs.
    assert!(std::path::Path::new(&format!("{}-wal", server.db)).exists());
    let db = server.db.clone();
    let _dir = server.stop().await;
    // The schema is there and a second start (migrations already applied) works.
    let again = Server::start_with(&db).await;
    serves_pages(&again).await;
    again.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_gets_the_same_migrations() {
    let Some(pg) = Postgres::start() else { return };
    let url = pg.database("detente_storage");
    let server = Server::start_with(&url).await;
    serves_pages(&server).await;
    server.stop().await;
    // Restart over the migrated database.
    let again = Server::start_with(&url).await;
    serves_pages(&again).await;
    again.stop().await;
}
