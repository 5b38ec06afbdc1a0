use super::*;
use crate::experience::technologies_in;

fn q(n: u128, section: &str, text: &str, minutes: u32) -> PoolQuestion {
    PoolQuestion {
        id: QuestionId::from_u128(n),
        text: text.to_string(),
        section: Some(section.to_string()),
        tags: Vec::new(),
        kind: QuestionKind::Technical,
        language: None,
        minutes,
        reference_answer: Some("An answer.".into()),
        key_points: vec!["first point".into(), "second point".into()],
        look_for: Vec::new(),
        red_flags: Vec::new(),
        follow_ups: vec!["A stored follow-up?".into()],
    }
}

fn pool() -> Vec<PoolQuestion> {
    let mut p = Vec::new();
    let mut n = 1;
    for (section, topic) in [
        ("messaging", "queues"),
        ("databases", "indexes"),
        ("security", "sessions"),
        ("apis", "pagination"),
    ] {
        for k in 0..8 {
            // The bank stores a section by its name; the planner matches either.
            let name = crate::Taxonomy::builtin()
                .get(section)
                .unwrap()
                .name
                .clone();
            let stored = if k % 2 == 0 { section } else { name.as_str() };
            p.push(q(n, stored, &format!("Question {k} about {topic}?"), 4));
            n += 1;
        }
    }
    p.push(q(
        100,
        "messaging",
        "How do dead letter queues work in RabbitMQ?",
        4,
    ));
    p.push(q(
        101,
        "messaging",
        "How does Kafka keep order within a partition?",
        4,
    ));
    p
}

fn role() -> JobRoleDraft {
    JobRoleDraft {
        title: "Backend developer".into(),
        description: String::new(),
        competencies: vec![
            Competency::named("databases", 5, Level::Senior, true),
            Competency::named("security", 2, Level::Mid, true),
            Competency::named("messaging", 3, Level::Mid, false),
            Competency::named("apis", 1, Level::Mid, false),
        ],
        technologies: vec!["PostgreSQL".into()],
    }
    .validated()
    .unwrap()
}

fn candidate(cv: &str) -> CandidateDraft {
    CandidateDraft {
        name: "Ada".into(),
        email: None,
        contact: String::new(),
        experience: cv.into(),
        technologies: technologies_in(cv)
            .into_iter()
            .map(|m| m.technology)
            .collect(),
    }
}

fn build(role: &JobRoleDraft, c: &CandidateDraft, length: u32, asked: &HashSet<QuestionId>) -> Kit {
    let mentions = technologies_in(&c.experience);
    let pool = pool();
    plan(&KitRequest {
        role,
        candidate: c,
        mentions: &mentions,
        length,
        interviewers: &["Grace".into(), "Linus".into()],
        pool: &pool,
        asked,
        scripts: &Scripts::default(),
        language: None,
        pinned: Vec::new(),
        next_item: 1,
    })
    .unwrap()
}

#[test]
fn every_length_adds_up_exactly() {
    let c = candidate("Built billing on RabbitMQ and PostgreSQL.");
    for length in LENGTHS {
        let kit = build(&role(), &c, length, &HashSet::new());
        assert_eq!(kit.planned_minutes(), length, "{length}");
        assert_eq!(kit.blocks.first().unwrap().kind, BlockKind::Introduction);
        assert_eq!(kit.blocks.last().unwrap().kind, BlockKind::Closing);
        assert!(
            kit.blocks
                .iter()
                .any(|b| b.kind == BlockKind::CandidateQuestions)
        );
        for b in &kit.blocks {
            assert!(b.minutes > 0 && !b.items.is_empty(), "{} empty", b.title);
        }
    }
    let err = plan(&KitRequest {
        length: 50,
        ..request_parts()
    });
    assert_eq!(err, Err(KitError::BadLength(50)));
}

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

fn request_parts() -> KitRequest<'static> {
    KitRequest {
        role: leak(role()),
        candidate: leak(candidate("Go services.")),
        mentions: &[],
        length: 60,
        interviewers: &[],
        pool: leak(pool()),
        asked: leak(HashSet::new()),
        scripts: leak(Scripts::default()),
        language: None,
        pinned: Vec::new(),
        next_item: 1,
    }
}

