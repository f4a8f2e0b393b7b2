//! The letter's worked example as a calculator: per-batch gradients of one
//! or two layers in, every step of IDNNs' "mean" and "std" out, computed
//! with the core's own `layer_moments` and `curves`.

use super::format::short;
use crate::runs::RunState;
use infoplane_core::gradients::{curves, layer_moments, GradDefinition};
use leptos::prelude::*;

/// Most batches and weights a field accepts (the page stays responsive).
const MAX_VALUES: usize = 10_000;

/// Every step of one layer's statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSteps {
    /// The batches' gradients as entered.
    pub batches: Vec<Vec<f32>>,
    /// Element-wise mean over batches.
    pub mean: Vec<f64>,
    /// Element-wise population variance over batches.
    pub var: Vec<f64>,
    /// m = ‖mean‖ (the code's "mean").
    pub m: f64,
    /// Σ var.
    pub var_sum: f64,
    /// s = √Σ var (the letter's "variance").
    pub s: f64,
    /// √s (the code's "std").
    pub std: f64,
}

/// The batches of `text`, as text: with brackets, each innermost `[…]` is
/// a batch and only separators (commas, semicolons, spaces, "and") may lie
/// between them, so the letter's "[2, 3] and [4, 5]" (or "[[2,3],[4,5]]")
/// reads as written; without, batches are separated by `;`, new lines or
/// "and". Errors name `field`.
fn split_batches(field: &str, text: &str) -> Result<Vec<String>, String> {
    if !text.contains(['[', ']']) {
        return Ok(text
            .split([';', '\n'])
            .flat_map(|p| p.split(" and "))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect());
    }
    let mut batches = Vec::new();
    let (mut open, mut outside) = (None::<String>, String::new());
    let check = |outside: &mut String| -> Result<(), String> {
        let rest = outside.replace("and", " ");
        outside.clear();
        match rest.trim_matches(|c: char| c.is_whitespace() || c == ',' || c == ';') {
            "" => Ok(()),
            junk => Err(format!(
                "{field}: \"{junk}\" lies outside the brackets; write batches as [2, 3] and [4, 5]"
            )),
        }
    };
    for c in text.chars() {
        match c {
            '[' => {
                check(&mut outside)?;
                open = Some(String::new());
            }
            ']' => {
                match open.take() {
                    Some(b) => batches.push(b),
                    // A closing bracket of an outer list: nothing to read.
                    None => check(&mut outside)?,
                }
            }
            _ => match open.as_mut() {
                Some(b) => b.push(c),
                None => outside.push(c),
            },
        }
    }
    if open.is_some() {
        return Err(format!("{field}: a \"[\" is not closed"));
    }
    check(&mut outside)?;
    Ok(batches)
}

/// Parses `text` as batches, each a list of numbers separated by commas or
/// spaces: "2,3; 4,5" or the letter's "[2, 3] and [4, 5]" (see
/// `split_batches`); errors name `field`.
pub fn parse_batches(field: &str, text: &str) -> Result<Vec<Vec<f32>>, String> {
    let mut batches: Vec<Vec<f32>> = Vec::new();
    for (b, part) in split_batches(field, text)?.iter().enumerate() {
        let mut values = Vec::new();
        for tok in part.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
            let v: f32 = tok
                .parse()
                .ok()
                .filter(|v: &f32| v.is_finite())
                .ok_or_else(|| format!("{field}: \"{tok}\" in batch {} is not a number", b + 1))?;
            values.push(v);
        }
        if values.is_empty() {
            return Err(format!("{field}: batch {} has no values", b + 1));
        }
        if let Some(first) = batches.first().map(Vec::len) {
            if values.len() != first {
                return Err(format!(
                    "{field}: batch {} has {} values but batch 1 has {first}; every batch needs one value per weight",
                    b + 1,
                    values.len()
                ));
            }
        }
        batches.push(values);
        if batches.len() * batches[0].len() > MAX_VALUES {
            return Err(format!("{field}: more than {MAX_VALUES} values"));
        }
    }
    if batches.is_empty() {
        return Err(format!(
            "{field}: enter at least one batch, e.g. [2, 3] and [4, 5]"
        ));
    }
    Ok(batches)
}

