//! The walk through the course's handle, [`Course`]: the page's language as its link chose it
//! ([`CoursePage`]), set as the page's language switch and the browser decide, and the
//! sections in that language as JSON ([`crate::state::course::walk`]).

use crate::state::course::{CoursePage, Lang, walk};
use wasm_bindgen::prelude::*;

/// The course page's state: what its link chose and the language it is shown in.
#[wasm_bindgen]
pub struct Course {
    /// The link's part the page keeps (the language, if the link or the switch chose one).
    page: CoursePage,
    /// The language the page is shown in.
    lang: Lang,
    /// The link's parts that were left out, each with why and the allowed values.
    problems: Vec<crate::error::Error>,
}

#[wasm_bindgen]
impl Course {
    /// The page of the link query `query` (`location.search`); a bad `lang=` is left out
    /// and named by [`Course::load_error`].
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Course {
        let (page, problems) = CoursePage::read_query(query);
        Course {
            page,
            lang: page.lang.unwrap_or_default(),
            problems,
        }
    }

    /// The parts of the link that were left out, each with why and the allowed values,
    /// joined as the page's language joins a list (`; ` in English), if any were.
    pub fn load_error(&self) -> Option<String> {
        crate::error::Error::list(self.problems.iter().cloned()).map(|e| e.message(self.lang))
    }

    /// The page as a URL query (without `?`): `lang=zh` once the link or the switch chose it.
    pub fn query(&self) -> String {
        self.page.to_query()
    }

    /// The page's language as the link chose it (`en` or `zh`), or `undefined` when it did
    /// not (the page then follows the browser: [`super::browser_lang`]).
    pub fn lang(&self) -> Option<String> {
        self.page.lang.map(|l| l.code().to_owned())
    }

    /// Shows the page in language `code` (`en` or `zh`); with `in_link`, the link carries it
    /// from now on (the user chose it). An unknown code is an error naming the allowed
    /// ones; nothing changes then.
    pub fn set_lang(&mut self, code: &str, in_link: bool) -> Result<(), JsError> {
        self.lang = super::show_lang(code, in_link, &mut self.page.lang)?;
        Ok(())
    }

    /// Every section in the page's language as JSON `{lang, sections: [{id, title, formula,
    /// question, choices, answer, why, href, open}]}`.
    pub fn sections(&self) -> String {
        super::json(&walk(self.lang))
    }
}
