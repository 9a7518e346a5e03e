//! Enumerated register facts: a closed set of kebab-case words, each with a plain-English phrase.
//!
//! Every enumeration accepts `unknown`, because half-finished registers are normal; the
//! [`choice!`] macro declares a type's words and phrases once, and everything else (the loader's
//! "did you mean", the policy vocabulary, the schema) reads them from the [`Choice`] trait.

/// An enumeration whose values are written as kebab-case words in YAML.
pub trait Choice: Sized + Copy + 'static {
    /// Every value, in documentation order.
    const ALL: &'static [Self];
    /// Every value's word, in the same order as [`Choice::ALL`].
    const WORDS: &'static [&'static str];
    /// Every value in plain English, in the same order as [`Choice::ALL`].
    const PHRASES: &'static [&'static str];
    /// What the field is called in messages ("purpose").
    const NOUN: &'static str;
    /// The word written in YAML.
    fn as_str(self) -> &'static str;

    /// The value written as `word`, if any.
    fn from_word(word: &str) -> Option<Self> {
        Self::WORDS
            .iter()
            .position(|w| *w == word)
            .map(|i| Self::ALL[i])
    }

    /// Every allowed word.
    fn words() -> Vec<&'static str> {
        Self::WORDS.to_vec()
    }
}

/// Declares an enumeration of register words: the type, its [`Choice`] impl, a `phrase()` for
/// sentences, and `Display` as the word.
macro_rules! choice {
    (
        $(#[$meta:meta])* $name:ident, $noun:literal {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal => $phrase:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
                 serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant,)*
        }

        impl $crate::register::Choice for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)*];
            const WORDS: &'static [&'static str] = &[$($word,)*];
            const PHRASES: &'static [&'static str] = &[$($phrase,)*];
            const NOUN: &'static str = $noun;
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word,)* }
            }
        }

        impl $name {
            /// The value in plain English, for explanations and letters.
            pub fn phrase(self) -> &'static str {
                match self { $($name::$variant => $phrase,)* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::register::Choice::as_str(*self))
            }
        }
    };
}

pub(crate) use choice;
