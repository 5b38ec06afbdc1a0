//! Prints how each analysis splits and stems the text given as arguments (for tuning).
fn main() {
    let text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    for a in parley_search::Analysis::ALL {
        let t: Vec<String> = a.analyzer_tokens(&text);
        println!("{a:?}: {t:?}");
    }
}