#[test]
fn required_competencies_always_get_a_question_and_weights_share_the_time() {
    let kit = build(&role(), &candidate(""), 60, &HashSet::new());
    let block = |key: &str| kit.blocks.iter().find(|b| b.key == key).unwrap();
    for key in ["databases", "security"] {
        assert!(block(key).required);
        assert!(block(key).items.iter().any(|i| i.question_id.is_some()));
    }
    assert!(block("databases").minutes > block("messaging").minutes);
    assert!(block("messaging").minutes > block("apis").minutes);
    // The questions fit their block (one question may overrun a very short block).
    for b in kit
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Competency)
    {
        let used: u32 = b.items.iter().map(|i| i.minutes).sum();
        assert!(
            used <= b.minutes.max(4),
            "{}: {used} > {}",
            b.title,
            b.minutes
        );
    }
}

#[test]
fn a_required_competency_without_questions_gets_a_prompt_and_a_warning() {
    let mut r = role();
    r.competencies
        .push(Competency::named("Observability", 2, Level::Mid, true));
    let kit = build(&r, &candidate(""), 45, &HashSet::new());
    let b = kit
        .blocks
        .iter()
        .find(|b| b.key == "observability")
        .unwrap();
    assert_eq!(b.items.len(), 1);
    assert!(b.items[0].text.contains("observability"));
    assert!(kit.warnings.iter().any(|w| w.contains("Observability")));
    assert_eq!(kit.planned_minutes(), 45);
}

#[test]
fn optional_competencies_give_way_when_time_is_short_and_too_many_required_fail() {
    let mut r = role();
    for n in 0..3 {
        r.competencies.push(Competency::named(
            &format!("Extra {n}"),
            1,
            Level::Mid,
            false,
        ));
    }
    let kit = build(&r, &candidate(""), 30, &HashSet::new());
    assert!(kit.warnings.iter().any(|w| w.contains("left out")));
    assert_eq!(kit.planned_minutes(), 30);
    assert!(kit.blocks.iter().any(|b| b.key == "security"));

    let mut many = role();
    many.competencies = (0..12)
        .map(|n| Competency::named(&format!("Area {n}"), 1, Level::Mid, true))
        .collect();
    let parts = request_parts();
    let err = plan(&KitRequest {
        role: &many,
        length: 30,
        ..parts
    });
    assert!(matches!(
        err,
        Err(KitError::TooShort {
            required: 12,
            length: 30
        })
    ));
}

#[test]
fn a_returning_candidate_never_gets_a_question_twice() {
    let c = candidate("Worked with RabbitMQ and PostgreSQL.");
    let first = build(&role(), &c, 60, &HashSet::new());
    let asked: HashSet<QuestionId> = first.question_ids().into_iter().collect();
    assert!(!asked.is_empty());
    let second = build(&role(), &c, 60, &asked);
    for id in second.question_ids() {
        assert!(!asked.contains(&id), "{id} asked again");
    }
    // Within one kit no question appears twice either (openers' ladders included).
    let ids = second.question_ids();
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn the_candidates_experience_shapes_the_openers_and_the_questions() {
    let cv = "Five years on an order platform. I ran RabbitMQ clusters for our event bus.";
    let kit = build(&role(), &candidate(cv), 60, &HashSet::new());
    let experience = kit
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::Experience)
        .unwrap();
    let opener = &experience.items[0];
    assert!(opener.text.contains("RabbitMQ"), "{}", opener.text);
    assert!(
        opener.text.contains("message"),
        "a messaging opener: {}",
        opener.text
    );
    assert!(
        opener
            .anchor
            .as_deref()
            .unwrap()
            .contains("I ran RabbitMQ clusters")
    );
    assert!(opener.follow_ups.len() >= 3);
    // The bank's RabbitMQ question is the deepest rung of that ladder, not asked twice.
    assert_eq!(
        opener.follow_ups.last().unwrap(),
        "How do dead letter queues work in RabbitMQ?"
    );
    assert!(!kit.question_ids().contains(&QuestionId::from_u128(100)));

    // A Kafka candidate gets the Kafka question first in the messaging block.
    let kafka = build(
        &role(),
        &candidate("Event streaming with Kafka."),
        90,
        &HashSet::new(),
    );
    let messaging = kafka.blocks.iter().find(|b| b.key == "messaging").unwrap();
    let first = &messaging.items[0];
    assert!(
        first.text.contains("Kafka")
            || kafka.blocks[1].items[0]
                .follow_ups
                .iter()
                .any(|f| f.contains("Kafka"))
    );

    // Without a CV, a general opener.
    let plain = build(&role(), &candidate(""), 45, &HashSet::new());
    assert!(plain.blocks[1].items[0].text.starts_with("Walk me through"));
}

