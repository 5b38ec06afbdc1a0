//! The command line: every flag and subcommand of `parley`, in one place.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "parley",
    version,
    about = "Structured technical interviews: question bank, kits, assessment and practice"
)]
pub struct Cli {
    /// Database URL: sqlite://PATH (the default is ./parley.db) or postgres://USER@HOST:PORT/DB.
    #[arg(long, global = true, env = "PARLEY_DB")]
    pub db: Option<String>,
    /// The organisation whose bank the command works on.
    #[arg(long, global = true, env = "PARLEY_ORG", default_value = "default")]
    pub org: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import question documents (text, Markdown, CSV, Parley JSON); all files or none.
    Import(ImportArgs),
    /// List and show questions.
    #[command(subcommand)]
    Questions(QuestionsCommand),
    /// Export the whole bank.
    Export(ExportArgs),
    /// Create or upgrade the database schema.
    Migrate,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Report what would be imported without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_size: u64,
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum QuestionsCommand {
    /// List questions, oldest first.
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        section: Option<String>,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: u32,
    },
    /// Show one question with its guidance, sources and history (an id or a unique prefix).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    Markdown,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}
