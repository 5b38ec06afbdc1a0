//! `parley practice`: the same queue, grader and scheduler as the web app, in the terminal.
//! One question at a time; the answer ends with an empty line; the grade, the key points
//! covered and missed and the reference answer are shown; the rating (Enter takes the
//! suggested one) moves the card.

use crate::cli::PracticeArgs;
use crate::error::UsageError;
use parley_bank::Model;
use parley_bank::practice::Practice;
use parley_domain::Email;
use parley_grade::{Encode, Grader};
use parley_practice::queue::Reason;
use parley_practice::schedule::describe_interval;
use parley_practice::{Rating, Settings};
use parley_store::Store;
use std::io::{BufRead, Write};
use std::sync::Arc;

/// An answer typed in the terminal is cut off here (the grader reads far less).
const MAX_ANSWER_BYTES: usize = 100_000;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub async fn run(store: &Store, org_slug: &str, args: PracticeArgs) -> anyhow::Result<()> {
    let org = store
        .org_by_slug(org_slug)
        .await?
        .ok_or_else(|| UsageError(format!("no organisation {org_slug:?}")))?;
    let email = Email::parse(&args.email)?;
    let user = store
        .users_by_email(&email)
        .await?
        .into_iter()
        .map(|(u, _)| u)
        .find(|u| u.org == org)
        .ok_or_else(|| UsageError(format!("{email} is not a member of {org_slug:?}")))?;
    let practice = Practice {
        store,
        org,
        user: user.id,
    };
    let mut settings = practice.settings().await?;
    if !args.section.is_empty() || args.lang.is_some() {
        settings = Settings {
            sections: args.section.clone(),
            language: match &args.lang {
                Some(l) => Some(l.parse()?),
                None => settings.language,
            },
            ..settings
        }
        .validated()?;
    }
    let model = Model::locate();
    model.warn_if_missing("answers are graded on words only");
    let grader = Grader::new(model.shared().map(|e| e as Arc<dyn Encode>));
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout();
    let mut done = 0u32;
    loop {
        if args.limit.is_some_and(|l| done >= l) {
            break;
        }
        let offer = practice.next(&settings, now()).await?;
        let Some((q, reason)) = offer.question else {
            let when = offer
                .counts
                .next_due_ms
                .map(|t| format!(" The next review is in {}.", describe_interval(t - now())))
                .unwrap_or_default();
            writeln!(
                out,
                "Nothing to practise now: no question is due and today's new questions are done.{when}"
            )?;
            break;
        };
        let c = &offer.counts;
        writeln!(
            out,
            "\n[{} | {} due | {} new left today] {}",
            match reason {
                Reason::Due => "review",
                Reason::New => "new",
            },
            c.due,
            c.new_left_today,
            q.draft.section.as_deref().unwrap_or("no section")
        )?;
        writeln!(out, "{}", q.draft.text)?;
        writeln!(out, "Your answer (an empty line ends it; q alone quits):")?;
        out.flush()?;
        let Some(answer) = read_answer(&mut input)? else {
            break;
        };
        let (attempt, grade, q) = practice.answer(&grader, q.id, &answer, now()).await?;
        writeln!(out, "\nScore: {:.1} / 5", grade.score)?;
        for c in &grade.covered {
            writeln!(out, "  covered: {}  (\"{}\")", c.key_point, c.evidence)?;
        }
        for m in &grade.missed {
            writeln!(out, "  missed:  {m}")?;
        }
        writeln!(out, "{}", grade.explanation)?;
        if let Some(r) = &q.draft.reference_answer {
            writeln!(out, "\nReference answer:\n{r}")?;
        }
        let suggested = attempt.suggested.unwrap_or(Rating::Good);
        let t = now();
        let previews = practice
            .previews(&settings, q.id, Some(grade.score), t)
            .await?;
        let choices: Vec<String> = previews
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{} {} ({})",
                    i + 1,
                    p.rating,
                    describe_interval(p.due_ms - t)
                )
            })
            .collect();
        let rating = loop {
            write!(
                out,
                "\nRate your recall: {} [Enter = {suggested}]: ",
                choices.join(", ")
            )?;
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                break suggested;
            }
            let line = line.trim();
            if line.is_empty() {
                break suggested;
            }
            match line.parse::<Rating>() {
                Ok(r) => break r,
                Err(e) => writeln!(out, "{e}")?,
            }
        };
        let t = now();
        let (_, card) = practice.rate(&settings, attempt.id, rating, t).await?;
        writeln!(
            out,
            "Rated {rating}: back in {}.",
            describe_interval(card.due_ms - t)
        )?;
        done += 1;
    }
    writeln!(out, "Practised {done} question(s).")?;
    Ok(())
}

/// Lines up to an empty one; `None` on "q" alone or at the end of input with nothing typed.
fn read_answer(input: &mut impl BufRead) -> anyhow::Result<Option<String>> {
    let mut answer = String::new();
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok((!answer.trim().is_empty()).then_some(answer));
        }
        let t = line.trim_end_matches(['\r', '\n']);
        if answer.is_empty() && t.trim() == "q" {
            return Ok(None);
        }
        if t.trim().is_empty() {
            if answer.trim().is_empty() {
                continue;
            }
            return Ok(Some(answer));
        }
        if answer.len() + t.len() < MAX_ANSWER_BYTES {
            answer.push_str(t);
            answer.push('\n');
        }
    }
}
