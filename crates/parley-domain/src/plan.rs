//! The kit builder: from a role, a candidate, a length and the bank, a timed plan.
//!
//! The rules, in the order they bind: the blocks' minutes add up to the length exactly; every
//! required competency gets a block with at least one question; no question this candidate
//! was asked before comes back; time is shared by the competencies' weights; within a
//! competency, questions about what the candidate has done (and what the role uses) come first,
//! then questions an interviewer can judge (key points, a reference answer). The same input
//! always gives the same kit.

use crate::experience::{Mention, section_of_technology, shorten};
use crate::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use crate::kit::{BlockKind, Kit, KitBlock, KitError, KitItem, LENGTHS, PoolQuestion};
use crate::text::words;
use crate::{Language, QuestionId, QuestionKind};
use std::collections::{HashMap, HashSet};

/// The organisation's scripts; `{candidate}`, `{role}`, `{company}` and `{interviewers}` are
/// filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scripts {
    pub company: String,
    pub opening: String,
    pub closing: String,
}

impl Default for Scripts {
    fn default() -> Self {
        Scripts {
            company: "our company".into(),
            opening: "Hello {candidate}, thank you for your time. I am {interviewers}. \
                      Let me say a few words about {company} and the {role} role, and how \
                      this conversation will go: we start with your own experience, then go \
                      through a few technical areas, and leave time at the end for your \
                      questions."
                .into(),
            closing: "Is there anything we did not ask about that you would like us to know? \
                      Here is what happens next and when you will hear from us."
                .into(),
        }
    }
}

/// Everything the planner reads.
#[derive(Debug, Clone)]
pub struct KitRequest<'a> {
    pub role: &'a JobRoleDraft,
    pub candidate: &'a CandidateDraft,
    /// What was found in the candidate's experience (for the openers' evidence).
    pub mentions: &'a [Mention],
    pub length: u32,
    pub interviewers: &'a [String],
    pub pool: &'a [PoolQuestion],
    /// Questions this candidate was asked in earlier interviews.
    pub asked: &'a HashSet<QuestionId>,
    pub scripts: &'a Scripts,
    /// Preferred language of the questions, when the organisation has one.
    pub language: Option<Language>,
    /// Pinned items of the kit being rebuilt, with the key of the block each was in.
    pub pinned: Vec<(String, KitItem)>,
    /// The first item id to hand out (a rebuilt kit never reuses its old ids); 1 for a new kit.
    pub next_item: u32,
}

/// Minutes of the fixed blocks per length: introduction, openers, candidate's questions, close.
fn fixed_minutes(length: u32) -> [u32; 4] {
    match length {
        30 => [3, 5, 4, 2],
        45 => [4, 6, 5, 3],
        60 => [5, 8, 7, 3],
        _ => [5, 10, 10, 5],
    }
}

fn openers_for(length: u32) -> usize {
    match length {
        30 => 1,
        90 => 3,
        _ => 2,
    }
}

/// Shortest block a competency gets when the time allows.
const MIN_BLOCK: u32 = 4;

