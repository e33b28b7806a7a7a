//! The crate's one error type: what went wrong as a catalogue key and the values it names,
//! worded when it is shown, in English on the command line and in the page's language on the
//! page.
//!
//! An [`Error`] holds no sentence, only `key` (a template of the catalogues in `src/i18n/`,
//! `error.…`) and its named values, so the same error reads "lr 7: allowed values are …" on an
//! English page and "学习率 7：允许的取值为 …" on a Chinese one. [`Error::message`] words it in
//! a given language; `Display` words it in the thread's current language
//! ([`crate::i18n::current`]: English unless a page chose another), which is what `?` hands to
//! wasm-bindgen's `JsError` (`JsError` converts every `std::error::Error`), so a page's
//! exceptions arrive in the page's language with nothing to translate in JavaScript.
//!
//! Build one with [`err!`](crate::err): `err!("error.lang", value = code)`.

use crate::i18n::{self, Lang};
use std::fmt::{self, Display};

/// One value an error names.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    /// Written as given (a number, a name the user typed).
    Text(String),
    /// A word of the catalogue (`word.<english>`), in the message's language: the name of a
    /// quantity ("learning rate"), falling back to the English itself.
    Word(&'static str),
    /// Another error, worded in the same language: the cause this one reports.
    Cause(Box<Error>),
}

/// What went wrong: a catalogue key and the values its template names.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    key: &'static str,
    values: Vec<(&'static str, Value)>,
}

/// A result whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The error of template `key` with no values yet.
    pub fn new(key: &'static str) -> Error {
        Error {
            key,
            values: Vec::new(),
        }
    }

    /// This error with placeholder `{name}` set to `value`, written as it displays.
    pub fn with(mut self, name: &'static str, value: impl Display) -> Error {
        self.values.push((name, Value::Text(value.to_string())));
        self
    }

    /// This error with placeholder `{name}` set to the catalogue's word for `english`
    /// (`word.<english>`, or `english` itself where the catalogue has no such word).
    pub fn with_word(mut self, name: &'static str, english: &'static str) -> Error {
        self.values.push((name, Value::Word(english)));
        self
    }

    /// This error with placeholder `{name}` set to `cause`, worded in the same language.
    pub fn with_cause(mut self, name: &'static str, cause: Error) -> Error {
        self.values.push((name, Value::Cause(Box::new(cause))));
        self
    }

    /// `items` as one error, each in turn, separated as the message's language separates a
    /// list (`; ` in English, `；` in Chinese); `None` when there are none.
    pub fn list(items: impl IntoIterator<Item = Error>) -> Option<Error> {
        let items: Vec<Error> = items.into_iter().collect();
        items.into_iter().rev().reduce(|rest, first| {
            Error::new("error.list")
                .with_cause("first", first)
                .with_cause("rest", rest)
        })
    }

    /// The catalogue key of the message's template.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The message in `lang`: the template of [`Error::key`] with every value filled in.
    pub fn message(&self, lang: Lang) -> String {
        let values: Vec<(&str, String)> = self
            .values
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::Text(text) => text.clone(),
                    Value::Word(english) => i18n::word(lang, english).to_owned(),
                    Value::Cause(cause) => cause.message(lang),
                };
                (*name, text)
            })
            .collect();
        let vars: Vec<(&str, &dyn Display)> = values
            .iter()
            .map(|(n, v)| (*n, v as &dyn Display))
            .collect();
        i18n::fill(lang, self.key, &vars)
    }
}

impl Display for Error {
    /// The message in the thread's current language ([`i18n::current`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(i18n::current()))
    }
}

impl std::error::Error for Error {}

/// An [`Error`] of catalogue key `key` with named values:
/// `err!("error.lang", value = code)` fills `{value}` of the template `error.lang`.
#[macro_export]
macro_rules! err {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::error::Error::new($key)$(.with(stringify!($name), $value))*
    };
}
