pub(super) fn policy(_: super::PolicyCommand) -> super::Exit {
    super::Exit::Usage
}
pub(super) fn templates(_: super::TemplatesCommand) -> super::Exit {
    super::Exit::Usage
}
pub(super) fn init(_: &std::path::Path) -> super::Exit {
    super::Exit::Usage
}