/// Builds the kit.
pub fn plan(req: &KitRequest<'_>) -> Result<Kit, KitError> {
    if !LENGTHS.contains(&req.length) {
        return Err(KitError::BadLength(req.length));
    }
    let [intro, experience, theirs, close] = fixed_minutes(req.length);
    let budget = req.length - intro - experience - theirs - close;
    let mut warnings = Vec::new();
    let (competencies, minutes) = share_time(req.role, budget, req.length, &mut warnings)?;

    let mut kit = Kit {
        length_minutes: req.length,
        blocks: Vec::new(),
        warnings: Vec::new(),
        next_item: 1,
    };
    let mut used: HashSet<QuestionId> = req
        .pinned
        .iter()
        .filter_map(|(_, i)| i.question_id)
        .collect();
    kit.next_item = req
        .pinned
        .iter()
        .map(|(_, i)| i.id + 1)
        .max()
        .unwrap_or(1)
        .max(req.next_item);

    let fill = |s: &str| {
        s.replace("{candidate}", &req.candidate.name)
            .replace("{role}", &req.role.title)
            .replace("{company}", &req.scripts.company)
            .replace("{interviewers}", &names(req.interviewers))
    };
    let script = |kit: &mut Kit, text: String, minutes: u32| {
        let id = kit.next_item;
        kit.next_item += 1;
        script_item(id, text, minutes)
    };

    let item = script(&mut kit, fill(&req.scripts.opening), intro);
    kit.blocks.push(block(
        BlockKind::Introduction,
        "introduction",
        "Introduction",
        intro,
        vec![item],
    ));

    let prepared = prepare(req.pool);
    let openers = openers(req, &prepared, &mut kit, &mut used, experience);
    kit.blocks.push(block(
        BlockKind::Experience,
        "experience",
        "Your experience",
        experience,
        openers,
    ));

    let technologies = Technologies::new(req.candidate, req.role);
    for (c, m) in competencies.iter().zip(minutes) {
        let want = Want::new(c);
        let mut items: Vec<KitItem> = req
            .pinned
            .iter()
            .filter(|(k, _)| *k == c.key)
            .map(|(_, i)| i.clone())
            .collect();
        let mut left = m.saturating_sub(items.iter().map(|i| i.minutes).sum());
        let mut ranked: Vec<(i32, &Prepared<'_>)> = prepared
            .iter()
            .filter(|p| want.fits(p) && !req.asked.contains(&p.q.id))
            .map(|p| (score(p, c, &technologies, req.language.as_ref()), p))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.q.id.cmp(&b.1.q.id)));
        for (_, p) in ranked {
            let q = p.q;
            if used.contains(&q.id) {
                continue;
            }
            // Always one question; then as many as the time holds.
            if !items.is_empty() && q.minutes > left {
                continue;
            }
            let id = kit.next_item;
            kit.next_item += 1;
            items.push(q.to_item(id, technologies.anchor(p)));
            used.insert(q.id);
            left = left.saturating_sub(q.minutes);
            if left == 0 {
                break;
            }
        }
        if items.is_empty() {
            warnings.push(format!(
                "The bank has no question for {} that this candidate has not been asked; a general prompt stands in.",
                c.name
            ));
            let id = kit.next_item;
            kit.next_item += 1;
            items.push(script_item(id, general_prompt(c), m));
        }
        let mut b = block(BlockKind::Competency, &c.key, &c.name, m, items);
        b.required = c.required;
        kit.blocks.push(b);
    }

    let item = script(
        &mut kit,
        "What would you like to know about us, the team or the role?".into(),
        theirs,
    );
    kit.blocks.push(block(
        BlockKind::CandidateQuestions,
        "candidate-questions",
        "Your questions for us",
        theirs,
        vec![item],
    ));
    let item = script(&mut kit, fill(&req.scripts.closing), close);
    kit.blocks.push(block(
        BlockKind::Closing,
        "closing",
        "Closing",
        close,
        vec![item],
    ));
    kit.warnings = warnings;
    debug_assert_eq!(kit.planned_minutes(), req.length);
    Ok(kit)
}

/// Bank questions that could replace or join the questions of competency block `key`: of the
/// same competency, not in the kit, not asked before, best first by the planner's own order.
pub fn alternatives<'p>(
    req: &KitRequest<'_>,
    kit: &Kit,
    key: &str,
    pool: &'p [PoolQuestion],
    limit: usize,
) -> Vec<&'p PoolQuestion> {
    let Some(c) = req.role.competencies.iter().find(|c| c.key == key) else {
        return Vec::new();
    };
    let in_kit: HashSet<QuestionId> = kit.question_ids().into_iter().collect();
    let technologies = Technologies::new(req.candidate, req.role);
    let want = Want::new(c);
    let prepared = prepare(pool);
    let mut ranked: Vec<(i32, &Prepared<'_>)> = prepared
        .iter()
        .filter(|p| want.fits(p) && !req.asked.contains(&p.q.id) && !in_kit.contains(&p.q.id))
        .map(|p| (score(p, c, &technologies, req.language.as_ref()), p))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.q.id.cmp(&b.1.q.id)));
    ranked.into_iter().take(limit).map(|(_, p)| p.q).collect()
}

