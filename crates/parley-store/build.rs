//! Rebuilds the crate when a migration changes: `sqlx::migrate!` embeds the files at compile
//! time, and cargo cannot see that dependency on stable Rust without this hint.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
