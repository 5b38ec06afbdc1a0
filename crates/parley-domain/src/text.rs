//! Text helpers shared by import, storage and search: folding, word splitting, duplicate keys.

/// Folds a character to its base Latin letter where it carries a diacritic (Polish first, then
/// the common Western European ones), lower-casing it on the way.
pub fn fold_char(c: char) -> char {
    match c {
        'ą' | 'Ą' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            'a'
        }
        'ć' | 'Ć' | 'ç' | 'Ç' | 'č' | 'Č' => 'c',
        'ę' | 'Ę' | 'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' | 'ě' | 'Ě' => 'e',
        'ł' | 'Ł' => 'l',
        'ń' | 'Ń' | 'ñ' | 'Ñ' | 'ň' | 'Ň' => 'n',
        'ó' | 'Ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ô' | 'Õ' | 'Ö' | 'ø' | 'Ø' => 'o',
        'ś' | 'Ś' | 'š' | 'Š' | 'ß' => 's',
        'ź' | 'Ź' | 'ż' | 'Ż' | 'ž' | 'Ž' => 'z',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'ů' | 'Ů' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ř' | 'Ř' => 'r',
        'ť' | 'Ť' => 't',
        'ď' | 'Ď' => 'd',
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// Lower-case, diacritic-free copy of `s`.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Words of `s`, lower-cased and folded. A word is a run of letters and digits; inner `+`, `#`
/// and `.` survive so that "c++", "c#" and "node.js" stay one word.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let keep = c.is_alphanumeric()
            || (!cur.is_empty() && matches!(c, '+' | '#'))
            || (!cur.is_empty()
                && c == '.'
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()));
        if keep {
            cur.push(fold_char(c));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The key under which two questions count as exact duplicates: case, punctuation, diacritics
/// and whitespace do not matter.
pub fn duplicate_key(s: &str) -> String {
    let mut key = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            key.push(fold_char(c));
        } else if (c.is_whitespace() || c.is_ascii_punctuation() || !c.is_alphanumeric())
            && !key.ends_with(' ')
            && !key.is_empty()
        {
            key.push(' ');
        }
    }
    key.trim_end().to_string()
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn squash_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_polish_diacritics() {
        assert_eq!(fold("Źródło ŁÓDŹ żółć"), "zrodlo lodz zolc");
    }

    #[test]
    fn words_keep_technology_names_whole() {
        assert_eq!(
            words("Node.js, C++ and C#?"),
            vec!["node.js", "c++", "and", "c#"]
        );
        assert_eq!(words("end. Next"), vec!["end", "next"]);
    }

    #[test]
    fn duplicate_key_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            duplicate_key("What is  a Queue?"),
            duplicate_key("what is a queue")
        );
        assert_ne!(
            duplicate_key("What is a queue?"),
            duplicate_key("What is a dead-letter queue?")
        );
        assert_eq!(duplicate_key("  --  "), "");
    }
}