fn names(people: &[String]) -> String {
    match people {
        [] => "your interviewer".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn block(kind: BlockKind, key: &str, title: &str, minutes: u32, items: Vec<KitItem>) -> KitBlock {
    KitBlock {
        kind,
        key: key.to_string(),
        title: title.to_string(),
        minutes,
        required: false,
        items,
    }
}

fn script_item(id: u32, text: String, minutes: u32) -> KitItem {
    KitItem {
        id,
        question_id: None,
        text,
        anchor: None,
        reference_answer: None,
        key_points: Vec::new(),
        look_for: Vec::new(),
        red_flags: Vec::new(),
        follow_ups: Vec::new(),
        minutes,
        pinned: false,
    }
}

fn general_prompt(c: &Competency) -> String {
    format!(
        "Tell me about a time {} mattered in your work: what was the problem, what did you do, and what did you learn?",
        c.name.to_lowercase()
    )
}

/// Chooses the competencies that fit and shares `budget` minutes among them by weight
/// (largest remainder, so the shares add up exactly). Required ones always stay; optional
/// ones are left out, lightest first, when each could not get [`MIN_BLOCK`] minutes.
fn share_time<'r>(
    role: &'r JobRoleDraft,
    budget: u32,
    length: u32,
    warnings: &mut Vec<String>,
) -> Result<(Vec<&'r Competency>, Vec<u32>), KitError> {
    let mut order: Vec<&Competency> = role.competencies.iter().collect();
    order.sort_by(|a, b| b.required.cmp(&a.required).then(b.weight.cmp(&a.weight)));
    let required = order.iter().filter(|c| c.required).count();
    let floor = if (required as u32) * MIN_BLOCK <= budget {
        MIN_BLOCK
    } else if (required as u32) * 2 <= budget {
        2
    } else {
        return Err(KitError::TooShort { required, length });
    };
    let mut chosen: Vec<&Competency> = Vec::new();
    for c in order {
        if c.required || (chosen.len() as u32 + 1) * floor <= budget {
            chosen.push(c);
        } else {
            warnings.push(format!("{} left out: not enough time for it.", c.name));
        }
    }
    // Keep the role's own order in the plan.
    chosen.sort_by_key(|c| role.competencies.iter().position(|r| r.key == c.key));
    let spare = budget - floor * chosen.len() as u32;
    let total: u32 = chosen
        .iter()
        .map(|c| u32::from(c.weight))
        .sum::<u32>()
        .max(1);
    let mut minutes: Vec<u32> = chosen
        .iter()
        .map(|c| floor + spare * u32::from(c.weight) / total)
        .collect();
    let mut left = budget - minutes.iter().sum::<u32>();
    let mut by_remainder: Vec<usize> = (0..chosen.len()).collect();
    by_remainder.sort_by_key(|&i| {
        (
            std::cmp::Reverse(spare * u32::from(chosen[i].weight) % total),
            i,
        )
    });
    for i in by_remainder.into_iter().cycle() {
        if left == 0 {
            break;
        }
        minutes[i] += 1;
        left -= 1;
    }
    Ok((chosen, minutes))
}

/// A pool question with what matching needs, computed once per plan: its section as a
/// competency key and the words of its text and tags.
struct Prepared<'p> {
    q: &'p PoolQuestion,
    key: Option<String>,
    words: Vec<String>,
    tags: Vec<String>,
}

fn prepare(pool: &[PoolQuestion]) -> Vec<Prepared<'_>> {
    // Sections repeat across the bank; each is looked up in the taxonomy once.
    let mut keys: HashMap<&str, String> = HashMap::new();
    pool.iter()
        .map(|q| Prepared {
            q,
            key: q
                .section
                .as_deref()
                .map(|s| keys.entry(s).or_insert_with(|| section_key(s)).clone()),
            words: words(&q.text),
            tags: q.tags.iter().flat_map(|t| words(t)).collect(),
        })
        .collect()
}

