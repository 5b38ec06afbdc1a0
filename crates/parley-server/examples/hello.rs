//! A bare axum "hello world" on the same runtime settings as `parley serve`: the ceiling the
//! HTTP load benchmark (`./dev bench-http`) measures Parley's own endpoints against.

use axum::Router;
use axum::routing::get;

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".to_string());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(async {
            let app = Router::new().route("/", get(|| async { "hello, world\n" }));
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            axum::serve(listener, app).await
        })
}
