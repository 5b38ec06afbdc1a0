fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let d = parley_docs::parse_document(
        &bytes,
        &parley_docs::ReadOptions {
            file_name: path.clone(),
        },
    )
    .unwrap();
    println!(
        "format={:?} lang={} n={} noise={} sections={:?}",
        d.format,
        d.language,
        d.questions.len(),
        d.noise_removed,
        d.sections
    );
    for q in &d.questions {
        println!(
            "{:>4} [{}] {:<20} {:<10} ans={} lf={} rf={} | {} || {}",
            q.sources[0].line,
            q.draft.language.as_ref().unwrap(),
            q.draft.section.as_deref().unwrap_or("-"),
            q.draft.kind,
            q.answered,
            q.draft.look_for.len(),
            q.draft.red_flags.len(),
            q.draft.text.chars().take(90).collect::<String>(),
            q.draft
                .reference_answer
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect::<String>()
        );
    }
}
