//! The one error type: a catalogue key and its values, worded in the language asked for, in
//! English by default on every thread, and in the page's language once a page chooses one.

use optiviz::err;
use optiviz::error::Error;
use optiviz::i18n::{self, Lang};

#[test]
fn an_error_is_worded_in_the_language_asked_for() {
    let e = err!("error.lang", value = "fr");
    assert_eq!(e.key(), "error.lang");
    assert_eq!(e.message(Lang::En), "lang 'fr': allowed values are en, zh");
    assert_eq!(e.message(Lang::Zh), "lang 'fr'：允许的取值为 en、zh");
}

#[test]
fn display_follows_the_threads_language_which_starts_english() {
    let e = Lang::from_code("de").unwrap_err();
    assert_eq!(e.to_string(), "lang 'de': allowed values are en, zh");
    // Another thread choosing Chinese leaves this one English.
    std::thread::spawn(|| {
        i18n::set_current(Lang::Zh);
        assert_eq!(
            Lang::from_code("de").unwrap_err().to_string(),
            "lang 'de'：允许的取值为 en、zh"
        );
    })
    .join()
    .unwrap();
    assert_eq!(i18n::current(), Lang::En);
    assert_eq!(e.to_string(), "lang 'de': allowed values are en, zh");
}

#[test]
fn a_cause_is_worded_in_the_same_language_and_an_unknown_word_stays_as_written() {
    // `error.lang` names only {value}; a cause and a word fill it the same way a value does.
    let cause = err!("error.lang", value = "x");
    let outer = Error::new("error.lang").with_cause("value", cause);
    assert_eq!(
        outer.message(Lang::Zh),
        "lang 'lang 'x'：允许的取值为 en、zh'：允许的取值为 en、zh"
    );
    let word = Error::new("error.lang").with_word("value", "no such word here");
    assert_eq!(
        word.message(Lang::Zh),
        "lang 'no such word here'：允许的取值为 en、zh"
    );
}

#[test]
fn an_error_crosses_threads_and_is_a_std_error() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    is_error(&err!("error.lang", value = 1.5));
}
