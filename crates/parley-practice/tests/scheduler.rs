//! The scheduler against FSRS behaviour: intervals grow with good answers, lapses shorten
//! them, and in interview-date mode every weak card's last review falls just before the date.

use parley_practice::schedule::{EVE_MS, RELEARN_MS};
use parley_practice::{Card, DAY_MS, Rating, Scheduler};

const T0: i64 = 1_780_000_000_000;

fn sched() -> Scheduler {
    Scheduler::new(0.9).unwrap()
}

fn interval(c: &Card) -> i64 {
    c.due_ms - c.last_review_ms
}

#[test]
fn intervals_grow_with_good_answers() {
    let s = sched();
    let mut card = s.review(None, Rating::Good, Some(4.0), T0, None).unwrap();
    let mut previous = interval(&card);
    assert!(
        previous >= DAY_MS,
        "a first good answer waits at least a day"
    );
    for _ in 0..6 {
        let now = card.due_ms;
        card = s
            .review(Some(&card), Rating::Good, Some(4.0), now, None)
            .unwrap();
        let iv = interval(&card);
        assert!(
            iv > previous,
            "good on time should lengthen the interval: {previous} -> {iv}"
        );
        previous = iv;
    }
    assert!(
        previous > 30 * DAY_MS,
        "seven good reviews reach months, got {previous}"
    );
    assert_eq!(card.reps, 7);
    assert_eq!(card.lapses, 0);
}

#[test]
fn better_ratings_never_come_back_sooner() {
    let s = sched();
    let first = s.review(None, Rating::Good, None, T0, None).unwrap();
    let now = first.due_ms;
    let p = s.preview(Some(&first), None, now, None).unwrap();
    assert_eq!(p.len(), 4);
    assert_eq!(
        p[0].due_ms,
        now + RELEARN_MS,
        "again comes back in the same sitting"
    );
    assert!(p[0].due_ms < p[1].due_ms && p[1].due_ms <= p[2].due_ms && p[2].due_ms < p[3].due_ms);
}

#[test]
fn a_lapse_shortens_the_interval_and_lowers_stability() {
    let s = sched();
    let mut card = s.review(None, Rating::Good, None, T0, None).unwrap();
    for _ in 0..4 {
        let now = card.due_ms;
        card = s
            .review(Some(&card), Rating::Good, None, now, None)
            .unwrap();
    }
    let before = card.clone();
    let now = card.due_ms;
    let lapsed = s
        .review(Some(&card), Rating::Again, Some(1.0), now, None)
        .unwrap();
    assert_eq!(lapsed.due_ms, now + RELEARN_MS);
    assert_eq!(lapsed.lapses, 1);
    assert!(
        lapsed.stability < before.stability / 2.0,
        "{} vs {}",
        lapsed.stability,
        before.stability
    );
    // The relearned card's next good interval is far shorter than the one before the lapse.
    let relearned = s
        .review(Some(&lapsed), Rating::Good, Some(3.5), lapsed.due_ms, None)
        .unwrap();
    assert!(interval(&relearned) < interval(&before) / 2);
    // Hard after good also comes back sooner than good would have.
    let good = s
        .review(Some(&before), Rating::Good, None, now, None)
        .unwrap();
    let hard = s
        .review(Some(&before), Rating::Hard, None, now, None)
        .unwrap();
    assert!(interval(&hard) < interval(&good));
}

#[test]
fn retrievability_decays_between_reviews() {
    let s = sched();
    let card = s.review(None, Rating::Good, None, T0, None).unwrap();
    let r1 = s.retrievability(&card, T0 + DAY_MS);
    let r10 = s.retrievability(&card, T0 + 10 * DAY_MS);
    assert!(r1 > 0.9 && r10 < r1, "{r1} {r10}");
    // At the due time recall is close to the desired retention.
    let at_due = s.retrievability(&card, card.due_ms);
    assert!((0.85..=0.95).contains(&at_due), "{at_due}");
}