/// A competency as matching needs it.
struct Want<'c> {
    c: &'c Competency,
    /// For a custom competency, the words of its name (all must occur).
    custom: Option<Vec<String>>,
}

impl<'c> Want<'c> {
    fn new(c: &'c Competency) -> Self {
        Want {
            c,
            custom: (!c.is_section()).then(|| words(&c.name)),
        }
    }

    fn fits(&self, p: &Prepared<'_>) -> bool {
        if matches!(
            p.q.kind,
            QuestionKind::Opening | QuestionKind::Closing | QuestionKind::ForInterviewer
        ) {
            return false;
        }
        if p.key.as_deref() == Some(self.c.key.as_str()) || p.q.tags.contains(&self.c.key) {
            return true;
        }
        // A custom competency: every word of its name in the question or its tags.
        self.custom.as_ref().is_some_and(|want| {
            !want.is_empty()
                && want
                    .iter()
                    .all(|w| p.words.contains(w) || p.tags.contains(w))
        })
    }
}

/// A question's section as a competency key: the taxonomy id for a section the taxonomy
/// knows by id or name (the bank stores names), a slug of the name otherwise.
fn section_key(section: &str) -> String {
    crate::Taxonomy::builtin()
        .lookup(section)
        .map_or_else(|| crate::hiring::slug(section), |s| s.id.clone())
}

/// A technology's name and its words.
struct Tech {
    name: String,
    words: Vec<String>,
}

impl Tech {
    fn new(name: &str) -> Tech {
        Tech {
            name: name.to_string(),
            words: words(name),
        }
    }

    fn named_by(&self, p: &Prepared<'_>) -> bool {
        let n = self.words.len();
        n > 0
            && (p.words.windows(n).any(|w| w == self.words.as_slice())
                || p.q.tags.iter().any(|t| t.eq_ignore_ascii_case(&self.name)))
    }
}

/// The candidate's technologies and the role's.
struct Technologies {
    candidate: Vec<Tech>,
    role: Vec<Tech>,
}

impl Technologies {
    fn new(candidate: &CandidateDraft, role: &JobRoleDraft) -> Self {
        Technologies {
            candidate: candidate
                .technologies
                .iter()
                .map(|t| Tech::new(t))
                .collect(),
            role: role.technologies.iter().map(|t| Tech::new(t)).collect(),
        }
    }

    /// The first candidate technology the question names, as the reason it is asked.
    fn anchor(&self, p: &Prepared<'_>) -> Option<String> {
        self.candidate
            .iter()
            .find(|t| t.named_by(p))
            .map(|t| format!("The candidate has worked with {}.", t.name))
    }
}

fn score(p: &Prepared<'_>, c: &Competency, tech: &Technologies, lang: Option<&Language>) -> i32 {
    let q = p.q;
    let mut s = 0;
    if tech.candidate.iter().any(|t| t.named_by(p)) {
        s += 6;
    }
    if tech.role.iter().any(|t| t.named_by(p)) {
        s += 3;
    }
    if !q.key_points.is_empty() {
        s += 2;
    }
    if q.reference_answer.is_some() {
        s += 1;
    }
    if q.kind == QuestionKind::SystemDesign {
        s += match c.level {
            Level::Senior | Level::Staff => 2,
            Level::Mid => 0,
            Level::Junior => -3,
        };
    }
    if let (Some(want), Some(have)) = (lang, &q.language)
        && want == have
    {
        s += 2;
    }
    s
}

