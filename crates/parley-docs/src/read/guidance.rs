//! Interviewer guidance inside answer text ("Look for:", "Red flag:", "What to Expect:", …) is
//! split from the reference answer into `look_for`, `red_flags` and `key_points`.

use parley_domain::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Answer,
    LookFor,
    RedFlags,
    KeyPoints,
}

/// Labels, folded to lower case without diacritics, and where their text goes. A label counts
/// only at the start of the text or of a sentence.
const LABELS: &[(&str, Bucket)] = &[
    ("what the interviewer wants", Bucket::LookFor),
    ("what the interviewer is looking for", Bucket::LookFor),
    ("what to look for", Bucket::LookFor),
    ("what to expect", Bucket::LookFor),
    ("how to structure your answer", Bucket::LookFor),
    ("interviewer notes", Bucket::LookFor),
    ("interviewer note", Bucket::LookFor),
    ("note for the interviewer", Bucket::LookFor),
    ("note for interviewer", Bucket::LookFor),
    ("look for", Bucket::LookFor),
    ("listen for", Bucket::LookFor),
    ("green flags", Bucket::LookFor),
    ("green flag", Bucket::LookFor),
    ("na co zwrocic uwage", Bucket::LookFor),
    ("czego szukac", Bucket::LookFor),
    ("red flags", Bucket::RedFlags),
    ("red flag", Bucket::RedFlags),
    ("warning signs", Bucket::RedFlags),
    ("warning sign", Bucket::RedFlags),
    ("czerwone flagi", Bucket::RedFlags),
    ("czerwona flaga", Bucket::RedFlags),
    ("sygnaly ostrzegawcze", Bucket::RedFlags),
    ("key points", Bucket::KeyPoints),
    ("kluczowe punkty", Bucket::KeyPoints),
    ("sample answer", Bucket::Answer),
    ("example answer", Bucket::Answer),
    ("model answer", Bucket::Answer),
    ("suggested answer", Bucket::Answer),
    ("przykladowa odpowiedz", Bucket::Answer),
];

/// An answer with its interviewer guidance taken out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Split {
    pub answer: Option<String>,
    pub look_for: Vec<String>,
    pub red_flags: Vec<String>,
    pub key_points: Vec<String>,
}

/// Splits `text` at guidance labels.
pub fn split(text: &str) -> Split {
    let folded: Vec<(usize, char)> = text.char_indices().collect();
    let lower: String = folded
        .iter()
        .map(|(_, c)| parley_domain::text::fold_char(*c))
        .collect();
    // `lower` has one char per char of `text`; map char positions back to byte offsets.
    let lower_chars: Vec<char> = lower.chars().collect();
    let mut cuts: Vec<(usize, usize, Bucket)> = Vec::new(); // (label start byte, body start byte, bucket)
    let mut i = 0;
    while i < lower_chars.len() {
        if at_sentence_start(&lower_chars, i)
            && let Some((len, bucket)) = label_at(&lower_chars, i)
        {
            let mut j = i + len;
            // A label ends with ':' or ' -'; "Sample Answer" may also run into a quote.
            while j < lower_chars.len() && lower_chars[j] == ' ' {
                j += 1;
            }
            let ok = match lower_chars.get(j) {
                Some(':') | Some('-') | Some('–') => {
                    j += 1;
                    true
                }
                Some('"') | Some('“') => bucket == Bucket::Answer,
                None => false,
                _ => false,
            };
            if ok {
                let start = folded[i].0;
                let body = folded.get(j).map_or(text.len(), |(b, _)| *b);
                cuts.push((start, body, bucket));
                i = j;
                continue;
            }
        }
        i += 1;
    }
    let mut out = Split::default();
    let mut answer_parts = Vec::new();
    let first = cuts.first().map_or(text.len(), |c| c.0);
    answer_parts.push(text[..first].trim().to_string());
    for (k, &(_, body, bucket)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(text.len(), |c| c.0);
        let part = text[body..end].trim().to_string();
        if part.is_empty() {
            continue;
        }
        match bucket {
            Bucket::Answer => answer_parts.push(unquote(&part)),
            Bucket::LookFor => out.look_for.push(part),
            Bucket::RedFlags => out.red_flags.push(part),
            Bucket::KeyPoints => out.key_points.extend(list_items(&part)),
        }
    }
    let answer = answer_parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    out.answer = (!answer.is_empty()).then_some(answer);
    out
}