/// A simulated learner: strong cards are answered well, weak ones badly, every day until the
/// interview; every card that is due gets reviewed.
fn simulate(interview: Option<i64>, days: i64) -> Vec<(bool, Vec<i64>, Card)> {
    let s = sched();
    let n = 40;
    let mut cards: Vec<Option<Card>> = vec![None; n];
    let mut reviews: Vec<Vec<i64>> = vec![Vec::new(); n];
    let weak = |i: usize| i.is_multiple_of(3);
    for day in 0..days {
        // Two sittings a day, morning and evening.
        for sitting in [8, 20] {
            let now = T0 + day * DAY_MS + sitting * 3_600_000;
            if interview.is_some_and(|d| now >= d) {
                break;
            }
            for i in 0..n {
                let due = match &cards[i] {
                    None => i / 8 == day as usize, // eight new cards a day for five days
                    Some(c) => s.due_ms(c, interview) <= now,
                };
                if !due {
                    continue;
                }
                let k = reviews[i].len();
                let rating = match (weak(i), k) {
                    (true, 0) => Rating::Again,
                    (true, _) => Rating::Hard,
                    (false, _) => Rating::Good,
                };
                let score = if weak(i) { 2.5 } else { 4.5 };
                cards[i] = Some(
                    s.review(cards[i].as_ref(), rating, Some(score), now, interview)
                        .unwrap(),
                );
                reviews[i].push(now);
            }
        }
    }
    (0..n)
        .map(|i| (weak(i), reviews[i].clone(), cards[i].clone().unwrap()))
        .collect()
}

#[test]
fn in_interview_date_mode_every_weak_card_is_reviewed_on_the_eve() {
    let interview = T0 + 30 * DAY_MS; // midnight starting day 30
    let result = simulate(Some(interview), 31);
    let s = sched();
    for (i, (weak, reviews, card)) in result.iter().enumerate() {
        let last = *reviews.last().unwrap();
        assert!(last < interview, "card {i} reviewed after the interview");
        if *weak || s.retrievability(card, interview) < 0.9 {
            assert!(
                last >= interview - 2 * DAY_MS,
                "weak card {i}: last review {} h before the interview",
                (interview - last) / 3_600_000
            );
        }
    }
}

#[test]
fn without_the_date_weak_cards_drift_past_it() {
    // The same learner without the mode: at least one weak card's last review is more than
    // two days before the day, which is what the mode exists to prevent.
    let interview = T0 + 30 * DAY_MS;
    let result = simulate(None, 30);
    let drifted = result
        .iter()
        .filter(|(weak, reviews, _)| *weak && *reviews.last().unwrap() < interview - 2 * DAY_MS)
        .count();
    assert!(drifted > 0);
}

#[test]
fn a_card_reviewed_before_the_date_was_set_is_pulled_to_the_eve() {
    let s = sched();
    let weak = s.review(None, Rating::Good, Some(2.5), T0, None).unwrap();
    let interview = weak.due_ms - DAY_MS / 4;
    assert!(weak.is_weak());
    assert_eq!(s.due_ms(&weak, Some(interview)), interview - EVE_MS);
    // Strong and fresh on the day: keeps its date.
    let mut strong = s.review(None, Rating::Easy, Some(5.0), T0, None).unwrap();
    for _ in 0..3 {
        strong = s
            .review(Some(&strong), Rating::Easy, Some(5.0), strong.due_ms, None)
            .unwrap();
    }
    let soon = strong.last_review_ms + 3 * DAY_MS;
    assert!(s.retrievability(&strong, soon) >= 0.95);
    assert_eq!(s.due_ms(&strong, Some(soon)), strong.due_ms);
    // Due before the eve anyway: keeps its date.
    let later = weak.due_ms + 10 * DAY_MS;
    assert_eq!(s.due_ms(&weak, Some(later)), weak.due_ms);
}