#[test]
fn the_same_input_gives_the_same_kit() {
    let c = candidate("PostgreSQL and Kafka.");
    assert_eq!(
        build(&role(), &c, 60, &HashSet::new()),
        build(&role(), &c, 60, &HashSet::new())
    );
}

#[test]
fn the_introduction_names_the_people_and_the_role() {
    let kit = build(&role(), &candidate(""), 30, &HashSet::new());
    let intro = &kit.blocks[0].items[0].text;
    assert!(
        intro.contains("Ada")
            && intro.contains("Grace and Linus")
            && intro.contains("Backend developer")
    );
}

#[test]
fn edits_keep_the_rules() {
    let mut kit = build(&role(), &candidate(""), 60, &HashSet::new());
    let security = kit
        .blocks
        .iter()
        .find(|b| b.key == "security")
        .unwrap()
        .clone();
    let first = security.items[0].id;
    // Removing down to the last question of a required competency is refused.
    for extra in &security.items[1..] {
        kit.remove(extra.id).unwrap();
    }
    assert!(matches!(
        kit.remove(first),
        Err(KitError::LastOfRequired(_))
    ));
    // Pinning protects from swap and removal.
    kit.set_pinned(first, true).unwrap();
    let spare = pool()
        .into_iter()
        .find(|p| !kit.question_ids().contains(&p.id) && p.section.as_deref() == Some("security"))
        .unwrap();
    assert_eq!(kit.swap(first, &spare), Err(KitError::Pinned(first)));
    kit.set_pinned(first, false).unwrap();
    let new_id = kit.swap(first, &spare).unwrap();
    assert!(new_id > first && kit.item(first).is_none());
    assert_eq!(kit.swap(new_id, &spare), Err(KitError::AlreadyInKit));
    // Reordering within a block and among competency blocks.
    let db = kit
        .blocks
        .iter()
        .find(|b| b.key == "databases")
        .unwrap()
        .clone();
    kit.move_item(db.items[0].id, 5).unwrap();
    let after = kit.blocks.iter().find(|b| b.key == "databases").unwrap();
    assert_eq!(after.items.last().unwrap().id, db.items[0].id);
    let keys = |k: &Kit| k.blocks.iter().map(|b| b.key.clone()).collect::<Vec<_>>();
    kit.move_block("apis", -10).unwrap();
    assert_eq!(keys(&kit)[2], "apis");
    assert_eq!(keys(&kit)[0], "introduction");
    assert!(kit.move_block("introduction", 1).is_err());
    assert_eq!(kit.planned_minutes(), 60);
    let md = kit.to_markdown("Ada — Backend developer");
    assert!(md.starts_with("# Ada — Backend developer"));
    assert!(md.contains("## Security ("));
    assert!(md.contains("  - Key point: first point"));
}

#[test]
fn a_rebuild_keeps_pinned_items_where_they_were() {
    let c = candidate("RabbitMQ at work.");
    let mut kit = build(&role(), &c, 60, &HashSet::new());
    let db = kit
        .blocks
        .iter()
        .find(|b| b.key == "databases")
        .unwrap()
        .items[1]
        .clone();
    kit.set_pinned(db.id, true).unwrap();
    let pinned: Vec<(String, KitItem)> = kit
        .blocks
        .iter()
        .flat_map(|b| {
            b.items
                .iter()
                .filter(|i| i.pinned)
                .map(|i| (b.key.clone(), i.clone()))
        })
        .collect();
    let mentions = technologies_in(&c.experience);
    let pool = pool();
    let asked: HashSet<QuestionId> = HashSet::new();
    let rebuilt = plan(&KitRequest {
        role: &role(),
        candidate: &c,
        mentions: &mentions,
        length: 45,
        interviewers: &[],
        pool: &pool,
        asked: &asked,
        scripts: &Scripts::default(),
        language: None,
        pinned,
        next_item: kit.next_item,
    })
    .unwrap();
    let block = rebuilt
        .blocks
        .iter()
        .find(|b| b.key == "databases")
        .unwrap();
    assert_eq!(block.items[0].id, db.id);
    assert!(block.items[0].pinned);
    assert_eq!(
        rebuilt
            .question_ids()
            .iter()
            .filter(|q| Some(**q) == db.question_id)
            .count(),
        1
    );
    assert!(rebuilt.next_item > kit.next_item);
    assert_eq!(rebuilt.planned_minutes(), 45);
}