fn at_sentence_start(chars: &[char], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let mut k = i;
    let mut saw_space = false;
    while k > 0 && matches!(chars[k - 1], ' ' | '\n' | '\t') {
        saw_space = true;
        if chars[k - 1] == '\n' {
            return true;
        }
        k -= 1;
    }
    if k == 0 {
        return true;
    }
    // A quotation closing a sentence ("… they 'usually do.' Red flag: …") ends it too.
    if k >= 2 && matches!(chars[k - 1], '\'' | '’') && matches!(chars[k - 2], '.' | '!' | '?') {
        return saw_space;
    }
    saw_space && matches!(chars[k - 1], '.' | '!' | '?' | '"' | '”' | ')' | ':')
}

fn label_at(chars: &[char], i: usize) -> Option<(usize, Bucket)> {
    for (label, bucket) in LABELS {
        let n = label.chars().count();
        if i + n <= chars.len() && chars[i..i + n].iter().copied().eq(label.chars()) {
            return Some((n, *bucket));
        }
    }
    None
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(inner) = t.strip_prefix(open) {
            return inner
                .strip_suffix(close)
                .unwrap_or(inner)
                .trim()
                .to_string();
        }
    }
    t.to_string()
}

/// Splits an inline list ("a; b; c" or "- a - b") into items.
fn list_items(s: &str) -> Vec<String> {
    let sep: &[char] = if s.contains('\n') { &['\n'] } else { &[';'] };
    s.split(sep)
        .map(|x| {
            x.trim()
                .trim_start_matches(['-', '*', '•'])
                .trim()
                .to_string()
        })
        .filter(|x| !x.is_empty())
        .collect()
}

/// True when a note under a question talks about the question or the candidate rather than
/// asking something: "This question checks…", "Look for…", "the applicant should…".
pub fn is_interviewer_note(text: &str) -> bool {
    let f = fold(text.trim());
    const STARTS: &[&str] = &[
        "this question",
        "using this question",
        "with this question",
        "this is a",
        "in my opinion",
        "that's a",
        "thats a",
        "note",
        "tip",
        "hint",
        "look for",
        "listen for",
        "expect",
        "i love",
        "i like",
        "good answer",
        "a good answer",
        "strong answer",
        "the candidate",
        "the applicant",
        "candidates",
        "applicants",
        "to pytanie",
        "uwaga",
        "kandydat",
    ];
    const MENTIONS: &[&str] = &[
        "applicant",
        "candidate",
        "interviewee",
        "she/he",
        "he/she",
        "kandydat",
        "this question",
    ];
    STARTS.iter().any(|s| f.starts_with(s)) || MENTIONS.iter().any(|m| f.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_for_and_red_flags_leave_the_answer() {
        let s = split("Look for: Specific roles and outcomes. Red flag: Vague answers.");
        assert_eq!(s.answer, None);
        assert_eq!(s.look_for, vec!["Specific roles and outcomes."]);
        assert_eq!(s.red_flags, vec!["Vague answers."]);
    }

    #[test]
    fn sample_answers_stay_answers_without_their_label() {
        let s = split(
            "What the interviewer wants: Learning agility. Sample Answer \"I learned Kafka in a week.\"",
        );
        assert_eq!(s.look_for, vec!["Learning agility."]);
        assert_eq!(s.answer.as_deref(), Some("I learned Kafka in a week."));
    }

    #[test]
    fn labels_inside_a_sentence_are_ordinary_words() {
        let text = "Indexes speed reads; look for: nothing here. We look for slow queries first.";
        let s = split(text);
        assert_eq!(s.answer.as_deref(), Some(text));
    }

    #[test]
    fn plain_answers_are_untouched() {
        let s = split("A load balancer spreads traffic.");
        assert_eq!(
            s.answer.as_deref(),
            Some("A load balancer spreads traffic.")
        );
        assert!(s.look_for.is_empty() && s.red_flags.is_empty());
    }

    #[test]
    fn notes_are_told_from_follow_up_questions() {
        assert!(is_interviewer_note(
            "This question mostly checks how the applicant resolves problems. Does she/he ask?"
        ));
        assert!(is_interviewer_note(
            "Using this question we can check monitoring"
        ));
        assert!(!is_interviewer_note("What are bounded contexts?"));
        assert!(!is_interviewer_note("Do you know Terraform or Ansible?"));
    }
}
