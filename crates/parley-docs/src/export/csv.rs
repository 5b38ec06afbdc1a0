//! CSV export with the same column names the CSV importer recognises.

use parley_domain::Question;

pub fn render(questions: &[Question]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "question",
        "answer",
        "category",
        "tags",
        "kind",
        "language",
        "key_points",
        "look_for",
        "red_flags",
        "follow_up_of",
    ];
    w.write_record(header)
        .expect("writing to memory cannot fail");
    for q in questions {
        let d = &q.draft;
        let record = [
            q.id.to_string(),
            d.text.clone(),
            d.reference_answer.clone().unwrap_or_default(),
            d.section.clone().unwrap_or_default(),
            d.tags.join(", "),
            d.kind.to_string(),
            q.language().to_string(),
            d.key_points.join("\n"),
            d.look_for.join("\n"),
            d.red_flags.join("\n"),
            q.follow_up_of.map(|i| i.to_string()).unwrap_or_default(),
        ];
        w.write_record(&record)
            .expect("writing to memory cannot fail");
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail"))
        .expect("CSV of UTF-8 strings is UTF-8")
}
