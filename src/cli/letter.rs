pub(super) fn run(_: &super::LetterArgs) -> super::Exit {
    super::Exit::Usage
}