/// Opening questions from the candidate's technologies: those the role's competencies or
/// technologies share first (by competency weight), each with the sentence of the CV that
/// names it and a ladder of follow-ups.
fn openers(
    req: &KitRequest<'_>,
    prepared: &[Prepared<'_>],
    kit: &mut Kit,
    used: &mut HashSet<QuestionId>,
    minutes: u32,
) -> Vec<KitItem> {
    let mut pinned: Vec<KitItem> = req
        .pinned
        .iter()
        .filter(|(k, _)| k == "experience")
        .map(|(_, i)| i.clone())
        .collect();
    let weight_of = |section: &str| {
        req.role
            .competencies
            .iter()
            .find(|c| c.key == section)
            .map_or(0, |c| i32::from(c.weight) * 2)
    };
    let mut ranked: Vec<(i32, usize, &String, String)> = req
        .candidate
        .technologies
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            !pinned
                .iter()
                .any(|i| i.anchor.as_deref().is_some_and(|a| a.contains(t.as_str())))
        })
        .map(|(k, t)| {
            let section = section_of_technology(t).unwrap_or_default();
            let on_role = req
                .role
                .technologies
                .iter()
                .any(|r| r.eq_ignore_ascii_case(t));
            (
                weight_of(&section) + if on_role { 5 } else { 0 },
                k,
                t,
                section,
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let wanted = openers_for(req.length).saturating_sub(pinned.len());
    let each = (minutes / openers_for(req.length) as u32).max(1);
    for (_, _, tech, section) in ranked.into_iter().take(wanted) {
        let mention = req
            .mentions
            .iter()
            .find(|m| m.technology.eq_ignore_ascii_case(tech));
        let mut follow_ups: Vec<String> = vec![
            "What was your own part in it, and what did others do?".into(),
            "What went wrong, and how did you find out?".into(),
        ];
        follow_ups.extend(
            section_probes(&section)
                .iter()
                .map(|p| p.replace("{tech}", tech)),
        );
        // The deepest rung: a bank question on the same technology, when there is one.
        let named = Tech::new(tech);
        if let Some(p) = prepared
            .iter()
            .find(|p| !req.asked.contains(&p.q.id) && !used.contains(&p.q.id) && named.named_by(p))
        {
            follow_ups.push(p.q.text.clone());
            used.insert(p.q.id);
        }
        let anchor = match mention {
            Some(m) => format!(
                "Named in the experience: \u{201c}{}\u{201d}",
                shorten(&m.evidence, 160)
            ),
            None => format!("Listed among the candidate's technologies: {tech}."),
        };
        let id = kit.next_item;
        kit.next_item += 1;
        pinned.push(KitItem {
            anchor: Some(anchor),
            follow_ups,
            ..script_item(id, opener_text(tech, &section), each)
        });
    }
    if pinned.is_empty() {
        let id = kit.next_item;
        kit.next_item += 1;
        pinned.push(KitItem {
            follow_ups: vec![
                "What was your own part in it?".into(),
                "What would you do differently today?".into(),
            ],
            ..script_item(
                id,
                "Walk me through a recent project you are proud of: what it did, how it was built and what your part was.".into(),
                minutes,
            )
        });
    }
    pinned
}

fn opener_text(tech: &str, section: &str) -> String {
    match section {
        "messaging" => format!(
            "I see you have worked with {tech}. Tell me more: what did it carry in your system, and what happened to a message that could not be processed?"
        ),
        "databases" => format!(
            "I see {tech} in your experience. Tell me about the busiest database you ran on it: what did you have to change as it grew?"
        ),
        "devops" => format!(
            "You have used {tech}. How did a change get from your laptop to production, and what did you do when a release went wrong?"
        ),
        "security" => format!(
            "You mention {tech}. What did it protect in your system, and how would an attacker try to get around it?"
        ),
        "apis" => format!(
            "You have built APIs with {tech}. Tell me about one: who called it, and how did you change it without breaking them?"
        ),
        "testing" => format!(
            "You mention {tech}. What did your tests catch that mattered, and what slipped through?"
        ),
        _ => format!(
            "I see you have used {tech}. Tell me more: what did you build with it, what was your part, and what would you do differently today?"
        ),
    }
}

fn section_probes(section: &str) -> &'static [&'static str] {
    match section {
        "messaging" => &[
            "How did you make sure a message was processed once, or that processing it twice did no harm?",
            "What did you watch to know the consumers were keeping up?",
        ],
        "databases" => &[
            "Which query hurt most, and how did you find and fix it?",
            "How did you change the schema without downtime?",
        ],
        "devops" => &["How did you roll back, and how long did it take?"],
        "security" => &["How were secrets stored and rotated?"],
        "apis" => &["How did you version it, and how did clients learn about changes?"],
        _ => &["How did you know it worked in production?"],
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
