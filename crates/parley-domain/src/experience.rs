//! What a candidate has done, read out of their pasted experience: the technologies they name
//! (from a lexicon kept here, each tied to a section of the taxonomy) with the sentence that
//! names them, and the topics their sentences are about. The interviewer sees and corrects the
//! result; the kit builder anchors its opening questions in it.

use crate::taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A technology found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The technology's usual spelling ("RabbitMQ"), whatever the text wrote.
    pub technology: String,
    /// The taxonomy section it belongs to.
    pub section: String,
    /// The first sentence naming it, shortened to at most 240 characters.
    pub evidence: String,
    /// How many times the text names it.
    pub count: u32,
}

/// One lexicon entry: the usual spelling, the section, and the spellings to look for. A
/// spelling is a sequence of tokens in lower case; one starting with `=` must match the text's
/// own case (for names that are also ordinary words: "Go", "Spring").
struct Tech {
    name: &'static str,
    section: &'static str,
    spellings: &'static [&'static str],
}

const fn t(name: &'static str, section: &'static str, spellings: &'static [&'static str]) -> Tech {
    Tech {
        name,
        section,
        spellings,
    }
}

const LEXICON: &[Tech] = &[
    t("RabbitMQ", "messaging", &["rabbitmq", "rabbit mq"]),
    t("Kafka", "messaging", &["kafka"]),
    t("ActiveMQ", "messaging", &["activemq"]),
    t("Amazon SQS", "messaging", &["sqs"]),
    t("Amazon SNS", "messaging", &["sns"]),
    t("NATS", "messaging", &["=NATS"]),
    t("MQTT", "messaging", &["mqtt"]),
    t("ZeroMQ", "messaging", &["zeromq", "zmq"]),
    t("Celery", "messaging", &["celery"]),
    t("Sidekiq", "messaging", &["sidekiq"]),
    t(
        "PostgreSQL",
        "databases",
        &["postgresql", "postgres", "psql"],
    ),
    t("MySQL", "databases", &["mysql"]),
    t("MariaDB", "databases", &["mariadb"]),
    t("SQLite", "databases", &["sqlite"]),
    t("Oracle Database", "databases", &["oracle"]),
    t("SQL Server", "databases", &["sql server", "mssql"]),
    t("MongoDB", "databases", &["mongodb", "mongo"]),
    t("Redis", "databases", &["redis"]),
    t("Cassandra", "databases", &["cassandra"]),
    t("DynamoDB", "databases", &["dynamodb"]),
    t(
        "Elasticsearch",
        "databases",
        &["elasticsearch", "opensearch"],
    ),
    t("ClickHouse", "databases", &["clickhouse"]),
    t("Neo4j", "databases", &["neo4j"]),
    t("Memcached", "performance", &["memcached"]),
    t("Varnish", "performance", &["varnish"]),
    t("Docker", "devops", &["docker"]),
    t("Kubernetes", "devops", &["kubernetes", "k8s"]),
    t("Helm", "devops", &["=Helm"]),
    t("Terraform", "devops", &["terraform"]),
    t("Ansible", "devops", &["ansible"]),
    t("Jenkins", "devops", &["jenkins"]),
    t("GitHub Actions", "devops", &["github actions"]),
    t("GitLab CI", "devops", &["gitlab ci", "gitlab-ci"]),
    t("AWS", "devops", &["aws", "amazon web services"]),
    t("Google Cloud", "devops", &["gcp", "google cloud"]),
    t("Azure", "devops", &["azure"]),
    t("Prometheus", "devops", &["prometheus"]),
    t("Grafana", "devops", &["grafana"]),
    t("Nginx", "networking", &["nginx"]),
    t("HAProxy", "networking", &["haproxy"]),
    t("WebSockets", "networking", &["websocket", "websockets"]),
    t(
        "REST",
        "apis",
        &["rest api", "rest apis", "restful", "=REST"],
    ),
    t("GraphQL", "apis", &["graphql"]),
    t("gRPC", "apis", &["grpc"]),
    t("OpenAPI", "apis", &["openapi", "swagger"]),
    t("OAuth", "security", &["oauth", "oauth2"]),
    t("JWT", "security", &["jwt"]),
    t("OpenID Connect", "security", &["openid connect", "oidc"]),
    t("Keycloak", "security", &["keycloak"]),
    t("OWASP", "security", &["owasp"]),
    t("TLS", "security", &["tls", "ssl"]),
    t("TDD", "testing", &["tdd", "test driven", "test-driven"]),
    t("JUnit", "testing", &["junit"]),
    t("pytest", "testing", &["pytest"]),
    t("PHPUnit", "testing", &["phpunit"]),
    t("Jest", "testing", &["=Jest"]),
    t("Cypress", "testing", &["cypress"]),
    t("Selenium", "testing", &["selenium"]),
    t("Testcontainers", "testing", &["testcontainers"]),
    t(
        "Microservices",
        "microservices",
        &["microservices", "microservice"],
    ),
    t("Istio", "microservices", &["istio"]),
    t("CQRS", "architecture", &["cqrs"]),
    t(
        "Event sourcing",
        "architecture",
        &["event sourcing", "event-sourcing"],
    ),
    t(
        "DDD",
        "architecture",
        &["ddd", "domain driven design", "domain-driven design"],
    ),
    t("Git", "version-control", &["git"]),
    t("PHP", "php", &["php"]),
    t("Laravel", "php", &["laravel"]),
    t("Symfony", "php", &["symfony"]),
    t("JavaScript", "javascript", &["javascript", "=JS"]),
    t("TypeScript", "javascript", &["typescript"]),
    t("Node.js", "javascript", &["node.js", "nodejs", "=Node"]),
    t(
        "Express",
        "javascript",
        &["express.js", "expressjs", "=Express"],
    ),
    t("NestJS", "javascript", &["nestjs"]),
    t("Python", "python", &["python"]),
    t("Django", "python", &["django"]),
    t("Flask", "python", &["flask"]),
    t("FastAPI", "python", &["fastapi"]),
    t("Java", "java", &["java"]),
    t("Spring", "java", &["spring boot", "=Spring"]),
    t("Hibernate", "java", &["hibernate"]),
    t("Kotlin", "java", &["kotlin"]),
    t("Go", "go", &["golang", "=Go"]),
    t("Ruby", "ruby", &["ruby"]),
    t("Rails", "ruby", &["rails"]),
    t("Rust", "programming", &["=Rust"]),
    t("C#", "programming", &["c#"]),
    t("C++", "programming", &["c++"]),
    t(".NET", "programming", &[".net", "dotnet"]),
];