/// The steps of one layer, with m and s from `layer_moments`.
pub fn steps(batches: Vec<Vec<f32>>) -> LayerSteps {
    let nb = batches.len() as f64;
    let n = batches.first().map_or(0, Vec::len);
    let mean: Vec<f64> = (0..n)
        .map(|i| batches.iter().map(|g| f64::from(g[i])).sum::<f64>() / nb)
        .collect();
    let var: Vec<f64> = (0..n)
        .map(|i| {
            batches
                .iter()
                .map(|g| (f64::from(g[i]) - mean[i]).powi(2))
                .sum::<f64>()
                / nb
        })
        .collect();
    let refs: Vec<&[f32]> = batches.iter().map(Vec::as_slice).collect();
    let mo = layer_moments(&refs);
    LayerSteps {
        mean,
        var_sum: var.iter().sum(),
        var,
        m: mo.m,
        s: mo.s,
        std: mo.s.sqrt(),
        batches,
    }
}

/// The layers' steps and IDNNs' cumulative ("mean", "std") per layer.
pub type Calculation = (Vec<LayerSteps>, Vec<(f64, f64)>);

/// Calculates from the two fields (the second may be empty).
pub fn calculate(layer1: &str, layer2: &str) -> Result<Calculation, String> {
    let mut layers = vec![steps(parse_batches("Layer 1 gradients", layer1)?)];
    if !layer2.trim().is_empty() {
        layers.push(steps(parse_batches("Layer 2 gradients", layer2)?));
    }
    let m: Vec<f64> = layers.iter().map(|l| l.m).collect();
    let s: Vec<f64> = layers.iter().map(|l| l.s).collect();
    let c = curves(GradDefinition::Idnns, &m, &s, &vec![1.0; m.len()]);
    Ok((layers, c.mean.into_iter().zip(c.std).collect()))
}

fn vector(v: &[f64]) -> String {
    format!(
        "[{}]",
        v.iter().map(|x| short(*x)).collect::<Vec<_>>().join(", ")
    )
}

