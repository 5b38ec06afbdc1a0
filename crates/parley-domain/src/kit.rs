//! An interview kit: the timed plan an interviewer follows, block by block, and the edits an
//! interviewer makes to it (swap, reorder, pin, remove, add). Building one is [`crate::plan`].
//!
//! A kit is a snapshot: it copies each question's text and guidance, so a later edit of the
//! bank does not change what an interview was run with.

use crate::QuestionId;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The lengths an interview may have, in minutes.
pub const LENGTHS: [u32; 4] = [30, 45, 60, 90];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KitError {
    #[error("an interview lasts 30, 45, 60 or 90 minutes, not {0}")]
    BadLength(u32),
    #[error(
        "{required} required competencies do not fit in {length} minutes; make the interview longer or require fewer"
    )]
    TooShort { required: usize, length: u32 },
    #[error("the kit has no item {0}")]
    NoItem(u32),
    #[error("the kit has no block {0:?}")]
    NoBlock(String),
    #[error("item {0} is pinned; unpin it first")]
    Pinned(u32),
    #[error("{0} is required and this is its last question; swap it instead of removing it")]
    LastOfRequired(String),
    #[error("this question is already in the kit")]
    AlreadyInKit,
    #[error("questions are added to competency blocks only")]
    NotACompetency,
}

/// What a block of the plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Who we are, the company, the role, how the interview will go.
    Introduction,
    /// Opening questions anchored in what the candidate has done.
    Experience,
    /// Questions on one competency of the role.
    Competency,
    /// The candidate's questions for us.
    CandidateQuestions,
    /// The closing question and next steps.
    Closing,
}

/// One thing to say or ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KitItem {
    /// Unique within the kit and never reused: notes and ratings are kept under it.
    pub id: u32,
    /// The bank question it came from; `None` for scripts and prompts written by the planner.
    pub question_id: Option<QuestionId>,
    pub text: String,
    /// Why this question is here, when it is about the candidate ("Named in the CV: …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_answer: Option<String>,
    #[serde(default)]
    pub key_points: Vec<String>,
    #[serde(default)]
    pub look_for: Vec<String>,
    #[serde(default)]
    pub red_flags: Vec<String>,
    /// The follow-up ladder, from the first probe to the deepest.
    #[serde(default)]
    pub follow_ups: Vec<String>,
    pub minutes: u32,
    /// Kept as it is when the kit is rebuilt, and not swapped or removed until unpinned.
    #[serde(default)]
    pub pinned: bool,
}

impl KitItem {
    /// Whether the interviewer rates this item (scripts are read, not rated).
    pub fn is_rated(&self, kind: BlockKind) -> bool {
        matches!(kind, BlockKind::Experience | BlockKind::Competency)
    }
}

/// A timed part of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KitBlock {
    pub kind: BlockKind,
    /// The competency's key for competency blocks; the kind's name otherwise.
    pub key: String,
    pub title: String,
    pub minutes: u32,
    /// A required competency of the role.
    #[serde(default)]
    pub required: bool,
    pub items: Vec<KitItem>,
}

/// The plan: blocks in order, their minutes adding up to the length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kit {
    pub length_minutes: u32,
    pub blocks: Vec<KitBlock>,
    /// What the planner could not do as asked (no question for a competency, a competency
    /// left out for time).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The id the next new item gets.
    pub next_item: u32,
}

/// A question the planner or an edit can put into a kit, with everything the kit copies.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolQuestion {
    pub id: QuestionId,
    pub text: String,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub kind: crate::QuestionKind,
    pub language: Option<crate::Language>,
    pub minutes: u32,
    pub reference_answer: Option<String>,
    pub key_points: Vec<String>,
    pub look_for: Vec<String>,
    pub red_flags: Vec<String>,
    /// The texts of the questions stored as its follow-ups.
    pub follow_ups: Vec<String>,
}

impl PoolQuestion {
    /// The item for this question: its follow-up ladder is the stored follow-ups, then a probe
    /// per key point the candidate may not have reached on their own.
    pub fn to_item(&self, id: u32, anchor: Option<String>) -> KitItem {
        let mut follow_ups = self.follow_ups.clone();
        for kp in self.key_points.iter().take(3) {
            follow_ups.push(format!("If not mentioned, probe: {kp}"));
        }
        KitItem {
            id,
            question_id: Some(self.id),
            text: self.text.clone(),
            anchor,
            reference_answer: self.reference_answer.clone(),
            key_points: self.key_points.clone(),
            look_for: self.look_for.clone(),
            red_flags: self.red_flags.clone(),
            follow_ups,
            minutes: self.minutes,
            pinned: false,
        }
    }
}

impl Kit {
    pub fn items(&self) -> impl Iterator<Item = (&KitBlock, &KitItem)> {
        self.blocks
            .iter()
            .flat_map(|b| b.items.iter().map(move |i| (b, i)))
    }

    pub fn item(&self, id: u32) -> Option<&KitItem> {
        self.items().map(|(_, i)| i).find(|i| i.id == id)
    }

    /// The bank questions the kit asks.
    pub fn question_ids(&self) -> Vec<QuestionId> {
        self.items().filter_map(|(_, i)| i.question_id).collect()
    }