/// Splits a text into sentences: at line ends and at `.`, `!` or `?` followed by a space.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let b = line.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if matches!(c, b'.' | b'!' | b'?') && b.get(i + 1).is_some_and(u8::is_ascii_whitespace)
            {
                out.push(line[start..=i].trim());
                start = i + 1;
            }
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Tokens as the lexicon spells them: runs of letters, digits, `+` and `#`, with a `.` kept
/// when a letter or digit follows it ("node.js", ".net"); original case kept.
fn tokens(s: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next_alnum = chars.get(k + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        let part = c.is_alphanumeric() || c == '+' || c == '#' || (c == '.' && next_alnum);
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push(&s[st..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// Whether `spelling` occurs in the sentence's tokens.
fn occurs(spelling: &str, raw: &[&str], lower: &[String]) -> bool {
    if let Some(exact) = spelling.strip_prefix('=') {
        return raw.contains(&exact);
    }
    let want: Vec<&str> = spelling.split_whitespace().collect();
    lower
        .windows(want.len())
        .any(|w| w.iter().zip(&want).all(|(a, b)| a == b))
}

/// The technologies named in `text`, most-named first (ties in order of first mention).
pub fn technologies_in(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    for sentence in sentences(text) {
        let raw = tokens(sentence);
        let lower: Vec<String> = raw.iter().map(|t| t.to_lowercase()).collect();
        for tech in LEXICON {
            if !tech.spellings.iter().any(|s| occurs(s, &raw, &lower)) {
                continue;
            }
            match found.iter_mut().find(|m| m.technology == tech.name) {
                Some(m) => m.count += 1,
                None => found.push(Mention {
                    technology: tech.name.to_string(),
                    section: tech.section.to_string(),
                    evidence: shorten(sentence, 240),
                    count: 1,
                }),
            }
        }
    }
    // A stable sort keeps first-mention order among equals.
    found.sort_by_key(|m| std::cmp::Reverse(m.count));
    found
}

/// The section a technology belongs to, by the lexicon (any spelling, any case) or else by the
/// taxonomy's keywords; `None` when neither knows it.
pub fn section_of_technology(name: &str) -> Option<String> {
    let raw = tokens(name);
    let lower: Vec<String> = raw.iter().map(|t| t.to_lowercase()).collect();
    LEXICON
        .iter()
        .find(|tech| {
            tech.name.eq_ignore_ascii_case(name.trim())
                || tech
                    .spellings
                    .iter()
                    .any(|s| occurs(s.trim_start_matches('='), &raw, &lower))
        })
        .map(|tech| tech.section.to_string())
        .or_else(|| Taxonomy::builtin().classify(name).map(|c| c.section_id))
}

/// The taxonomy sections the experience talks about, with how many sentences do, most first.
pub fn topics_in(text: &str) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for sentence in sentences(text) {
        if let Some(c) = Taxonomy::builtin().classify(sentence) {
            if !counts.contains_key(&c.section_id) {
                order.push(c.section_id.clone());
            }
            *counts.entry(c.section_id).or_default() += 1;
        }
    }
    let mut out: Vec<(String, u32)> = order
        .into_iter()
        .map(|s| {
            let n = counts[&s];
            (s, n)
        })
        .collect();
    out.sort_by_key(|t| std::cmp::Reverse(t.1));
    out
}

/// At most `max` characters, cut at a word boundary with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        technologies_in(text)
            .into_iter()
            .map(|m| m.technology)
            .collect()
    }

    #[test]
    fn finds_technologies_with_their_sentence_and_section() {
        let cv = "Built an order pipeline on RabbitMQ and PostgreSQL at a logistics firm.\n\
                  Later moved the queues to Kafka. Rabbit MQ stayed for e-mails!\n\
                  Wrote services in Node.js and Go; deployed with k8s.";
        let found = technologies_in(cv);
        let rabbit = found.iter().find(|m| m.technology == "RabbitMQ").unwrap();
        assert_eq!(rabbit.section, "messaging");
        assert_eq!(rabbit.count, 2);
        assert!(rabbit.evidence.starts_with("Built an order pipeline"));
        assert_eq!(found[0].technology, "RabbitMQ", "most-named first");
        for n in ["PostgreSQL", "Kafka", "Node.js", "Go", "Kubernetes"] {
            assert!(names(cv).contains(&n.to_string()), "{n} missing");
        }
    }

    #[test]
    fn ordinary_words_are_not_technologies() {
        let text = "I like to go hiking in spring. We had to rest and express our ideas.";
        assert!(names(text).is_empty(), "{:?}", names(text));
        assert_eq!(names("Spring Boot services; the go-to stack"), ["Spring"]);
        assert_eq!(names("C# and .NET, some C++"), ["C#", "C++", ".NET"]);
    }

    #[test]
    fn sections_of_corrected_technologies_come_from_the_lexicon_or_the_taxonomy() {
        assert_eq!(
            section_of_technology("rabbitmq").as_deref(),
            Some("messaging")
        );
        assert_eq!(
            section_of_technology("Postgres").as_deref(),
            Some("databases")
        );
        assert_eq!(
            section_of_technology("XSS filtering").as_deref(),
            Some("security")
        );
        assert_eq!(section_of_technology("Knitting"), None);
    }

    #[test]
    fn topics_count_sentences_per_section() {
        let t = topics_in(
            "Designed database indexes for reporting. Tuned slow SQL queries.\nRan OWASP reviews.",
        );
        assert_eq!(t[0], ("databases".to_string(), 2));
        assert!(t.iter().any(|(s, _)| s == "security"));
    }

    #[test]
    fn sentences_split_at_stops_but_not_inside_names() {
        assert_eq!(
            sentences("Used Node.js daily. Then Go!\nAnd more"),
            ["Used Node.js daily.", "Then Go!", "And more"]
        );
        assert_eq!(shorten("one two three four", 10), "one two…");
    }
}
