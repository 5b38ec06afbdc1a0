//! How text becomes search terms. Every text is indexed three ways, because a bank mixes
//! English and Polish and a query rarely says which it is in:
//!
//! - `en`: lower-cased, English Snowball stem, diacritics folded;
//! - `pl`: lower-cased, Polish Snowball stem, diacritics folded;
//! - `plain`: lower-cased and folded, not stemmed (exact words, and the base for typo tolerance).
//!
//! Stemming runs before folding: the Polish stemmer needs the diacritics to find suffixes, and
//! folding afterwards makes "zrodlo" and "Źródło" meet.

use std::borrow::Cow;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// One of the three ways a text is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analysis {
    English,
    Polish,
    Plain,
}

impl Analysis {
    pub const ALL: [Analysis; 3] = [Analysis::English, Analysis::Polish, Analysis::Plain];

    /// The name the analyzer is registered under in the index.
    pub fn name(self) -> &'static str {
        match self {
            Analysis::English => "parley_en",
            Analysis::Polish => "parley_pl",
            Analysis::Plain => "parley_plain",
        }
    }

    /// The terms `text` gives under this analysis.
    pub fn analyzer_tokens(self, text: &str) -> Vec<String> {
        tokens(self, text).into_iter().map(|t| t.text).collect()
    }

    pub fn analyzer(self) -> TextAnalyzer {
        // Tokens longer than this are hashes, URLs or base64, never words someone searches for.
        const LONGEST: usize = 60;
        let base = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST))
            .filter(LowerCaser);
        match self {
            Analysis::English => base
                .filter(Stem(frostem::Algorithm::English))
                .filter(AsciiFoldingFilter)
                .build(),
            Analysis::Polish => base
                .filter(Stem(frostem::Algorithm::Polish))
                .filter(AsciiFoldingFilter)
                .build(),
            Analysis::Plain => base.filter(AsciiFoldingFilter).build(),
        }
    }
}

/// Registers the three analyzers with `index`, which needs them to index and to search.
pub fn register(index: &Index) {
    for a in Analysis::ALL {
        index.tokenizers().register(a.name(), a.analyzer());
    }
}

/// The tokens of `text` under `analysis`, with their byte offsets in `text`.
pub fn tokens(analysis: Analysis, text: &str) -> Vec<Token> {
    let mut analyzer = analysis.analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Words that carry no topic in a query ("what is the …", "jak działa …"). They are dropped
/// from queries only: the index keeps them, so removing a word from this list needs no rebuild.
pub fn is_stop_word(plain_token: &str) -> bool {
    const EN: &[&str] = &[
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "what",
        "which", "who", "whom", "how", "why", "when", "where", "of", "in", "on", "at", "to", "for",
        "from", "by", "with", "and", "or", "it", "its", "this", "that", "these", "those", "you",
        "your", "we", "our", "i", "me", "my", "can", "could", "would", "should", "will", "about",
        "between", "as", "into", "there", "their", "they", "if", "than", "then", "so", "some",
        "any", "have", "has", "had", "explain", "describe", "tell", "vs", "versus",
    ];
    // Polish, folded (the token is already folded when this is asked).
    const PL: &[&str] = &[
        "i", "w", "we", "z", "ze", "na", "do", "od", "po", "o", "u", "za", "sie", "jest", "sa",
        "co", "jak", "czy", "to", "nie", "jaki", "jaka", "jakie", "czym", "czego", "kiedy",
        "dlaczego", "ktory", "ktora", "ktore", "oraz", "lub", "albo", "a", "ale", "tym", "ten",
        "ta", "te", "tego", "tej", "dla", "przez", "pan", "pani", "wyjasnij", "opisz",
    ];
    EN.contains(&plain_token) || PL.contains(&plain_token)
}

/// A token filter stemming with one Snowball algorithm. Tantivy's own stemmer filter has no
/// Polish, so this one wraps frostem directly.
#[derive(Clone, Copy)]
struct Stem(frostem::Algorithm);

impl TokenFilter for Stem {
    type Tokenizer<T: Tokenizer> = StemTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemTokenizer<T> {
        StemTokenizer {
            algorithm: self.0,
            inner,
        }
    }
}

#[derive(Clone)]
struct StemTokenizer<T> {
    algorithm: frostem::Algorithm,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemTokenizer<T> {
    type TokenStream<'a> = StemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemStream {
            stemmer: frostem::Stemmer::new(self.algorithm),
            tail: self.inner.token_stream(text),
        }
    }
}

struct StemStream<T> {
    stemmer: frostem::Stemmer,
    tail: T,
}

impl<T: TokenStream> TokenStream for StemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // A digit-bearing token ("http2", "1000") is an identifier; stemming would mangle it.
        if token.text.chars().any(|c| c.is_ascii_digit()) {
            return true;
        }
        if let Cow::Owned(stemmed) = self.stemmer.stem(&token.text) {
            token.text = stemmed;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(a: Analysis, s: &str) -> Vec<String> {
        tokens(a, s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn polish_stems_meet_folded_queries() {
        assert_eq!(
            texts(Analysis::Polish, "Źródło"),
            texts(Analysis::Polish, "zrodlo")
        );
        assert_eq!(
            texts(Analysis::Polish, "bazach danych"),
            texts(Analysis::Polish, "baza danych")
        );
    }

    #[test]
    fn english_stems_and_keeps_identifiers() {
        assert_eq!(texts(Analysis::English, "Queues queued"), ["queue", "queu"]);
        assert_eq!(
            texts(Analysis::English, "HTTP2 retries"),
            ["http2", "retri"]
        );
        assert_eq!(texts(Analysis::Plain, "Łódź"), ["lodz"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let s = "Co to jest źródło?";
        let t = tokens(Analysis::Plain, s);
        let last = t.last().unwrap();
        assert_eq!(&s[last.offset_from..last.offset_to], "źródło");
    }
}