    /// The sum of the blocks' minutes (equal to the length for a planned kit).
    pub fn planned_minutes(&self) -> u32 {
        self.blocks.iter().map(|b| b.minutes).sum()
    }

    fn locate(&self, id: u32) -> Result<(usize, usize), KitError> {
        self.blocks
            .iter()
            .enumerate()
            .find_map(|(b, block)| block.items.iter().position(|i| i.id == id).map(|k| (b, k)))
            .ok_or(KitError::NoItem(id))
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_item;
        self.next_item += 1;
        id
    }

    /// Replaces item `id` with `question` (a new item id: notes on the old one stay with it).
    pub fn swap(&mut self, id: u32, question: &PoolQuestion) -> Result<u32, KitError> {
        let (b, k) = self.locate(id)?;
        if self.blocks[b].items[k].pinned {
            return Err(KitError::Pinned(id));
        }
        if self.question_ids().contains(&question.id) {
            return Err(KitError::AlreadyInKit);
        }
        let new_id = self.take_id();
        let anchor = self.blocks[b].items[k].anchor.clone();
        self.blocks[b].items[k] = question.to_item(new_id, anchor);
        Ok(new_id)
    }

    /// Moves item `id` by `delta` places within its block (clamped at the ends).
    pub fn move_item(&mut self, id: u32, delta: i32) -> Result<(), KitError> {
        let (b, k) = self.locate(id)?;
        let items = &mut self.blocks[b].items;
        let to = (k as i64 + i64::from(delta)).clamp(0, items.len() as i64 - 1) as usize;
        let item = items.remove(k);
        items.insert(to, item);
        Ok(())
    }

    /// Moves the competency block `key` by `delta` places among the competency blocks; the
    /// introduction, the openers, the candidate's questions and the close keep their places.
    pub fn move_block(&mut self, key: &str, delta: i32) -> Result<(), KitError> {
        let slots: Vec<usize> = (0..self.blocks.len())
            .filter(|&i| self.blocks[i].kind == BlockKind::Competency)
            .collect();
        let at = slots
            .iter()
            .position(|&i| self.blocks[i].key == key)
            .ok_or_else(|| KitError::NoBlock(key.to_string()))?;
        let to = (at as i64 + i64::from(delta)).clamp(0, slots.len() as i64 - 1) as usize;
        let block = self.blocks.remove(slots[at]);
        self.blocks.insert(slots[to], block);
        Ok(())
    }

    pub fn set_pinned(&mut self, id: u32, pinned: bool) -> Result<(), KitError> {
        let (b, k) = self.locate(id)?;
        self.blocks[b].items[k].pinned = pinned;
        Ok(())
    }

    /// Removes item `id`; its block keeps its minutes (more time for the rest). A required
    /// competency keeps at least one question.
    pub fn remove(&mut self, id: u32) -> Result<(), KitError> {
        let (b, k) = self.locate(id)?;
        let block = &mut self.blocks[b];
        if block.items[k].pinned {
            return Err(KitError::Pinned(id));
        }
        if block.required && block.items.len() == 1 {
            return Err(KitError::LastOfRequired(block.title.clone()));
        }
        block.items.remove(k);
        Ok(())
    }

    /// Adds `question` at the end of competency block `key`.
    pub fn add(&mut self, key: &str, question: &PoolQuestion) -> Result<u32, KitError> {
        if self.question_ids().contains(&question.id) {
            return Err(KitError::AlreadyInKit);
        }
        let b = self
            .blocks
            .iter()
            .position(|b| b.key == key)
            .ok_or_else(|| KitError::NoBlock(key.to_string()))?;
        if self.blocks[b].kind != BlockKind::Competency {
            return Err(KitError::NotACompetency);
        }
        let id = self.take_id();
        self.blocks[b].items.push(question.to_item(id, None));
        Ok(id)
    }

    /// The kit as Markdown: a heading per block with its minutes, each question with its
    /// guidance, for printing or pasting into a document.
    pub fn to_markdown(&self, title: &str) -> String {
        let mut md = format!("# {title}\n\n{} minutes in all.\n", self.length_minutes);
        for w in &self.warnings {
            let _ = write!(md, "\n> Note: {w}\n");
        }
        let mut clock = 0;
        for block in &self.blocks {
            let _ = write!(
                md,
                "\n## {} ({} min, from {}:{:02})\n",
                block.title,
                block.minutes,
                clock / 60,
                clock % 60
            );
            clock += block.minutes;
            for item in &block.items {
                let _ = write!(md, "\n- **{}**", one_line(&item.text));
                if item.pinned {
                    md.push_str(" (pinned)");
                }
                md.push('\n');
                if let Some(a) = &item.anchor {
                    let _ = writeln!(md, "  - Why: {}", one_line(a));
                }
                for (label, list) in [
                    ("Key point", &item.key_points),
                    ("Look for", &item.look_for),
                    ("Red flag", &item.red_flags),
                    ("Follow-up", &item.follow_ups),
                ] {
                    for entry in list {
                        let _ = writeln!(md, "  - {label}: {}", one_line(entry));
                    }
                }
            }
        }
        md
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
