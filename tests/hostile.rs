//! Hostile input never panics or hangs: each case gets its diagnostic code and exit code 1.

mod common;

use std::fs;

use common::*;

fn check(name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(name);
    fs::write(&file, bytes).unwrap();
    let out = gpdata()
        .args(["check", "--format", "short"])
        .arg(&file)
        .output()
        .unwrap();
    (out.status.code(), stdout(&out))
}

#[test]
fn hostile_inputs_get_clear_errors() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!(
            "l{i}: &l{i} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("alias-bomb.yaml", bomb.into_bytes(), "yaml-limit"),
        (
            "deep.yaml",
            format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            "yaml-limit",
        ),
        (
            "deep-map.yaml",
            format!("a: {}1{}", "{b: ".repeat(10_000), "}".repeat(10_000)).into_bytes(),
            "yaml-limit",
        ),
        (
            "invalid-utf8.yaml",
            b"register: 1\nname: \xff\xfe\n".to_vec(),
            "invalid-encoding",
        ),
        (
            "utf16.yaml",
            b"\xff\xfer\x00e\x00".to_vec(),
            "invalid-encoding",
        ),
        ("empty.yaml", Vec::new(), "empty-file"),
        ("dashes.yaml", b"---\n".to_vec(), "empty-file"),
        ("list.yaml", b"- register: 1\n".to_vec(), "wrong-type"),
        (
            "junk.yaml",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
                .collect(),
            "invalid-encoding",
        ),
        (
            "tab.yaml",
            b"register: 1\npractice:\n\tname: x\n".to_vec(),
            "yaml-syntax",
        ),
        ("scalar.yaml", b"just some text\n".to_vec(), "wrong-type"),
        (
            "norway.yaml",
            b"register: 1\npractice: {name: NO, ods_code: yes, address: [x]}\n".to_vec(),
            "invalid-ods-code",
        ),
    ];
    for (name, bytes, code) in cases {
        let (exit, text) = check(name, &bytes);
        assert_eq!(exit, Some(1), "{name}: {text}");
        assert!(
            text.contains(&format!("[{code}]")),
            "{name} should give {code}: {text}"
        );
    }
}

#[test]
fn a_50_megabyte_file_is_refused_without_reading_it_all() {
    let (exit, text) = check("huge.yaml", &vec![b'a'; 50 * 1024 * 1024]);
    assert_eq!(exit, Some(1));
    assert!(text.contains("[file-too-large]"));
}
