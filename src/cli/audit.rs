pub(super) fn run(_: &super::AuditArgs) -> super::Exit {
    super::Exit::Usage
}