fn batch_list(b: &[Vec<f32>]) -> String {
    b.iter()
        .map(|g| vector(&g.iter().map(|v| f64::from(*v)).collect::<Vec<_>>()))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// One layer's steps as a list.
fn layer_view(k: usize, l: &LayerSteps) -> impl IntoView {
    let n = k + 1;
    view! {
        <section class="calc-layer" aria-labelledby=format!("calc-h{n}")>
            <h3 id=format!("calc-h{n}")>{format!("Layer {n}: batches {}", batch_list(&l.batches))}</h3>
            <ol>
                <li>"Element-wise mean over the batches: " {vector(&l.mean)}</li>
                <li>"\"Mean\" = ‖" {vector(&l.mean)} "‖ = " <output id=format!("calc-mean-{n}")>{short(l.m)}</output></li>
                <li>"Element-wise population variance: " {vector(&l.var)} ", summed: " {short(l.var_sum)}</li>
                <li>"√" {short(l.var_sum)} " = " {short(l.s)} " (the letter's \"variance\")"</li>
                <li>"\"Std\" = √" {short(l.s)} " = " <output id=format!("calc-std-{n}")>{short(l.std)}</output></li>
            </ol>
        </section>
    }
}

/// The cumulative values, with the sums written out.
fn cumulative_view(layers: &[LayerSteps], cum: &[(f64, f64)]) -> impl IntoView {
    let rows = cum
        .iter()
        .enumerate()
        .map(|(k, (m, s))| {
            let n = k + 1;
            let ms: Vec<String> = layers[..=k].iter().map(|l| short(l.m)).collect();
            let ss: Vec<String> = layers[..=k].iter().map(|l| short(l.s)).collect();
            // One layer has nothing to sum: "mean" = m, "std" = √s.
            let (msum, ssum) = if k == 0 {
                (String::new(), format!("√{}", ss[0]))
            } else {
                (
                    format!("{} = ", ms.join(" + ")),
                    format!("√({})", ss.join(" + ")),
                )
            };
            view! {
                <li>
                    {format!("Layer {n}: \"mean\" = {msum}")}
                    <output id=format!("calc-cmean-{n}")>{short(*m)}</output>
                    {format!("; \"std\" = {ssum} = ")}
                    <output id=format!("calc-cstd-{n}")>{short(*s)}</output>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="calc-cumulative" aria-labelledby="calc-hc">
            <h3 id="calc-hc">"Plotted (cumulative over layers, as coded)"</h3>
            <ol>{rows}</ol>
        </section>
    }
}

/// The calculator; reports `done` (valid input) or `error` through `state`.
#[component]
pub fn Calculator(state: RwSignal<RunState>) -> impl IntoView {
    let l1 = RwSignal::new("[2, 3] and [4, 5]".to_string());
    let l2 = RwSignal::new("[2, 3] and [4, 5]".to_string());
    let result = Memo::new(move |_| calculate(&l1.get(), &l2.get()));
    Effect::new(move |_| {
        state.set(if result.with(Result::is_ok) {
            RunState::Done
        } else {
            RunState::Error
        })
    });
    let field = move |n: usize, sig: RwSignal<String>, help: &'static str| {
        let id = format!("calc-l{n}");
        view! {
            <div class="field">
                <label for=id.clone()>{format!("Layer {n} gradients per batch")}</label>
                <input id=id.clone() type="text" spellcheck="false" autocomplete="off"
                    aria-describedby=format!("{id}-help")
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
                <small class="help" id=format!("{id}-help")>{help}</small>
            </div>
        }
    };
    view! {
        <form class="calc-inputs" on:submit=|ev| ev.prevent_default() aria-label="Worked example inputs">
            {field(1, l1, "One gradient per batch, as the letter writes them: [2, 3] and [4, 5] is two batches of a 2-weight layer (2,3; 4,5 also works)")}
            {field(2, l2, "Same form; leave empty for one layer")}
        </form>
        <div class="calc-output" aria-live="polite">
            {move || match result.get() {
                Ok((layers, cum)) => view! {
                    <div class="calc-steps">
                        {layers.iter().enumerate().map(|(k, l)| layer_view(k, l)).collect_view()}
                        {cumulative_view(&layers, &cum)}
                    </div>
                }
                .into_any(),
                Err(e) => view! { <p class="calc-error" id="calc-error" role="alert">{e}</p> }.into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letters_numbers() {
        let (layers, cum) = calculate("2,3; 4,5", "[2, 3]; [4, 5]").unwrap();
        assert_eq!(layers[0].mean, vec![3.0, 4.0]);
        assert_eq!(layers[0].var, vec![1.0, 1.0]);
        assert_eq!(short(layers[0].m), "5");
        assert_eq!(short(layers[0].s), "1.414");
        assert_eq!(short(layers[0].std), "1.189");
        assert_eq!(
            (short(cum[0].0), short(cum[0].1)),
            ("5".into(), "1.189".into())
        );
        assert_eq!(
            (short(cum[1].0), short(cum[1].1)),
            ("10".into(), "1.682".into())
        );
        // One layer only.
        assert_eq!(calculate("2 3\n4 5", " ").unwrap().1.len(), 1);
    }

    #[test]
    fn the_letters_literal_input_reads_as_written() {
        let two = vec![vec![2.0f32, 3.0], vec![4.0, 5.0]];
        for text in [
            "[2, 3] and [4, 5]",
            "[2,3] and [4,5]",
            "[[2, 3], [4, 5]]",
            "[2 3]; [4 5]",
            "2, 3 and 4, 5",
            "2,3; 4,5",
        ] {
            assert_eq!(parse_batches("f", text).unwrap(), two, "{text}");
        }
        // Three batches of three weights, the letter's way.
        assert_eq!(
            parse_batches("f", "[1, 2, 3] and [3, 2, 1] and [0, 0, 0]")
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            parse_batches("f", "[2, 3] or [4, 5]").unwrap_err(),
            "f: \"or\" lies outside the brackets; write batches as [2, 3] and [4, 5]"
        );
        assert_eq!(
            parse_batches("f", "[2, 3] and [4, 5").unwrap_err(),
            "f: a \"[\" is not closed"
        );
        assert_eq!(
            parse_batches("f", "[2, 3] and []").unwrap_err(),
            "f: batch 2 has no values"
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let e = calculate("2,3; 4,x", "").unwrap_err();
        assert_eq!(e, "Layer 1 gradients: \"x\" in batch 2 is not a number");
        let e = calculate("2,3", "1,2; 3").unwrap_err();
        assert!(
            e.starts_with("Layer 2 gradients: batch 2 has 1 values but batch 1 has 2"),
            "{e}"
        );
        let e = calculate(" ; ", "").unwrap_err();
        assert!(
            e.starts_with("Layer 1 gradients: enter at least one batch"),
            "{e}"
        );
    }
}
