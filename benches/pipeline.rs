//! In-process costs of each stage for one register (criterion): load+validate, audit, letter
//! text, and the PDF (tagged, untagged). Registers are synthetic (`tests/support/synth.rs`, 30-60 flows)
//! plus the shipped sample `riverside.yaml`. Run with `cargo bench --bench pipeline`.

#[path = "../tests/support/synth.rs"]
mod synth;

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use gpdata::letter::{Letter, LetterOptions, Renderer, templates};
use gpdata::pdf::PdfOptions;
use gpdata::policy::{self, Policy};
use gpdata::register::Register;
use gpdata::source::SourceFile;
use gpdata::validate;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 21)
}

struct Fixture {
    files: Vec<Arc<SourceFile>>,
    registers: Vec<Register>,
    policy: Policy,
    renderer: Renderer,
    options: LetterOptions,
}

fn fixture() -> Fixture {
    let mut files: Vec<Arc<SourceFile>> = (0..8)
        .map(|i| SourceFile::new(format!("synth-{i}.yaml"), synth::register(2026, i)))
        .collect();
    files.push(SourceFile::new(
        "riverside.yaml",
        include_str!("../registers/riverside.yaml"),
    ));
    let registers = files
        .iter()
        .map(|f| validate::load(f.clone(), today()).register.expect("valid"))
        .collect();
    Fixture {
        files,
        registers,
        policy: policy::builtin(),
        renderer: Renderer::new(templates::resolve(None).expect("templates")).expect("compile"),
        options: LetterOptions {
            kind: gpdata::letter::templates::LetterKind::Enquiry,
            date: today(),
            reply_days: 28,
            reference: None,
            previous_date: None,
            previous_reference: None,
            omit_supplier_names: false,
        },
    }
}

impl Fixture {
    fn letters(&self) -> Vec<Letter> {
        self.registers
            .iter()
            .map(|r| {
                let decisions = policy::evaluate(&self.policy, r, today());
                self.renderer
                    .render(
                        r,
                        &decisions,
                        &self.policy,
                        gpdata::catalogue::Catalogue::builtin(),
                        &self.options,
                    )
                    .expect("renders")
            })
            .collect()
    }
}

/// Each benchmark runs over all nine registers; criterion reports time per iteration, so the
/// per-register figure is that divided by nine (the bench script does the division).
fn stages(c: &mut Criterion) {
    let f = fixture();
    let n = f.files.len();
    let mut group = c.benchmark_group(format!("per{n}"));
    group.sample_size(30);
    group.bench_function("load+validate", |b| {
        b.iter(|| {
            for file in &f.files {
                black_box(validate::load(file.clone(), today()));
            }
        })
    });
    group.bench_function("audit", |b| {
        b.iter(|| {
            for r in &f.registers {
                black_box(policy::evaluate(&f.policy, r, today()));
            }
        })
    });
    group.bench_function("letter text (Tera + Markdown)", |b| {
        b.iter(|| black_box(f.letters()))
    });
    let letters = f.letters();
    for (name, tagged) in [("pdf tagged", true), ("pdf untagged", false)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for letter in &letters {
                    let options = PdfOptions {
                        tagged,
                        pdfa: false,
                    };
                    black_box(gpdata::pdf::render(letter, options).expect("pdf"));
                }
            })
        });
    }
    group.finish();
    // Once per process, not per register: its own group, so the bench script divides by one.
    let mut once = c.benchmark_group("once");
    once.sample_size(30);
    once.bench_function("policy (built in) load", |b| {
        b.iter(|| black_box(policy::builtin()))
    });
    once.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
