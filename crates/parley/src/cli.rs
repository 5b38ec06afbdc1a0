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
    /// The organisation (its slug) the command works on [default: default].
    #[arg(long, global = true, env = "PARLEY_ORG")]
    pub org: Option<String>,
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
    /// Search the bank by words (BM25) and by meaning.
    Search(SearchArgs),
    /// Review near-duplicate questions: list the open suggestions, merge, dismiss, rescan.
    Dedup(DedupArgs),
    /// Grade a written answer against a reference answer: score 0-5, key points covered and
    /// missed, flags, confidence and an explanation. One answer, or a CSV batch.
    Grade(GradeArgs),
    /// The bank as a whole: `parley bank starter` loads the starter bank written for Parley.
    #[command(subcommand)]
    Bank(BankCommand),
    /// Practise in the terminal: answer questions, see the grade and what you missed, rate
    /// your recall; spaced repetition (FSRS) brings weak questions back.
    Practice(PracticeArgs),
    /// Create or upgrade the database schema.
    Migrate,
    /// Run the web app and the JSON API.
    Serve(ServeArgs),
    /// Organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Members of an organisation.
    #[command(subcommand)]
    User(UserCommand),
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

impl Cli {
    /// The organisation slug the command works on.
    pub fn org_slug(&self) -> &str {
        self.org.as_deref().unwrap_or(DEFAULT_ORG)
    }
}

/// The organisation the CLI works on when none is named; `parley serve`'s first-run setup
/// adopts it, so a bank imported before anyone had an account is the new organisation's.
pub const DEFAULT_ORG: &str = "default";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080, or `addr` in the settings].
    #[arg(long)]
    pub addr: Option<std::net::SocketAddr>,
    /// Settings file (TOML); ./parley.toml is read when it exists.
    #[arg(long, env = "PARLEY_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Load the starter bank: 120 questions across 15 sections written for Parley, each with a
    /// reference answer, key points, what to look for, red flags and a follow-up, 30 of them
    /// also in Polish. Loading it again adds nothing.
    Starter {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// The member who practises (their progress is kept under their account).
    #[arg(long)]
    pub email: String,
    /// Practise only these sections (repeatable; taxonomy ids or names, English or Polish)
    /// [default: the sections saved with your practice settings, or all].
    #[arg(long)]
    pub section: Vec<String>,
    /// Only questions in this language (en, pl).
    #[arg(long)]
    pub lang: Option<String>,
    /// Stop after this many questions.
    #[arg(long)]
    pub limit: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation.
    Create {
        slug: String,
        /// Its display name [default: the slug].
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a member to the organisation given by --org; the password is read from standard
    /// input (asked for without echo on a terminal).
    Add {
        #[arg(long)]
        email: String,
        /// owner, admin, interviewer or candidate.
        #[arg(long)]
        role: String,
        /// Display name [default: the part of the address before @].
        #[arg(long)]
        name: Option<String>,
    },
    /// List the members of the organisation.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token for a member and print it (its last line is the token).
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
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
    /// Do not embed the new questions or look for near-duplicates now; the embeddings are made
    /// when the search index next catches up (`parley dedup scan` finds the duplicates later).
    #[arg(long)]
    pub no_semantic: bool,
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
    /// Edit a question; the previous version stays in its history.
    Edit(EditArgs),
    /// Delete a question with its sources and history.
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The question's id or a unique prefix of it.
    pub id: String,
    #[arg(long)]
    pub text: Option<String>,
    #[arg(long)]
    pub section: Option<String>,
    /// Comma-separated; replaces the question's tags ("" clears them).
    #[arg(long)]
    pub tags: Option<String>,
    /// The reference answer ("" removes it).
    #[arg(long)]
    pub answer: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub lang: Option<String>,
    /// Replace the key points with the author's own (repeatable).
    #[arg(long = "key-point", conflicts_with = "extract_key_points")]
    pub key_points: Vec<String>,
    /// Drop the author's key points and extract them from the reference answer again.
    #[arg(long)]
    pub extract_key_points: bool,
    /// Refuse the edit if someone saved another revision since this one.
    #[arg(long)]
    pub expect_revision: Option<u32>,
    /// Why the question changed, kept in its history.
    #[arg(long, default_value = "edited")]
    pub note: String,
    #[arg(long, env = "USER", default_value = "cli")]
    pub author: String,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The question asked.
    #[arg(long, conflicts_with_all = ["id", "batch"])]
    pub question: Option<String>,
    /// The reference answer (repeat for alternatives any of which is right).
    #[arg(long, requires = "question")]
    pub reference: Vec<String>,
    /// A key point the answer should cover (repeatable); without any, they are extracted from
    /// the reference answer.
    #[arg(long = "key-point", conflicts_with_all = ["id", "batch"])]
    pub key_points: Vec<String>,
    /// Something a good answer must not say (repeatable).
    #[arg(long = "red-flag", conflicts_with_all = ["id", "batch"])]
    pub red_flags: Vec<String>,
    /// Grade against a question of the bank (its id or id prefix) instead of --question.
    #[arg(long, conflicts_with = "batch")]
    pub id: Option<String>,
    /// The answer; `-` reads it from standard input.
    #[arg(long, conflicts_with = "batch")]
    pub answer: Option<String>,
    /// A CSV file with a header naming at least `question`, `reference_answer` and
    /// `student_answer` (other columns are ignored); grades every row.
    #[arg(long)]
    pub batch: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Largest batch file accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_size: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    Markdown,
    Csv,
    /// A text file Anki imports (File › Import): notes with the reference answer and tags.
    Anki,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchMode {
    /// BM25 over English and Polish stems and folded words, with typo tolerance.
    Lexical,
    /// Nearest questions by sentence embedding.
    Semantic,
    /// Both, fused by reciprocal rank.
    Hybrid,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, in any words (English or Polish).
    pub query: String,
    /// How many results (1 to 1000).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub limit: u16,
    /// Only this section (a taxonomy name in English or Polish, or the section as stored).
    #[arg(long)]
    pub section: Option<String>,
    /// Only questions in this language (en, pl).
    #[arg(long)]
    pub lang: Option<String>,
    /// Only questions with this tag (repeat for several: all must be present).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only questions of this kind (technical, behavioural, …).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only questions with a reference answer.
    #[arg(long)]
    pub has_answer: bool,
    #[arg(long, value_enum, default_value = "hybrid")]
    pub mode: SearchMode,
    /// Print `{"results":[…]}` as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DedupArgs {
    #[command(subcommand)]
    pub action: Option<DedupAction>,
    /// Print `{"near_duplicates":[…]}` as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DedupAction {
    /// Merge OTHER into KEEP: sources, answers, guidance and history are kept, OTHER is deleted.
    Merge {
        keep: String,
        other: String,
        #[arg(long, env = "USER", default_value = "cli")]
        author: String,
    },
    /// Remember that A and B are different questions; they are not suggested again.
    Dismiss {
        a: String,
        b: String,
        #[arg(long, env = "USER", default_value = "cli")]
        author: String,
    },
    /// Look for near-duplicates across the whole bank (after installing the model, say).
    Scan,
}
