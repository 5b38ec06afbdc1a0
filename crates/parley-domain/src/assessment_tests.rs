use super::*;
use crate::QuestionId;
use crate::hiring::Competency;
use crate::kit::{KitBlock, KitItem};

fn item(id: u32, text: &str, kps: &[&str]) -> KitItem {
    KitItem {
        id,
        question_id: Some(QuestionId::from_u128(u128::from(id))),
        text: text.into(),
        anchor: None,
        reference_answer: None,
        key_points: kps.iter().map(|k| k.to_string()).collect(),
        look_for: vec![],
        red_flags: vec![],
        follow_ups: vec![],
        minutes: 5,
        pinned: false,
    }
}

fn kit() -> Kit {
    let block = |key: &str, title: &str, items| KitBlock {
        kind: BlockKind::Competency,
        key: key.into(),
        title: title.into(),
        minutes: 10,
        required: true,
        items,
    };
    Kit {
        length_minutes: 30,
        blocks: vec![
            block(
                "databases",
                "Databases",
                vec![
                    item(1, "Indexes?", &["B-tree", "write cost"]),
                    item(2, "MVCC?", &["snapshots"]),
                ],
            ),
            block(
                "security",
                "Security",
                vec![item(3, "CSRF?", &["same-site cookies", "tokens"])],
            ),
        ],
        warnings: vec![],
        next_item: 4,
    }
}

fn role() -> JobRoleDraft {
    JobRoleDraft {
        title: "Backend".into(),
        description: String::new(),
        competencies: vec![
            Competency::named("databases", 3, Level::Senior, true),
            Competency::named("security", 2, Level::Mid, true),
            Competency::named("testing", 1, Level::Mid, false),
        ],
        technologies: vec![],
    }
}

fn scale() -> Vec<String> {
    crate::interview::Scale::default().0
}

fn entry(notes: &str, rating: Option<u8>, checked: &[u32]) -> Entry {
    Entry {
        notes: notes.into(),
        rating,
        checked: checked.to_vec(),
    }
}

#[test]
fn ratings_roll_up_per_competency_with_their_evidence() {
    let a = entry("solid on B-trees", Some(4), &[0]);
    let b = entry("", Some(3), &[0]);
    let c = entry("", Some(4), &[]);
    let entries = vec![(1, &a), (2, &b), (3, &c)];
    let r = roll_up(&role(), &kit(), &entries, &scale());
    assert_eq!(r.len(), 3);
    let db = &r[0];
    assert_eq!(db.score, Some((1.0 + 2.0 / 3.0) / 2.0));
    assert_eq!(db.observed, Observed::Met);
    assert_eq!(db.evidence.questions, ["Indexes?", "MVCC?"]);
    assert_eq!(db.evidence.ticked, ["B-tree", "snapshots"]);
    assert_eq!(db.evidence.missed, ["write cost"]);
    assert_eq!(db.evidence.notes, ["solid on B-trees"]);
    assert!(db.flags.is_empty());
    // A strong yes with nothing behind it is flagged in words.
    assert_eq!(
        r[1].flags,
        ["Strong yes on Security, no key point ticked, no note"]
    );
    assert_eq!(r[2].observed, Observed::NotAssessed);
    assert!(overall(&r).unwrap() > 0.8);
}

#[test]
fn observed_levels_split_the_scale_in_thirds() {
    assert_eq!(Observed::from_score(Some(1.0)), Observed::Met);
    assert_eq!(Observed::from_score(Some(2.0 / 3.0)), Observed::Met);
    assert_eq!(Observed::from_score(Some(0.5)), Observed::Partly);
    assert_eq!(Observed::from_score(Some(1.0 / 3.0)), Observed::Partly);
    assert_eq!(Observed::from_score(Some(0.0)), Observed::NotMet);
    assert_eq!(Observed::from_score(None), Observed::NotAssessed);
}

#[test]
fn a_verdict_needs_a_rationale() {
    let v = Verdict {
        recommendation: Recommendation::Yes,
        rationale: "  ".into(),
    };
    assert_eq!(v.validated(), Err(AssessmentError::NoRationale));
    let v = Verdict {
        recommendation: Recommendation::Yes,
        rationale: " Clear on indexes. ".into(),
    };
    assert_eq!(v.validated().unwrap().rationale, "Clear on indexes.");
    assert_eq!(
        "strong_yes".parse::<Recommendation>().unwrap(),
        Recommendation::StrongYes
    );
    assert!("maybe".parse::<Recommendation>().is_err());
}

#[test]
fn visibility_follows_the_organisation_setting() {
    use Visibility::*;
    // (on panel, submitted, manages)
    assert!(!UntilSubmitted.shows_others(true, false, true));
    assert!(UntilSubmitted.shows_others(true, true, false));
    assert!(UntilSubmitted.shows_others(false, false, true));
    assert!(!UntilSubmitted.shows_others(false, false, false));
    assert!(!AlwaysHidden.shows_others(true, true, false));
    assert!(AlwaysHidden.shows_others(true, true, true));
    assert!(!AlwaysHidden.shows_others(true, false, true));
    assert!(NeverHidden.shows_others(true, false, false));
}

#[test]
fn krippendorffs_alpha_matches_hand_computed_values() {
    let perfect = vec![
        vec![Some(1.0), Some(1.0)],
        vec![Some(2.0), Some(2.0)],
        vec![Some(3.0), Some(3.0)],
    ];
    assert_eq!(krippendorff_alpha(&perfect), Some(1.0));
    let swapped = vec![vec![Some(1.0), Some(2.0)], vec![Some(2.0), Some(1.0)]];
    assert!((krippendorff_alpha(&swapped).unwrap() + 0.5).abs() < 1e-12);
    // A missing value makes its unit unpairable, not an error.
    let gaps = vec![
        vec![Some(1.0), None],
        vec![Some(2.0), Some(2.0)],
        vec![Some(4.0), Some(4.0)],
    ];
    assert_eq!(krippendorff_alpha(&gaps), Some(1.0));
    assert_eq!(
        krippendorff_alpha(&[vec![Some(3.0), Some(3.0)]]),
        None,
        "nothing varies"
    );
    assert_eq!(krippendorff_alpha(&[]), None);
}

#[test]
fn disagreement_is_a_third_of_the_scale_or_met_against_not_met() {
    assert!(!disagree(&[Some(1.0), Some(2.0 / 3.0)]));
    assert!(disagree(&[Some(1.0), Some(0.0)]));
    assert!(disagree(&[Some(0.7), Some(0.3)]));
    assert!(!disagree(&[Some(1.0), None]));
}
