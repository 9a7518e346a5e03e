pub(super) fn run(_: &super::ExplainArgs) -> super::Exit {
    super::Exit::Usage
}
