//! The surface page's errors in Chinese: one of each area (link, surface, formula, schedule,
//! optimizer, comparison, trace, drawing) worded by `Error::message(Lang::Zh)` with the values
//! it names, and the same error still worded in English by `Display` (the tests' thread never
//! chooses a language). The expected sentences are written out here by hand.

use optiviz::core::compare::{Objective, sort_results};
use optiviz::core::explain::explain;
use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::RunSpec;
use optiviz::core::schedule::Schedule;
use optiviz::core::surface::{Surface, View};
use optiviz::core::trace::Trace;
use optiviz::error::Error;
use optiviz::i18n::Lang;
use optiviz::render::plot::draw_err;
use optiviz::state::scenario::Scenario;

/// The error's English (as `Display` words it here) and Chinese messages.
fn both(e: &Error) -> (String, String) {
    (e.to_string(), e.message(Lang::Zh))
}

#[test]
fn a_link_s_problems_are_worded_in_chinese_with_their_values() {
    let (_, problems) = Scenario::read_query("steps=0&run=adamm&run=sgd;lr=-1&speed=0&zoom=2");
    let zh: Vec<String> = problems.iter().map(|e| e.message(Lang::Zh)).collect();
    assert_eq!(zh[0], "steps 0：允许的取值为 1 到 20000");
    assert!(
        zh[1].starts_with("运行 1：未知的优化器 'adamm'：允许的取值为 sgd, momentum, "),
        "{}",
        zh[1]
    );
    assert_eq!(zh[2], "运行 2：lr = -1 无效：允许的取值为 0 ≤ lr");
    assert_eq!(zh[3], "speed 0：允许的取值为 0 < speed ≤ 100000");
    assert!(
        zh[4].starts_with("未知的部分 'zoom'：允许的有 surface、k、"),
        "{}",
        zh[4]
    );
    // The strict reader joins them with a full-width semicolon in Chinese.
    let e = Scenario::from_query("steps=0&chart=speed").unwrap_err();
    assert_eq!(
        both(&e),
        (
            "steps 0: allowed values are 1 to 20000; unknown chart 'speed': allowed values are \
             loss, grad, distance"
                .into(),
            "steps 0：允许的取值为 1 到 20000；未知的图表 'speed'：允许的取值为 loss、grad、distance"
                .into()
        )
    );
}

#[test]
fn a_surface_error_is_worded_in_chinese() {
    let e = Surface::bowl_of(1e7, 0.0).unwrap_err();
    assert_eq!(
        both(&e),
        (
            "k 1e7: allowed values are 0.001 to 1e6 (the condition number)".into(),
            "k 1e7：允许的取值为 0.001 到 1e6（条件数）".into()
        )
    );
    let e = View::new(1.0, 0.0, 0.0, 1.0).check().unwrap_err();
    assert!(
        e.message(Lang::Zh)
            .starts_with("视图 '1,0,0,1' 无法显示：须 x_min < x_max 且 y_min < y_max，每个边界在 -1e6 到 1e6 之间"),
        "{e:?}"
    );
}

#[test]
fn a_formula_error_is_worded_in_chinese_with_its_column() {
    let e = Surface::custom("x^2 + (y").unwrap_err();
    assert_eq!(e.column, 7);
    assert_eq!(
        both(&e.error),
        (
            "missing ')' for '(' at column 7".into(),
            "第 7 列的 '(' 缺少对应的 ')'".into()
        )
    );
    let e = Surface::custom("2x").unwrap_err();
    assert_eq!(
        e.error.message(Lang::Zh),
        "第 2 列的 '2' 和 'x' 之间缺少运算符（不支持省略乘号：写作 2*x）"
    );
    let e = Surface::from_id_or_formula("x +").unwrap_err();
    assert_eq!(
        e.message(Lang::Zh),
        "公式 'x +'：表达式在第 4 列意外结束（'+' 之后应为数、名称或 '('）"
    );
}

#[test]
fn a_schedule_error_is_worded_in_chinese() {
    let e = "step:gamma=0.5".parse::<Schedule>().unwrap_err();
    assert_eq!(
        both(&e),
        (
            "schedule 'step' needs size=…".into(),
            "学习率衰减策略 'step' 需要 size=…".into()
        )
    );
    let e = "exp:gamma=-1".parse::<Schedule>().unwrap_err();
    assert_eq!(
        e.message(Lang::Zh),
        "学习率衰减策略的 gamma = -1 无效：允许的取值为 0 < gamma"
    );
}

#[test]
fn an_optimizer_error_is_worded_in_chinese() {
    let e = RunConfig::new(OptimizerKind::Adam)
        .with("beta1", 2.0)
        .unwrap_err();
    assert_eq!(
        both(&e),
        (
            "invalid beta1 = 2: allowed values are 0 ≤ beta1 < 1".into(),
            "beta1 = 2 无效：允许的取值为 0 ≤ beta1 < 1".into()
        )
    );
    // An explanation of a step past a diverged run names the reason in Chinese too.
    let spec = RunSpec::from(RunConfig::new(OptimizerKind::Sgd).with("lr", 1.0).unwrap());
    let e = explain(&Surface::Rosenbrock, &spec, [3.0, 3.0], 400).unwrap_err();
    let zh = e.message(Lang::Zh);
    assert!(zh.starts_with("无法解释第 400 步：该运行在第 "), "{zh}");
    assert!(zh.contains("非有限值") || zh.contains("不是有限值"), "{zh}");
}

#[test]
fn a_comparison_error_is_worded_in_chinese() {
    let e = Objective::from_name("loss").unwrap_err();
    assert_eq!(
        e.message(Lang::Zh),
        "未知的目标 'loss'：允许的取值为 final-loss, steps, area"
    );
    let e = sort_results(&mut [], "speed", true).unwrap_err();
    assert!(
        e.message(Lang::Zh)
            .starts_with("未知的列 'speed'：允许的有 run, "),
        "{e:?}"
    );
}

#[test]
fn a_trace_error_is_worded_in_chinese() {
    let e = Trace::from_json("[1, 2]").unwrap_err();
    assert!(e.to_string().starts_with("not an optiviz trace: "), "{e}");
    assert!(
        e.message(Lang::Zh).starts_with("不是 optiviz 的轨迹文件："),
        "{e:?}"
    );
}

#[test]
fn a_drawing_error_is_worded_in_chinese() {
    let e = draw_err("backend failed");
    assert_eq!(
        both(&e),
        ("backend failed".into(), "绘图出错：backend failed".into())
    );
}
